import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { WatchlistSnapshotSchema } from '../../../src/matching/watchlist.schema.ts';
import { aGi, aMark, call, createWorld, type World } from './setup.ts';

let w: World;
beforeAll(async () => {
  w = await createWorld();
});
afterAll(async () => {
  await w?.close();
});

describe('marks and GIs', () => {
  let markId: string;
  let giId: string;

  it('a rights holder registers a mark for its own organisation; it starts pending', async () => {
    const res = await call(w, 'holderA', 'POST', '/api/marks', aMark());
    expect(res.statusCode).toBe(201);
    const m = res.json();
    expect(m).toMatchObject({ kind: 'mark', name: '康师傅', status: 'pending', registrationNo: '1234567', niceClasses: [30] });
    expect(m.rightsHolder.id).toBe(w.orgA);
    markId = m.id;
  });

  it('a rights holder cannot register for another organisation', async () => {
    const res = await call(w, 'holderA', 'POST', '/api/marks', aMark({ name: '别家', registrationNo: '7654321', rightsHolderId: w.orgB }));
    expect(res.statusCode).toBe(403);
  });

  it.each([
    ['a Nice class outside 1–45', { niceClasses: [46] }, 'niceClasses.0'],
    ['no Nice class', { niceClasses: [] }, 'niceClasses'],
    ['a malformed registration number', { registrationNo: '12-34' }, 'registrationNo'],
    ['a ten-digit registration number', { registrationNo: '1234567890' }, 'registrationNo'],
    ['a price range with min above max', { referencePrices: [{ currency: 'CNY', min: 9, max: 3 }] }, 'referencePrices.0.max'],
    ['an unknown currency', { referencePrices: [{ currency: 'XYZ', min: 1, max: 3 }] }, 'referencePrices.0.currency'],
    ['an unknown country', { countries: ['ZZ'] }, 'countries.0'],
    ['an empty name', { name: '  ' }, 'name'],
  ])('rejects %s with 400 naming the field', async (_what, over, field) => {
    const res = await call(w, 'holderA', 'POST', '/api/marks', aMark({ name: '校验', registrationNo: '555', ...over }));
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'bad_request', field });
    expect(res.json().message).toEqual(expect.any(String));
  });

  it('accepts a registration number with a letter suffix and normalises it', async () => {
    const res = await call(w, 'holderA', 'POST', '/api/marks', aMark({ name: '康师傅分割', registrationNo: ' 12345678a ' }));
    expect(res.statusCode).toBe(201);
    expect(res.json().registrationNo).toBe('12345678A');
  });

  it('refuses a registration number that is already registered, naming the field', async () => {
    const res = await call(w, 'holderB', 'POST', '/api/marks', aMark({ name: '冒名', registrationNo: '1234567' }));
    expect(res.statusCode).toBe(409);
    expect(res.json().field).toBe('registrationNo');
  });

  it('a GI needs region codes that resolve to a GB/T 2260 division', async () => {
    const bad = await call(w, 'holderB', 'POST', '/api/gis', aGi({ gi: { regionCodes: ['411502', '419999'] } }));
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toBe('gi.regionCodes.1');
    const none = await call(w, 'holderB', 'POST', '/api/gis', aGi({ gi: { regionCodes: [] } }));
    expect(none.json().field).toBe('gi.regionCodes');
    const month = await call(w, 'holderB', 'POST', '/api/gis', aGi({ gi: { regionCodes: ['411502'], seasonMonths: [13] } }));
    expect(month.json().field).toBe('gi.seasonMonths.0');
    const ok = await call(w, 'holderB', 'POST', '/api/gis', aGi());
    expect(ok.statusCode).toBe(201);
    expect(ok.json().gi).toMatchObject({ regionCodes: ['411502', '411521'], category: '茶叶', seasonMonths: [4, 5, 6] });
    giId = ok.json().id;
  });

  it('only a reviewer or admin approves; an approved mark enters the snapshot and bumps the version', async () => {
    const v1 = (await call(w, 'reviewer', 'GET', '/api/watchlist/version')).json().version;
    expect((await call(w, 'holderA', 'POST', `/api/marks/${markId}/status`, { status: 'active' })).statusCode).toBe(403);
    const res = await call(w, 'reviewer', 'POST', `/api/marks/${markId}/status`, { status: 'active' });
    expect(res.statusCode).toBe(200);
    expect(res.json().status).toBe('active');
    const v2 = (await call(w, 'reviewer', 'GET', '/api/watchlist/version')).json().version;
    expect(BigInt(v2)).toBeGreaterThan(BigInt(v1));
    const snap = (await call(w, 'reviewer', 'GET', '/api/watchlist/export')).json();
    expect(snap.version).toBe(v2);
    expect(snap.entries.map((e: { name: string }) => e.name)).toEqual(['康师傅']);
  });

  it('suspending or rejecting needs a reason; a suspended mark leaves the snapshot', async () => {
    const noReason = await call(w, 'admin', 'POST', `/api/marks/${markId}/status`, { status: 'suspended' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().field).toBe('reason');
    const res = await call(w, 'admin', 'POST', `/api/marks/${markId}/status`, { status: 'suspended', reason: '权属争议' });
    expect(res.json()).toMatchObject({ status: 'suspended', statusReason: '权属争议' });
    const snap = (await call(w, 'admin', 'GET', '/api/watchlist/export')).json();
    expect(snap.entries).toEqual([]);
    const reject = await call(w, 'reviewer', 'POST', `/api/gis/${giId}/status`, { status: 'rejected', reason: '非权利人申请' });
    expect(reject.json().status).toBe('rejected');
    const illegal = await call(w, 'reviewer', 'POST', `/api/gis/${giId}/status`, { status: 'active' });
    expect(illegal.statusCode).toBe(409);
  });

  it('the history records who changed what, when and why', async () => {
    const res = await call(w, 'holderA', 'GET', `/api/marks/${markId}/history`);
    expect(res.statusCode).toBe(200);
    const items = res.json().items;
    expect(items.map((h: { action: string }) => h.action)).toEqual(['create', 'approve', 'suspend']);
    expect(items[0].actor.id).toBe(w.users.holderA.id);
    expect(items[0].changes).toMatchObject({ name: '康师傅', status: 'pending' });
    expect(items[1].actor.id).toBe(w.users.reviewer.id);
    expect(items[1].changes.status).toEqual({ from: 'pending', to: 'active' });
    expect(items[2]).toMatchObject({ note: '权属争议', actor: { id: w.users.admin.id } });
    expect(new Date(items[2].at).getTime()).toBeGreaterThanOrEqual(new Date(items[0].at).getTime());
  });

  it('the history is append-only: the database refuses updates and deletes', async () => {
    await expect(sql`update watchlist_history set note = 'edited'`.execute(w.ctx.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from watchlist_history`.execute(w.ctx.db)).rejects.toThrow(/append-only/);
  });

  it("a rights holder's edit of an approved mark sends it back to review", async () => {
    await call(w, 'admin', 'POST', `/api/marks/${markId}/status`, { status: 'active' });
    const res = await call(w, 'holderA', 'PATCH', `/api/marks/${markId}`, { keywords: ['方便面', '桶面'] });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'pending', keywords: ['方便面', '桶面'] });
    const staff = await call(w, 'reviewer', 'PATCH', `/api/marks/${markId}`, { niceClasses: [30, 29] });
    expect(staff.json()).toMatchObject({ status: 'pending', niceClasses: [29, 30] });
    const bad = await call(w, 'reviewer', 'PATCH', `/api/marks/${markId}`, { niceClasses: [0] });
    expect(bad.json().field).toBe('niceClasses.0');
    const last = (await call(w, 'admin', 'GET', `/api/marks/${markId}/history`)).json().items.at(-1);
    expect(last.changes.nice_classes).toEqual({ from: [30], to: [29, 30] });
  });

  it('lists and searches, scoped to the rights holder', async () => {
    const mine = (await call(w, 'holderA', 'GET', '/api/marks')).json();
    expect(mine.items.every((m: { rightsHolder: { id: string } }) => m.rightsHolder.id === w.orgA)).toBe(true);
    expect(mine.total).toBe(2);
    expect((await call(w, 'holderB', 'GET', '/api/marks')).json().total).toBe(0);
    const byAlias = (await call(w, 'reviewer', 'GET', '/api/marks?q=master%20kong')).json();
    expect(byAlias.items.map((m: { name: string }) => m.name)).toEqual(['康师傅', '康师傅分割']);
    const byNumber = (await call(w, 'reviewer', 'GET', '/api/marks?q=12345678')).json();
    expect(byNumber.items.map((m: { name: string }) => m.name)).toEqual(['康师傅分割']);
    const gis = (await call(w, 'reviewer', 'GET', '/api/gis?status=rejected')).json();
    expect(gis.items.map((m: { name: string }) => m.name)).toEqual(['信阳毛尖']);
  });

  it('the export is exactly the matcher snapshot format', async () => {
    await call(w, 'admin', 'POST', `/api/marks/${markId}/status`, { status: 'active' });
    const snap = (await call(w, 'admin', 'GET', '/api/watchlist/export')).json();
    const parsed = WatchlistSnapshotSchema.strict().safeParse(snap);
    expect(parsed.success).toBe(true);
    expect(snap.entries[0]).toMatchObject({
      name: '康师傅', owner: '甲食品有限公司', registrationNo: '1234567', referencePrices: [{ currency: 'CNY', min: 3, max: 6 }],
    });
  });

  it('the OpenAPI document describes the watchlist endpoints from the same schemas', async () => {
    const doc = (await w.app.inject({ method: 'GET', url: '/api/docs/json' })).json();
    const post = doc.paths['/api/marks'].post;
    const body = post.requestBody.content['application/json'].schema;
    expect(body.required).toEqual(expect.arrayContaining(['name', 'registrationNo', 'niceClasses']));
    expect(body.properties.niceClasses.items).toMatchObject({ minimum: 1, maximum: 45 });
    for (const p of ['/api/gis/{id}/status', '/api/markets', '/api/risk-points/{id}/history', '/api/blacklist/{id}/lift', '/api/watchlist/export', '/api/watchlist/version']) {
      expect(doc.paths[p], p).toBeDefined();
    }
  });
});
