import { randomBytes } from 'node:crypto';
import { chmod, rm, writeFile } from 'node:fs/promises';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AppContext } from '../../../src/context.ts';
import { runEvidenceVerify } from '../../../src/cli/commands/evidence.ts';
import type { CommandIo } from '../../../src/cli/cli-support.ts';
import { FsArtefactStore } from '../../../src/evidence/artefact-store.ts';
import { evidenceDir } from '../../../src/evidence/evidence.service.ts';
import { recordCapture, verifyLedger } from '../../../src/evidence/ledger.repository.ts';
import { GENESIS_HASH, recordHashOf, type LedgerRecord } from '../../../src/evidence/ledger.ts';
import { createTestContext, createTestEnv, type TestEnv } from '../../helpers/services.ts';
import { seedAlert } from './fixtures.ts';

let t: TestEnv;
let ctx: AppContext;
let store: FsArtefactStore;
let alertId: string;
let records: LedgerRecord[];

beforeAll(async () => {
  t = await createTestEnv();
  ctx = await createTestContext(t);
  store = new FsArtefactStore(evidenceDir(ctx.config));
  ({ alertId } = await seedAlert(ctx.db, { url: 'http://127.0.0.1:9/item' }));
});

afterAll(async () => {
  await ctx?.close();
  await t?.cleanup();
});

/** what a tamperer with database access does: switch the append-only triggers off first */
async function asTamperer(fn: () => Promise<unknown>): Promise<void> {
  await sql`alter table evidence_ledger disable trigger user`.execute(ctx.db);
  await sql`alter table alert_events disable trigger user`.execute(ctx.db);
  try {
    await fn();
  } finally {
    await sql`alter table evidence_ledger enable trigger user`.execute(ctx.db);
    await sql`alter table alert_events enable trigger user`.execute(ctx.db);
  }
}

// each test starts from a fresh, intact ledger of four captures
beforeEach(async () => {
  await asTamperer(async () => {
    await ctx.db.deleteFrom('evidence_ledger').execute();
    await ctx.db.deleteFrom('alert_events').where('type', '=', 'evidence_captured').execute();
  });
  records = [];
  for (let i = 0; i < 4; i++) {
    const shot = await store.put(randomBytes(256));
    const html = await store.put(Buffer.from(`<html>第 ${i} 次取证 ${randomBytes(8).toString('hex')}</html>`));
    records.push(
      await recordCapture(ctx.db, {
        alertId,
        artefacts: [
          { name: 'screenshot', sha256: shot.sha256, size: shot.size, contentType: 'image/png' },
          { name: 'rendered_html', sha256: html.sha256, size: html.size, contentType: 'text/html; charset=utf-8' },
        ],
        metadata: { reason: 'manual', capture: { outcome: 'complete', capturedAt: new Date().toISOString() } },
        requestedBy: null,
        note: 'test capture',
        outcome: 'complete',
      }),
    );
  }
});

function captureIo(): CommandIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (l) => out.push(l), stderr: (l) => err.push(l) };
}

describe('the evidence ledger', () => {
  it('chains each record to the one before by hash, from a genesis of zeros', async () => {
    expect(records.map((r) => r.seq)).toEqual([1, 2, 3, 4]);
    expect(records[0].prevHash).toBe(GENESIS_HASH);
    for (let i = 1; i < records.length; i++) expect(records[i].prevHash).toBe(records[i - 1].recordHash);
    for (const r of records) expect(recordHashOf(r)).toBe(r.recordHash);
    const res = await verifyLedger(ctx.db, store);
    expect(res).toMatchObject({ ok: true, records: 4, artefacts: 8, firstBreak: null, head: { seq: 4, recordHash: records[3].recordHash } });
  });

  it('`ipclue evidence verify` exits 0 on an intact ledger and 1 with the first break printed', async () => {
    const ok = captureIo();
    expect(await runEvidenceVerify(ctx, ok)).toBe(0);
    expect(ok.out.join('\n')).toMatch(/ledger OK\): 4 record\(s\), 8 artefact\(s\)/);

    await rm(store.describe(records[1].artefacts[0].sha256));
    const bad = captureIo();
    expect(await runEvidenceVerify(ctx, bad)).toBe(1);
    expect(bad.err[0]).toMatch(/BROKEN\) at record 2: \[artefact_missing\]/);
  });

  it('the database refuses to update, delete or truncate ledger records', async () => {
    await expect(sql`update evidence_ledger set kind = 'x' where seq = 2`.execute(ctx.db)).rejects.toThrow(/evidence_ledger is append-only: UPDATE refused/);
    await expect(sql`delete from evidence_ledger where seq = 2`.execute(ctx.db)).rejects.toThrow(/evidence_ledger is append-only: DELETE refused/);
    await expect(sql`truncate evidence_ledger`.execute(ctx.db)).rejects.toThrow(/append-only: TRUNCATE refused/);
    expect((await verifyLedger(ctx.db, store)).ok).toBe(true);
  });

  it('detects an edited artefact file and names its record and hash', async () => {
    const victim = records[2].artefacts[1];
    const file = store.describe(victim.sha256);
    await chmod(file, 0o644);
    await writeFile(file, '<html>换成了别的内容</html>');
    const res = await verifyLedger(ctx.db, store);
    expect(res.ok).toBe(false);
    expect(res.firstBreak).toMatchObject({ kind: 'artefact_modified', seq: 3, sha256: victim.sha256 });
    expect(res.firstBreak!.message).toContain('rendered_html');
  });

  it('detects a deleted record by the gap in the chain', async () => {
    await asTamperer(() => ctx.db.deleteFrom('evidence_ledger').where('seq', '=', '2').execute());
    const res = await verifyLedger(ctx.db, store);
    expect(res.firstBreak).toMatchObject({ kind: 'missing_record', seq: 3 });
    expect(res.firstBreak!.message).toMatch(/record 2 is missing/);
  });

  it('detects a deleted newest record through the anchors in the alert history', async () => {
    await asTamperer(() => ctx.db.deleteFrom('evidence_ledger').where('seq', '=', '4').execute());
    const res = await verifyLedger(ctx.db, store);
    expect(res.firstBreak).toMatchObject({ kind: 'truncated', seq: 4 });
  });

  it('detects reordered records', async () => {
    await asTamperer(async () => {
      await sql`update evidence_ledger set seq = 100 where seq = 2`.execute(ctx.db);
      await sql`update evidence_ledger set seq = 2 where seq = 3`.execute(ctx.db);
      await sql`update evidence_ledger set seq = 3 where seq = 100`.execute(ctx.db);
    });
    const res = await verifyLedger(ctx.db, store);
    expect(res.firstBreak).toMatchObject({ kind: 'reordered', seq: 2 });
  });

  it('detects an edited record, even when the editor recomputes its own hash', async () => {
    await asTamperer(() => sql`update evidence_ledger set metadata = jsonb_set(metadata, '{reason}', '"auto"') where seq = 2`.execute(ctx.db));
    expect((await verifyLedger(ctx.db, store)).firstBreak).toMatchObject({ kind: 'edited_record', seq: 2 });

    // a careful editor re-hashes the record: the next record's link then gives it away
    const edited = { ...records[1], metadata: { ...records[1].metadata, reason: 'auto' } };
    const rehashed = recordHashOf(edited);
    await asTamperer(() => sql`update evidence_ledger set record_hash = ${rehashed} where seq = 2`.execute(ctx.db));
    expect((await verifyLedger(ctx.db, store)).firstBreak).toMatchObject({ kind: 'broken_link', seq: 3 });
  });
});
