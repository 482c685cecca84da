// The console in a real browser (the system Chromium through playwright-core): a reviewer logs
// in, works an alert from new to referred with the forms and the keyboard, runs a bulk action
// and opens a clue; a rights holder sees only its own organisation's alerts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../../src/context.ts';
import { buildServer } from '../../../src/http/server.ts';
import { createTestContext, createTestEnv, type TestEnv } from '../../helpers/services.ts';
import { addAlert, addListing, seedWorld, type World } from './fixtures.ts';

let t: TestEnv;
let ctx: AppContext;
let app: FastifyInstance<any, any, any, any, any>;
let w: World;
let browser: Browser;
let base: string;
const ids: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestEnv();
  ctx = await createTestContext(t, { DEMO: 'false' });
  app = await buildServer(ctx, { logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  w = await seedWorld(ctx);
  ids.top = (await addAlert(ctx, await addListing(ctx, w.shop.id, { title: '康帅傅 红烧牛肉面 五连包', sellerId: 'k-shop', sellerName: '康帅傅专卖' }), w.markA, 95)).id;
  ids.fair1 = (await addAlert(ctx, await addListing(ctx, w.fair.id, { title: '雷碧 清爽柠檬 展会批发', sellerId: 'f1', sellerName: '展位一' }), w.markB, 80)).id;
  ids.fair2 = (await addAlert(ctx, await addListing(ctx, w.fair.id, { title: '雷碧 330ml 展会特价', sellerId: 'f2', sellerName: '展位二' }), w.markB, 75)).id;
  browser = await chromium.launch({
    executablePath: ctx.config.CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await ctx?.close();
  await t?.cleanup();
});

async function login(email: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${base}/`);
  await page.waitForURL(/\/login/);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', 'correct horse battery');
  await Promise.all([page.waitForURL(`${base}/`), page.click('button[type=submit]')]);
  return page;
}

describe('review console in the browser', () => {
  it('a reviewer works an alert from new to referred, runs a bulk action and opens the seller’s clue', async () => {
    const page = await login('reviewer@test.cn');
    expect(await page.locator('#queue tbody tr').count()).toBe(3);
    // the keyboard: j selects the next row, k the previous, Enter opens it
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    expect(await page.getAttribute('#queue tbody tr.sel', 'data-alert-id')).toBe(ids.fair1);
    await page.keyboard.press('k');
    expect(await page.getAttribute('#queue tbody tr.sel', 'data-alert-id')).toBe(ids.top);
    await Promise.all([page.waitForURL(`${base}/alerts/${ids.top}`), page.keyboard.press('Enter')]);
    expect(await page.textContent('#status')).toBe('待处理');

    await Promise.all([page.waitForLoadState('load'), page.click('button:has-text("开始审核")')]);
    await page.waitForFunction(() => document.getElementById('status')?.textContent === '审核中');
    // the keyboard: c confirms
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await Promise.all([page.waitForURL(`${base}/alerts/${ids.top}`), page.keyboard.press('c')]);
    await page.waitForFunction(() => document.getElementById('status')?.textContent === '已确认');

    await page.fill('#refer-form input[name=unit]', '郑州市市场监督管理局');
    await page.fill('#refer-form input[name=referenceNo]', '郑市监移〔2026〕7号');
    await page.fill('#refer-form input[name=referredOn]', '2026-11-22');
    await Promise.all([page.waitForLoadState('load'), page.click('#refer-form button[type=submit]')]);
    await page.waitForFunction(() => document.getElementById('status')?.textContent === '已移送');
    const history = await page.textContent('#history');
    expect(history).toContain('开始审核');
    expect(history).toContain('确认侵权');
    expect(history).toContain('移送');
    const row = await ctx.db.selectFrom('alerts').select(['status', 'referral']).where('id', '=', ids.top).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'referred', referral: { unit: '郑州市市场监督管理局', referenceNo: '郑市监移〔2026〕7号' } });

    // bulk: every open exhibition alert into review
    await page.goto(`${base}/?channel=exhibition`);
    expect(await page.locator('#queue tbody tr').count()).toBe(2);
    await page.selectOption('#bulk select[name=action]', 'start_review');
    await Promise.all([page.waitForURL(/notice=/), page.click('#bulk button[type=submit]')]);
    expect(await page.textContent('.notice')).toContain('已处理 2 条');
    const statuses = await ctx.db.selectFrom('alerts').select('status').where('id', 'in', [ids.fair1, ids.fair2]).execute();
    expect(statuses.map((s) => s.status)).toEqual(['in_review', 'in_review']);

    // the seller's clue
    await page.goto(`${base}/alerts/${ids.top}`);
    await Promise.all([page.waitForURL(/\/clues\/\d+$/), page.click('#clue-link')]);
    expect(await page.textContent('h2')).toMatch(/线索 #\d+/);
    expect(await page.textContent('#clue-sellers')).toContain('康帅傅专卖');
    expect(await page.textContent('#clue-alerts')).toContain('康帅傅 红烧牛肉面 五连包');
  });

  it('a rights holder sees only its own organisation’s alerts', async () => {
    const page = await login('b@holder-b.cn');
    await page.goto(`${base}/?status=all`);
    const titles = await page.locator('#queue tbody tr').allTextContents();
    expect(titles).toHaveLength(2);
    expect(titles.join('\n')).toContain('雷碧');
    expect(titles.join('\n')).not.toContain('红烧牛肉面 五连包');
    const res = await page.goto(`${base}/alerts/${ids.top}`);
    expect(res?.status()).toBe(404);
  });
});
