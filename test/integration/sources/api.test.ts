import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aSource, call, createWorld, type World } from './setup.ts';
import { getSourceBySlug } from '../../../src/sources/source.repository.ts';

let w: World;
beforeAll(async () => {
  w = await createWorld();
});
afterAll(async () => {
  await w?.close();
});

describe('source API', () => {
  it('an admin creates, reads, edits, disables and re-enables a source', async () => {
    const created = await call(w, 'admin', 'POST', '/api/sources', aSource());
    expect(created.statusCode).toBe(201);
    const body = created.json();
    expect(body).toMatchObject({ slug: 'shop-example', name: '示例商城', channel: 'ecommerce', country: 'CN', enabled: true, local: false, lastRun: null });
    // the stored definition is the validated one, defaults filled in
    expect(body.definition.allowedHosts).toEqual(['shop.example.com']);

    expect((await call(w, 'admin', 'POST', '/api/sources', aSource())).statusCode).toBe(409);

    const list = await call(w, 'reviewer', 'GET', '/api/sources');
    expect(list.statusCode).toBe(200);
    expect(list.json().items.map((s: { slug: string }) => s.slug)).toEqual(['shop-example']);
    const byId = await call(w, 'reviewer', 'GET', `/api/sources/${body.id}`);
    expect(byId.json().slug).toBe('shop-example');

    const edited = await call(w, 'admin', 'PUT', '/api/sources/shop-example', aSource({ name: '示例商城（改）', country: 'us' }));
    expect(edited.statusCode).toBe(200);
    expect(edited.json()).toMatchObject({ name: '示例商城（改）', country: 'US' });

    const renamed = await call(w, 'admin', 'PUT', '/api/sources/shop-example', aSource({ id: 'other-id' }));
    expect(renamed.statusCode).toBe(400);
    expect(renamed.json().field).toBe('id');

    const disabled = await call(w, 'admin', 'POST', '/api/sources/shop-example/disable');
    expect(disabled.statusCode).toBe(200);
    expect(disabled.json()).toMatchObject({ enabled: false, definition: { enabled: false } });
    expect((await getSourceBySlug(w.ctx.db, 'shop-example'))!.enabled).toBe(false);
    const enabled = await call(w, 'admin', 'POST', '/api/sources/shop-example/enable');
    expect(enabled.json()).toMatchObject({ enabled: true, definition: { enabled: true } });
    expect((await call(w, 'admin', 'GET', '/api/sources/nope')).statusCode).toBe(404);
  });

  it('a bad definition is a 400 naming the field, and nothing changes', async () => {
    const before = await getSourceBySlug(w.ctx.db, 'shop-example');
    const bad = aSource({ name: 'changed', extract: { type: 'css', item: '.item', fields: { price: { selector: '.price', transform: 'money' } } } });
    const res = await call(w, 'admin', 'PUT', '/api/sources/shop-example', bad);
    expect(res.statusCode).toBe(400);
    expect(res.json().field).toContain('extract.fields.price');
    expect(res.json().message).toContain('extract.fields.price');
    expect(await getSourceBySlug(w.ctx.db, 'shop-example')).toEqual(before);

    // a cross-field rule of the full schema: a public source may not point at a private address
    const priv = await call(w, 'admin', 'POST', '/api/sources', aSource({ id: 'intranet', baseUrl: 'http://10.0.0.5/', startUrls: [] }));
    expect(priv.statusCode).toBe(400);
    expect(priv.json().field).toBe('baseUrl');
    expect(await getSourceBySlug(w.ctx.db, 'intranet')).toBeUndefined();
  });

  it('a reviewer cannot create, edit or disable; anonymous is 401', async () => {
    expect((await call(w, 'reviewer', 'POST', '/api/sources', aSource({ id: 'by-reviewer' }))).statusCode).toBe(403);
    expect((await call(w, 'reviewer', 'PUT', '/api/sources/shop-example', aSource())).statusCode).toBe(403);
    expect((await call(w, 'reviewer', 'POST', '/api/sources/shop-example/disable')).statusCode).toBe(403);
    expect((await call(w, 'reviewer', 'POST', '/api/sources/import', { definitions: [aSource({ id: 'x' })] })).statusCode).toBe(403);
    expect((await call(w, 'anonymous', 'GET', '/api/sources')).statusCode).toBe(401);
    expect(await getSourceBySlug(w.ctx.db, 'by-reviewer')).toBeUndefined();
  });

  it('import reports each item; bad ones never block the good ones', async () => {
    const res = await call(w, 'admin', 'POST', '/api/sources/import', {
      definitions: [
        aSource({ id: 'fair-one', channel: 'exhibition', name: '展会一' }),
        aSource({ id: 'bad-one', channel: 'flea-market' }),
        aSource({ name: '示例商城（导入）' }),
        aSource({ id: 'fair-one' }),
        'not an object',
      ],
    });
    expect(res.statusCode).toBe(200);
    const r = res.json();
    expect(r).toMatchObject({ imported: 2, rejected: 3 });
    expect(r.items[0]).toMatchObject({ index: 0, id: 'fair-one', status: 'imported', action: 'created' });
    expect(r.items[1]).toMatchObject({ index: 1, id: 'bad-one', status: 'rejected' });
    expect(r.items[1].problems.join()).toContain('channel');
    expect(r.items[2]).toMatchObject({ id: 'shop-example', status: 'imported', action: 'updated' });
    expect(r.items[3]).toMatchObject({ id: 'fair-one', status: 'rejected' });
    expect(r.items[4]).toMatchObject({ id: null, status: 'rejected' });
    expect((await getSourceBySlug(w.ctx.db, 'fair-one'))!.channel).toBe('exhibition');
    expect((await getSourceBySlug(w.ctx.db, 'shop-example'))!.name).toBe('示例商城（导入）');
    expect(await getSourceBySlug(w.ctx.db, 'bad-one')).toBeUndefined();
  });

  it('import keeps an existing source disabled, and creates new sources enabled', async () => {
    expect((await call(w, 'admin', 'POST', '/api/sources/fair-one/disable')).statusCode).toBe(200);
    const res = await call(w, 'admin', 'POST', '/api/sources/import', {
      definitions: [aSource({ id: 'fair-one', channel: 'exhibition', name: '展会一（再导入）' }), aSource({ id: 'fair-two', channel: 'exhibition' })],
    });
    expect(res.json()).toMatchObject({ imported: 2, rejected: 0 });
    const again = (await getSourceBySlug(w.ctx.db, 'fair-one'))!;
    expect(again).toMatchObject({ name: '展会一（再导入）', enabled: false });
    expect(again.definition.enabled).toBe(false);
    expect((await getSourceBySlug(w.ctx.db, 'fair-two'))!.enabled).toBe(true);
    // an explicit edit of the definition still decides, as before
    expect((await call(w, 'admin', 'POST', '/api/sources/fair-one/enable')).json()).toMatchObject({ enabled: true });
  });

  it('the crawl button queues a crawl job (reviewers may press it)', async () => {
    const s = (await getSourceBySlug(w.ctx.db, 'shop-example'))!;
    const res = await call(w, 'reviewer', 'POST', '/api/sources/shop-example/crawl');
    expect(res.statusCode).toBe(202);
    const job = await w.ctx.queues.crawl.getJob(res.json().jobId);
    expect(job?.data).toEqual({ sourceId: s.id, reason: 'manual' });
  });

  it('the OpenAPI document describes the source routes', async () => {
    const res = await w.app.inject({ method: 'GET', url: '/api/docs/json' });
    expect(res.statusCode).toBe(200);
    const paths = res.json().paths;
    expect(Object.keys(paths)).toEqual(expect.arrayContaining(['/api/sources', '/api/sources/{id}', '/api/sources/import']));
    expect(JSON.stringify(paths['/api/sources'].post)).toContain('baseUrl');
  });
});
