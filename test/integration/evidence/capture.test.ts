import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { PNG } from 'pngjs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../../src/context.ts';
import { FsArtefactStore } from '../../../src/evidence/artefact-store.ts';
import { sha256Hex } from '../../../src/evidence/canonical-json.ts';
import { capturePage, launchEvidenceBrowser } from '../../../src/evidence/capture.ts';
import { captureAlertEvidence, evidenceDir } from '../../../src/evidence/evidence.service.ts';
import { createTestContext, createTestEnv, type TestEnv } from '../../helpers/services.ts';
import { seedAlert, startTestSite, type TestSite } from './fixtures.ts';

let t: TestEnv;
let ctx: AppContext;
let site: TestSite;
let browser: Browser;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

beforeAll(async () => {
  t = await createTestEnv();
  ctx = await createTestContext(t, { EVIDENCE_TIMEOUT_MS: '15000' });
  site = await startTestSite();
  browser = await launchEvidenceBrowser(CHROMIUM);
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
  await ctx?.close();
  await t?.cleanup();
});

// generous deadlines (a loaded CI machine is slow); only the never-finishing page uses a short one
const opts = () => ({ executablePath: CHROMIUM, timeoutMs: 15_000, maxBytes: 5 * 1024 * 1024, allowPrivate: true, browser });

describe('capturing a listing page as evidence', () => {
  it('stores a full-page screenshot, the rendered HTML and the raw response, each under its SHA-256, and chains a ledger record', async () => {
    const { alertId } = await seedAlert(ctx.db, { url: `${site.base}/go` });
    const store = new FsArtefactStore(evidenceDir(ctx.config));
    const res = await captureAlertEvidence({ db: ctx.db, config: ctx.config, store, browser }, { alertId, reason: 'manual' });

    expect(res.capture.outcome).toBe('complete');
    expect(res.capture.finalUrl).toBe(`${site.base}/item/1`);
    const rec = res.record;
    expect(rec.seq).toBe(1);
    expect(rec.artefacts.map((a) => a.name).sort()).toEqual(['rendered_html', 'response_body', 'response_headers', 'screenshot']);

    // every artefact file on disk hashes to the name it is stored (and recorded) under
    for (const a of rec.artefacts) {
      const file = path.join(evidenceDir(ctx.config), 'sha256', a.sha256.slice(0, 2), a.sha256.slice(2, 4), a.sha256);
      const bytes = await readFile(file);
      expect(sha256Hex(bytes)).toBe(a.sha256);
      expect(bytes.length).toBe(a.size);
    }

    const shot = rec.artefacts.find((a) => a.name === 'screenshot')!;
    const png = PNG.sync.read(await store.get(shot.sha256));
    expect(png.width).toBe(1280);
    expect(png.height).toBeGreaterThan(1400); // the full page, not just the 900 px viewport
    const colours = new Set<number>();
    for (let i = 0; i < png.data.length; i += 4 * 97) colours.add(png.data.readUInt32BE(i));
    expect(colours.size).toBeGreaterThan(10); // not a blank page

    const body = (await store.get(rec.artefacts.find((a) => a.name === 'response_body')!.sha256)).toString('utf8');
    expect(body).toContain('潮牌折扣店 · 耐克 NIKE 空军一号');
    const head = JSON.parse((await store.get(rec.artefacts.find((a) => a.name === 'response_headers')!.sha256)).toString('utf8'));
    expect(head.status).toBe(200);
    expect(head.headers).toContainEqual({ name: 'x-test', value: 'evidence' });
    expect(head.redirects).toEqual([{ url: `${site.base}/go`, status: 302, location: '/item/1' }]);
    const html = (await store.get(rec.artefacts.find((a) => a.name === 'rendered_html')!.sha256)).toString('utf8');
    expect(html).toContain('¥99.00');

    const capture = rec.metadata.capture as Record<string, any>;
    expect(capture.capturedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(capture.clock.source).toMatch(/system clock/);
    expect(capture.browser.version).toMatch(/^\d+\./);
    expect(capture.browser.userAgent).toContain('ipclue');
    expect((rec.metadata.listing as Record<string, unknown>).price).toBe('99.00');

    const events = await ctx.db.selectFrom('alert_events').selectAll().where('alert_id', '=', alertId).where('type', '=', 'evidence_captured').execute();
    expect(events).toHaveLength(1);
    expect(events[0].data).toMatchObject({ seq: 1, recordHash: rec.recordHash, outcome: 'complete' });
  });

  it('a retried capture job finds its own record instead of capturing twice', async () => {
    const { alertId } = await seedAlert(ctx.db, { url: `${site.base}/item/1` });
    const store = new FsArtefactStore(evidenceDir(ctx.config));
    const deps = { db: ctx.db, config: ctx.config, store, browser };
    const first = await captureAlertEvidence(deps, { alertId, reason: 'auto', jobId: `ev-${alertId}` });
    const again = await captureAlertEvidence(deps, { alertId, reason: 'auto', jobId: `ev-${alertId}` });
    expect(again.repeated).toBe(true);
    expect(again.record.recordHash).toBe(first.record.recordHash);
  });

  it('a page that never finishes loading is captured at the deadline and marked partial', async () => {
    const res = await capturePage(`${site.base}/slow`, { ...opts(), timeoutMs: 2_000 });
    expect(res.outcome).toBe('partial');
    expect(res.partialReasons).toContain('timeout');
    expect(res.status).toBe(200);
    const html = res.artefacts.find((a) => a.name === 'rendered_html');
    expect(html?.bytes.toString('utf8')).toContain('加载中的商品页');
    expect(res.artefacts.some((a) => a.name === 'screenshot')).toBe(true);
  });

  it('a 404 or 410 page yields a capture that says the page is gone', async () => {
    const missing = await capturePage(`${site.base}/no-such-item`, opts());
    expect(missing).toMatchObject({ outcome: 'gone', goneReason: 'http_404', status: 404 });
    const removed = await capturePage(`${site.base}/removed`, opts());
    expect(removed).toMatchObject({ outcome: 'gone', goneReason: 'http_410' });
    // what the server showed in place of the listing is kept too
    expect(removed.artefacts.find((a) => a.name === 'response_body')?.bytes.toString('utf8')).toContain('商品已下架');
  });

  it('a host that does not resolve yields a gone record with no artefacts', async () => {
    const res = await capturePage('http://listing-removed.invalid/item/9', opts());
    expect(res).toMatchObject({ outcome: 'gone', goneReason: 'dns_not_found', artefacts: [] });
  });

  it('a huge page is capped: body and HTML cut at the limit, screenshot cut at the height limit, all marked', async () => {
    const res = await capturePage(`${site.base}/huge`, { ...opts(), maxBytes: 64 * 1024, maxScreenshotHeight: 3000 });
    expect(res.outcome).toBe('partial');
    expect(res.partialReasons).toEqual(expect.arrayContaining(['response_body_capped', 'html_capped', 'screenshot_capped']));
    expect(res.artefacts.find((a) => a.name === 'response_body')!.bytes.length).toBe(64 * 1024);
    expect(res.artefacts.find((a) => a.name === 'rendered_html')!.bytes.length).toBe(64 * 1024);
    const png = PNG.sync.read(res.artefacts.find((a) => a.name === 'screenshot')!.bytes);
    expect(png.height).toBe(3000);
  });

  it('refuses to capture a private address for a source that is not local', async () => {
    await expect(capturePage(`${site.base}/item/1`, { ...opts(), allowPrivate: false })).rejects.toThrow(/refusing to capture/);
  });
});
