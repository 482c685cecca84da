// Shared by the demo-site tests: call a site like the server would, and run the wholesale
// market's own rendering script against a tiny DOM stand-in (what a browser would show).
import { runInNewContext } from 'node:vm';
import * as cheerio from 'cheerio';
import { demoSites, type DemoResponse } from '../../../seeds/demo-sites/index.ts';

export function get(site: string, pathAndQuery: string): DemoResponse {
  const [path, q = ''] = pathAndQuery.split('?');
  const res = demoSites[site]!.handle(path!, new URLSearchParams(q));
  if (!res) throw new Error(`${site} did not answer ${pathAndQuery}`);
  return res;
}

export const text = (r: DemoResponse): string => (Buffer.isBuffer(r.body) ? r.body.toString('utf8') : r.body);

/** Runs the wholesale page's own scripts against a tiny DOM stand-in and returns the result. */
export function renderWholesale(pathAndQuery: string): string {
  const body = text(get('wholesale', pathAndQuery));
  const $ = cheerio.load(body);
  const scripts = $('script')
    .map((_i, el) => $(el).html() ?? '')
    .get();
  const nodes = new Map<string, { innerHTML: string }>();
  for (const id of ['stall-list', 'stall-detail', 'pager']) nodes.set(id, { innerHTML: '' });
  const window: Record<string, unknown> = {};
  const document = {
    getElementById: (id: string) => nodes.get(id) ?? null,
    documentElement: { setAttribute: () => undefined },
  };
  for (const s of scripts) runInNewContext(s, { window, document });
  for (const [id, node] of nodes) $(`#${id}`).html(node.innerHTML);
  $('script').remove();
  return $.html();
}
