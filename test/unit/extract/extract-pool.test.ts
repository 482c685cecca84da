// Extraction on threads gives what extraction on the calling thread gives, page for page.
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { extractListings } from '../../../crawlers/extract/index.ts';
import { ExtractPool, MAX_DEFS, type ToThread } from '../../../crawlers/extract/extract-pool.ts';
import { sourceDefinitionSchema, type SourceDefinition } from '../../../crawlers/sources/source.schema.ts';
import { get, text } from '../demo-sites/helpers.ts';

const BASE = 'http://127.0.0.1:3000';
const source = (file: string): SourceDefinition =>
  sourceDefinitionSchema.parse(JSON.parse(readFileSync(new URL(`../../../seeds/sources/demo/${file}`, import.meta.url), 'utf8').replaceAll('{{DEMO_BASE}}', BASE)));

const pool = new ExtractPool(2);
afterAll(() => pool.close());

describe('ExtractPool', () => {
  it('starts its threads and extracts every page as extractListings does on this thread', async () => {
    await pool.start();
    const cases: [SourceDefinition, string, string][] = [
      [source('mall.json'), 'mall', '/list?page=1'],
      [source('mall.json'), 'mall', '/list?page=7'],
      [source('fair.json'), 'fair', '/'],
      [source('overseas.json'), 'overseas', '/'],
      [source('wholesale-json.json'), 'wholesale', '/'],
    ];
    const pages = cases.map(([def, site, path]) => {
      const res = get(site, path);
      return { def, page: { url: `${BASE}/demo/${site}${path}`, body: text(res), contentType: res.headers['content-type'] } };
    });
    // malformed markup and a selector the engine refuses: errors come back as they would here
    pages.push({ def: source('mall.json'), page: { url: `${BASE}/demo/mall/x`, body: '<ul class="item-list"><li class="item-card" data-nid="1"><a class="title" href="/i/1">一<li class="item-card"', contentType: 'text/html' } });
    const results = await Promise.all(pages.map(({ def, page }) => pool.extract(page, def)));
    results.forEach((r, i) => expect(r).toEqual(extractListings(pages[i]!.page, pages[i]!.def)));
    expect(results[0]!.listings.length).toBeGreaterThan(0);
  });

  it('sends a definition to a thread once, and again only after the thread was told to drop it', async () => {
    const p = new ExtractPool(1);
    await p.start();
    const worker = (p as unknown as { threads: { worker: { postMessage(m: ToThread): void } }[] }).threads[0]!.worker;
    const sent: ToThread[] = [];
    const post = worker.postMessage.bind(worker);
    worker.postMessage = (m: ToThread) => (sent.push(m), post(m));
    const res = get('mall', '/list?page=3');
    const page = { url: `${BASE}/demo/mall/list?page=3`, body: text(res), contentType: res.headers['content-type'] };
    const mall = source('mall.json');
    const expected = extractListings(page, mall);
    expect(await p.extract(page, mall)).toEqual(expected);
    expect(await p.extract(page, mall)).toEqual(expected);
    expect(sent.map((m) => m.source !== undefined)).toEqual([true, false]);
    // more definitions than a thread keeps: the least recently used is dropped, and sent again when it comes back
    const others = Array.from({ length: MAX_DEFS }, (_, i) => ({ ...mall, id: `other-${i}` }));
    for (const def of others) expect((await p.extract(page, def)).listings.map((l) => l.sourceId)).toEqual(expected.listings.map(() => def.id));
    expect(sent.at(-1)!.drop).toBe(sent[0]!.def);
    expect(await p.extract(page, mall)).toEqual(expected);
    expect(sent.at(-1)!.source).toBe(mall);
    // a definition still held is not sent again (others[5] was used after others[0])
    await p.extract(page, others[5]!);
    expect(sent.at(-1)!.source).toBeUndefined();
    await p.close();
  });

  it('a thread that dies fails the pages it held; the next page gets a new thread', async () => {
    const p = new ExtractPool(1);
    await p.start();
    const res = get('mall', '/list?page=2');
    const page = { url: `${BASE}/demo/mall/list?page=2`, body: text(res) };
    const held = p.extract(page, source('mall.json'));
    await (p as unknown as { threads: { worker: { terminate(): Promise<number> } }[] }).threads[0]!.worker.terminate();
    await expect(held).rejects.toThrow(/exited/);
    expect((await p.extract(page, source('mall.json'))).listings).toHaveLength(40);
    await p.close();
  });

  it('refuses work once closed', async () => {
    const p = new ExtractPool(1);
    await p.close();
    await expect(p.extract({ url: BASE, body: '' }, source('mall.json'))).rejects.toThrow(/closed/);
  });
});
