import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../../src/context.ts';
import { runEvidenceExport, runVerifyPackage } from '../../../src/cli/commands/evidence.ts';
import type { CommandIo } from '../../../src/cli/cli-support.ts';
import { FsArtefactStore } from '../../../src/evidence/artefact-store.ts';
import { sha256Hex } from '../../../src/evidence/canonical-json.ts';
import { launchEvidenceBrowser } from '../../../src/evidence/capture.ts';
import { captureAlertEvidence, evidenceDir } from '../../../src/evidence/evidence.service.ts';
import { verifyPackage, verifyPackageBytes } from '../../../src/evidence/package-verify.ts';
import { buildReferralPackage } from '../../../src/evidence/referral-package.ts';
import { runIpclue } from '../../helpers/process.ts';
import { createTestContext, createTestEnv, type TestEnv } from '../../helpers/services.ts';
import { seedAlert, startTestSite, type TestSite } from './fixtures.ts';

let t: TestEnv;
let ctx: AppContext;
let site: TestSite;
let browser: Browser;
let store: FsArtefactStore;
let dir: string;
let alertId: string;
let zipPath: string;

function captureIo(): CommandIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (l) => out.push(l), stderr: (l) => err.push(l) };
}

/** screenshots are stored uncompressed: find one by its PNG signature and flip a byte inside it */
function flipPngByte(zip: Buffer): Buffer {
  const at = zip.indexOf(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  if (at < 0) throw new Error('no PNG stored in the package');
  const out = Buffer.from(zip);
  out[at + 200] ^= 0x01;
  return out;
}

beforeAll(async () => {
  t = await createTestEnv();
  ctx = await createTestContext(t);
  site = await startTestSite();
  browser = await launchEvidenceBrowser(ctx.config.CHROMIUM_PATH);
  store = new FsArtefactStore(evidenceDir(ctx.config));
  dir = await mkdtemp(path.join(tmpdir(), 'ipclue-pkg-'));
  ({ alertId } = await seedAlert(ctx.db, { url: `${site.base}/item/1` }));
  await captureAlertEvidence({ db: ctx.db, config: ctx.config, store, browser }, { alertId, reason: 'auto' });
  // a second capture of the same alert after the page was taken down
  await ctx.db.updateTable('listings').set({ url: `${site.base}/removed` }).where('id', '=', (await ctx.db.selectFrom('alerts').select('listing_id').where('id', '=', alertId).executeTakeFirstOrThrow()).listing_id).execute();
  await captureAlertEvidence({ db: ctx.db, config: ctx.config, store, browser }, { alertId, reason: 'manual' });
  zipPath = path.join(dir, 'package.zip');
  const io = captureIo();
  expect(await runEvidenceExport(ctx, { alert: alertId, out: zipPath, to: '郑州市市场监督管理局' }, io)).toBe(0);
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  await browser?.close();
  await site?.close();
  await ctx?.close();
  await t?.cleanup();
});

describe('the referral package', () => {
  it('holds the artefacts, the letter as HTML and PDF, and a manifest with every hash and the ledger chain', async () => {
    const zip = await JSZip.loadAsync(await readFile(zipPath));
    const names = Object.keys(zip.files).filter((n) => !zip.files[n].dir).sort();
    expect(names).toEqual(expect.arrayContaining(['README.txt', 'manifest.json', 'manifest.sha256', 'referral-letter.html', 'referral-letter.pdf']));
    const manifest = JSON.parse(await zip.file('manifest.json')!.async('string'));
    expect(manifest.ledger.records).toHaveLength(2);
    expect(manifest.ledger.records.map((r: any) => r.metadata.capture.outcome)).toEqual(['complete', 'gone']);
    for (const f of manifest.files) {
      expect(sha256Hex(await zip.file(f.path)!.async('nodebuffer'))).toBe(f.sha256);
    }
    const artefacts = manifest.files.filter((f: any) => f.role === 'artefact');
    expect(artefacts.length).toBeGreaterThanOrEqual(7);
    expect(manifest.ledger.chainProof.head).toEqual({ seq: 2, recordHash: manifest.ledger.records[1].recordHash });

    const pdf = await zip.file('referral-letter.pdf')!.async('nodebuffer');
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const letter = await zip.file('referral-letter.html')!.async('string');
    for (const text of ['移送函', '郑州市市场监督管理局', '耐克', '第1000001号', '耐克创新有限合伙公司', '潮牌折扣店', '郑州某某商贸有限公司', '¥99.00', '1200+人付款', '页面已失效']) {
      expect(letter).toContain(text);
    }
  });

  it('passes verify-package, with no database', async () => {
    const res = await verifyPackage(zipPath);
    expect(res.problems).toEqual([]);
    expect(res).toMatchObject({ ok: true, records: 2 });
    const io = captureIo();
    expect(await runVerifyPackage(zipPath, io)).toBe(0);
    expect(io.out[0]).toMatch(/package OK/);
  });

  it('runs verify-package from the command line without Postgres or Redis configured: exit 0 when intact, 1 when not', async () => {
    const bad = path.join(dir, 'cli-tampered.zip');
    await writeFile(bad, flipPngByte(await readFile(zipPath)));
    // no DATABASE_URL/REDIS_URL and an empty data dir: starting embedded services would show up here
    const env = { DATA_DIR: path.join(dir, 'no-services'), LOG_LEVEL: 'silent' };
    const good = runIpclue(['evidence', 'verify-package', zipPath], env);
    const broken = runIpclue(['evidence', 'verify-package', bad], env);
    const [g, b] = await Promise.all([good.exited, broken.exited]);
    expect(good.stderr()).toBe('');
    expect(g.code).toBe(0);
    expect(good.stdout()).toMatch(/package OK/);
    expect(b.code).toBe(1);
    expect(broken.stderr()).toMatch(/artefacts\/[0-9a-f]{64}\.png: SHA-256 mismatch/);
  });

  it('fails when one byte of an artefact in the ZIP is flipped, naming the file', async () => {
    const bad = path.join(dir, 'tampered.zip');
    await writeFile(bad, flipPngByte(await readFile(zipPath)));

    const res = await verifyPackage(bad);
    expect(res.ok).toBe(false);
    expect(res.problems).toHaveLength(1);
    expect(res.problems[0].file).toMatch(/^artefacts\/[0-9a-f]{64}\.png$/);
    expect(res.problems[0].message).toMatch(/SHA-256 mismatch/);

    const io = captureIo();
    expect(await runVerifyPackage(bad, io)).toBe(1);
    expect(io.err.join('\n')).toContain(res.problems[0].file);
  });

  it('fails when a ledger record in the manifest is edited, even with the manifest checksum redone', async () => {
    const zip = await JSZip.loadAsync(await readFile(zipPath));
    const manifest = JSON.parse(await zip.file('manifest.json')!.async('string'));
    manifest.ledger.records[0].metadata.listing.price = '999.00';
    const text = JSON.stringify(manifest, null, 2) + '\n';
    zip.file('manifest.json', text);
    zip.file('manifest.sha256', `${sha256Hex(Buffer.from(text))}  manifest.json\n`);
    const res = await verifyPackageBytes(await zip.generateAsync({ type: 'nodebuffer' }));
    expect(res.ok).toBe(false);
    expect(res.problems).toEqual([{ file: 'manifest.json', message: expect.stringMatching(/ledger record 1 has been edited/) }]);
  });

  it('fails on a file added to the package and on a damaged manifest', async () => {
    const zip = await JSZip.loadAsync(await readFile(zipPath));
    zip.file('artefacts/extra.txt', '补充材料');
    const manifestText = await zip.file('manifest.json')!.async('string');
    zip.file('manifest.json', manifestText.replace('"generator": "ipclue"', '"generator": "ipcluf"'));
    const res = await verifyPackageBytes(await zip.generateAsync({ type: 'nodebuffer' }));
    expect(res.problems.map((p) => p.file).sort()).toEqual(['artefacts/extra.txt', 'manifest.json']);
  });

  it('records the export in the alert history', async () => {
    const events = await ctx.db.selectFrom('alert_events').selectAll().where('alert_id', '=', alertId).where('type', '=', 'evidence_exported').execute();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actor_kind: 'system' });
    expect(events[0].data).toMatchObject({ packageSha256: sha256Hex(await readFile(zipPath)), ledgerSeqs: [1, 2], recipient: '郑州市市场监督管理局' });
  });

  it('refuses to export an alert that is not confirmed, or has no evidence', async () => {
    const pending = await seedAlert(ctx.db, { url: `${site.base}/item/1`, status: 'new' });
    await expect(buildReferralPackage({ db: ctx.db, store, config: ctx.config, browser }, { alertId: pending.alertId, actor: { id: null, kind: 'system' } })).rejects.toThrow(/is new: only a confirmed alert/);
    const bare = await seedAlert(ctx.db, { url: `${site.base}/item/1` });
    await expect(buildReferralPackage({ db: ctx.db, store, config: ctx.config, browser }, { alertId: bare.alertId, actor: { id: null, kind: 'system' } })).rejects.toThrow(/no captured evidence yet/);
  });

  it('exports a confirmed clue with the alerts of its sellers, recorded in the clue history', async () => {
    const a = await seedAlert(ctx.db, { url: `${site.base}/item/1` });
    await captureAlertEvidence({ db: ctx.db, config: ctx.config, store, browser }, { alertId: a.alertId, reason: 'auto' });
    const clue = await ctx.db.insertInto('clues').values({ status: 'confirmed' }).returning('id').executeTakeFirstOrThrow();
    await ctx.db.insertInto('clue_sellers').values({ clue_id: clue.id, seller_id: a.sellerId }).execute();
    const pkg = await buildReferralPackage({ db: ctx.db, store, config: ctx.config, browser }, { clueId: String(clue.id), actor: { id: null, kind: 'system' } });
    expect(pkg.referenceNo).toMatch(new RegExp(`-C${clue.id}$`));
    expect(pkg.manifest.ledger.records.map((r) => r.alertId)).toEqual([a.alertId]);
    expect((await verifyPackageBytes(pkg.zip)).ok).toBe(true);
    const ev = await ctx.db.selectFrom('clue_events').select(['type']).where('clue_id', '=', clue.id).execute();
    expect(ev.map((e) => e.type)).toContain('evidence_exported');
  });
});
