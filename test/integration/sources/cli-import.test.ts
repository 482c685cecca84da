import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../../src/context.ts';
import { getSourceBySlug, listSources, upsertSource } from '../../../src/sources/source.repository.ts';
import { runSourcesImport } from '../../../crawlers/cli/sources.command.ts';
import { createTestContext, createTestEnv, type TestEnv } from '../../helpers/services.ts';
import { runIpclue } from '../../helpers/process.ts';
import { aSource } from './setup.ts';

let t: TestEnv;
let ctx: AppContext;
let dir: string;

beforeAll(async () => {
  t = await createTestEnv();
  ctx = await createTestContext(t);
  dir = mkdtempSync(path.join(tmpdir(), 'ipclue-sources-'));
  writeFileSync(path.join(dir, 'a-shop.json'), JSON.stringify(aSource({ id: 'a-shop' })));
  mkdirSync(path.join(dir, 'fairs'));
  writeFileSync(
    path.join(dir, 'fairs', 'b-fair.yaml'),
    `id: b-fair\nname: 某展会\nchannel: exhibition\ncountry: cn\nplatform: fair\nbaseUrl: https://fair.example.org/\nextract:\n  type: auto\n`,
  );
  writeFileSync(path.join(dir, 'c-bad.yml'), `id: c-bad\nname: 坏的\nchannel: ecommerce\ncountry: CN\nplatform: x\nbaseUrl: https://x.example.com/\nextract:\n  type: css\n  fields: {}\n`);
  writeFileSync(path.join(dir, 'notes.txt'), 'not a source');
});
afterAll(async () => {
  await ctx?.close();
  await t?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('ipclue sources import', () => {
  it('imports the good files of a folder, reports the bad one by file and field, and exits 2', async () => {
    const out: string[] = [];
    const { code, result } = await runSourcesImport(ctx, dir, { stdout: (l) => out.push(l), stderr: (l) => out.push(l) });
    expect(code).toBe(2);
    expect(result.imported.map((i) => [i.id, i.action])).toEqual([['a-shop', 'created'], ['b-fair', 'created']]);
    expect(result.rejected).toHaveLength(1);
    expect(result.rejected[0].file).toContain('c-bad.yml');
    const text = out.join('\n');
    expect(text).toMatch(/imported\s+\S*a-shop\.json\s+a-shop \(created\)/);
    expect(text).toMatch(/rejected\s+\S*c-bad\.yml\s+.*extract\.item/);
    expect(text).toContain('2 imported, 1 rejected');
    expect((await listSources(ctx.db)).map((s) => s.slug).sort()).toEqual(['a-shop', 'b-fair']);
    expect((await getSourceBySlug(ctx.db, 'b-fair'))!.country).toBe('CN');
  });

  it('a single good file is imported again as an update and exits 0', async () => {
    const out: string[] = [];
    const { code, result } = await runSourcesImport(ctx, path.join(dir, 'a-shop.json'), { stdout: (l) => out.push(l), stderr: (l) => out.push(l) });
    expect(code).toBe(0);
    expect(result.imported).toEqual([{ file: path.join(dir, 'a-shop.json'), id: 'a-shop', action: 'updated' }]);
    const missing = await runSourcesImport(ctx, path.join(dir, 'nope.json'), { stdout: () => {}, stderr: (l) => out.push(l) });
    expect(missing.code).toBe(2);
  });

  it('re-importing keeps a source an admin disabled disabled', async () => {
    const s = (await getSourceBySlug(ctx.db, 'a-shop'))!;
    const setEnabled = (enabled: boolean) =>
      upsertSource(ctx.db, { slug: s.slug, name: s.name, channel: s.channel, country: s.country, local: s.local, enabled, definition: { ...s.definition, enabled } });
    await setEnabled(false);
    const out: string[] = [];
    const { code } = await runSourcesImport(ctx, path.join(dir, 'a-shop.json'), { stdout: (l) => out.push(l), stderr: (l) => out.push(l) });
    expect(code).toBe(0);
    expect(out.join('\n')).toContain('a-shop (updated, disabled)');
    const again = (await getSourceBySlug(ctx.db, 'a-shop'))!;
    expect(again.enabled).toBe(false);
    expect(again.definition.enabled).toBe(false);
    await setEnabled(true);
  });

  it('runs as a CLI command with exit code 2 when a file is rejected', async () => {
    const run = runIpclue(['sources', 'import', dir], t.env);
    const { code } = await run.exited;
    expect(code, run.stderr()).toBe(2);
    expect(run.stdout()).toContain('a-shop (updated)');
    expect(run.stdout()).toContain('c-bad.yml');
  });
});
