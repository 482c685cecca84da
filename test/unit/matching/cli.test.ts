import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runMatch, runSimilar, type CliIo } from '../../../src/cli/commands/match.ts';

function io(stdinText = ''): CliIo & { out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let o = '';
  let e = '';
  stdout.on('data', (d) => (o += d));
  stderr.on('data', (d) => (e += d));
  return { stdin: Readable.from([stdinText]), stdout, stderr, out: () => o, err: () => e };
}

const dir = mkdtempSync(join(tmpdir(), 'ipclue-match-'));
const watchlist = join(dir, 'watchlist.json');
writeFileSync(watchlist, JSON.stringify({
  version: '1',
  entries: [{ id: 'ksf', kind: 'mark', name: '康师傅', referencePrices: [{ currency: 'CNY', min: 59, max: 89 }] }],
}));

describe('ipclue match', () => {
  it('writes one JSON line per listing, with matches only above the alert threshold by default', async () => {
    const t = io('{"id":"a","title":"高仿康帅傅方便面","price":10}\n\n{"id":"b","title":"康师傅方便面","price":70}\n{"id":"c","title":"大白菜"}\n');
    expect(await runMatch({ watchlist }, t)).toBe(0);
    const lines = t.out().trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.id)).toEqual(['a', 'b', 'c']);
    expect(lines[0].matches[0]).toMatchObject({ entryId: 'ksf', kind: 'visual', alert: true, level: 'high' });
    expect(lines[0].matches[0].reasons[0].text).toContain('康帅傅');
    expect(lines[1].matches).toEqual([]);
    expect(lines[2].matches).toEqual([]);
  });

  it('--all includes name matches below the alert threshold', async () => {
    const t = io('{"id":"b","title":"康师傅方便面","price":70}\n');
    expect(await runMatch({ watchlist, all: true }, t)).toBe(0);
    expect(JSON.parse(t.out()).matches[0]).toMatchObject({ kind: 'exact', alert: false });
  });

  it('reads listings from a file', async () => {
    const input = join(dir, 'listings.jsonl');
    writeFileSync(input, '{"id":"a","title":"康帅傅"}\n');
    const t = io();
    expect(await runMatch({ watchlist, input, all: true }, t)).toBe(0);
    expect(JSON.parse(t.out()).matches).toHaveLength(1);
  });

  it.each([
    ['{"id":"a","title":"x"}\n{"id":"b"}\n', '<stdin>:2: title:', 1],
    ['{"id":"a","title":"x"}\nnot json\n', '<stdin>:2: not valid JSON', 1],
    ['{"id":"a","title":"x","price":-3}\n', '<stdin>:1: price:', 0],
  ])('exits 2 with file, line and field on a bad listing', async (stdin, message, matched) => {
    const t = io(stdin);
    expect(await runMatch({ watchlist }, t)).toBe(2);
    const err = t.err().trim().split('\n');
    expect(err[0]).toContain(message);
    expect(err).toEqual([expect.any(String), `<stdin>: 1 bad listing line skipped, ${matched} matched`]);
  });

  it('reports every bad line and still matches the good ones after it', async () => {
    const t = io('not json\n{"id":"a","title":"高仿康帅傅方便面","price":10}\n{"id":"b"}\n{"id":"c","title":"大白菜"}\n');
    expect(await runMatch({ watchlist }, t)).toBe(2);
    expect(t.out().trim().split('\n').map((l) => JSON.parse(l).id)).toEqual(['a', 'c']);
    expect(JSON.parse(t.out().split('\n')[0]).matches[0]).toMatchObject({ entryId: 'ksf', alert: true });
    const err = t.err().trim().split('\n');
    expect(err).toHaveLength(3);
    expect(err[0]).toMatch(/^<stdin>:1: not valid JSON/);
    expect(err[1]).toMatch(/^<stdin>:3: title:/);
    expect(err[2]).toBe('<stdin>: 2 bad listing lines skipped, 2 matched');
  });

  it('exits 2 naming the file and field of a bad watchlist', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ version: '1', entries: [{ id: 'x', kind: 'mark', name: 'n', niceClasses: [99] }] }));
    const t = io();
    expect(await runMatch({ watchlist: bad }, t)).toBe(2);
    expect(t.err()).toMatch(/bad\.json: invalid watchlist: entries\[0\]\.niceClasses\[0\]/);
  });

  it('exits 2 when the watchlist file is missing', async () => {
    const t = io();
    expect(await runMatch({ watchlist: join(dir, 'nope.json') }, t)).toBe(2);
    expect(t.err()).toContain('nope.json: cannot read watchlist: ENOENT');
  });
});

describe('ipclue similar', () => {
  it('explains one comparison in words', async () => {
    const t = io();
    expect(await runSimilar('康师傅', '康帅傅', {}, t)).toBe(0);
    expect(t.out()).toContain('近似');
    expect(t.out()).toContain('字形近似（帅/师）');
  });

  it('prints one JSON object with --json', async () => {
    const t = io();
    await runSimilar('小米', '小米粥', { json: true }, t);
    const r = JSON.parse(t.out());
    expect(Object.keys(r)).toEqual(['similar', 'kind', 'similarity', 'reasons']);
    expect(r.similar).toBe(false);
  });

  it('compares many pairs in order with --pairs', async () => {
    const pairs = join(dir, 'pairs.jsonl');
    writeFileSync(pairs, '{"mark":"雪碧","text":"雷碧"}\n{"mark":"小米","text":"小米粥"}\n{"mark":"阳澄湖大闸蟹","text":"阳澄湖镇大闸蟹","gi":true}\n');
    const t = io();
    expect(await runSimilar(undefined, undefined, { pairs, json: true }, t)).toBe(0);
    expect(t.out().trim().split('\n').map((l) => JSON.parse(l).similar)).toEqual([true, false, true]);
  });

  it('exits 2 on a bad pairs line', async () => {
    const pairs = join(dir, 'badpairs.jsonl');
    writeFileSync(pairs, '{"mark":"雪碧","text":"雷碧"}\n{"mark":"雪碧"}\n');
    const t = io();
    expect(await runSimilar(undefined, undefined, { pairs, json: true }, t)).toBe(2);
    expect(t.err()).toContain('badpairs.jsonl:2: text:');
  });

  it('exits 2 without MARK and TEXT', async () => {
    const t = io();
    expect(await runSimilar('康师傅', undefined, {}, t)).toBe(2);
  });
});

describe('command registration', () => {
  const run = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'test/unit/matching/cli-runner.ts', ...args], { encoding: 'utf8', cwd: process.cwd() });

  it('has --help for both commands', () => {
    expect(run('match', '--help').stdout).toContain('--watchlist <file>');
    expect(run('similar', '--help').stdout).toContain('--pairs <file>');
  });

  it('exits 2 on a usage error and prints the similar judgement as JSON', () => {
    expect(run('match').status).toBe(2);
    const ok = run('similar', 'Nike', 'N1KE', '--json');
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ similar: true, kind: 'homoglyph' });
  });
});
