// Helpers shared by the demo sites: HTML escaping, responses, robots.txt, a seeded PRNG.
import { readFileSync } from 'node:fs';
import type { DemoResponse } from './types.ts';

export function esc(s: string | number): string {
  return String(s)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** JSON safe to put inside <script>: no "</script>", no U+2028/2029 surprises. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

export function html(body: string, status = 200): DemoResponse {
  return { status, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' }, body };
}

export function text(body: string, status = 200): DemoResponse {
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8' }, body };
}

export function redirect(location: string, status = 301): DemoResponse {
  return { status, headers: { location, 'content-type': 'text/plain; charset=utf-8' }, body: `Moved: ${location}\n` };
}

export function robots(disallow: string[]): DemoResponse {
  const lines = ['User-agent: *', ...disallow.map((d) => `Disallow: ${d}`), 'Allow: /', ''];
  return text(lines.join('\n'));
}

/** Reads a JSON data file that sits next to the calling module (once, at import). */
export function readJson<T>(moduleUrl: string, file: string): T {
  return JSON.parse(readFileSync(new URL(file, moduleUrl), 'utf8')) as T;
}

/** mulberry32: a small, fast, seeded PRNG; the same seed always gives the same sequence. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(rnd: () => number, list: readonly T[]): T {
  if (list.length === 0) throw new Error('pick from an empty list');
  return list[Math.floor(rnd() * list.length)]!;
}

/** A positive page number from a query parameter, or null when it is not one. */
export function pageParam(query: URLSearchParams, name = 'page'): number | null {
  const raw = query.get(name);
  if (raw === null || raw === '') return 1;
  if (!/^\d{1,6}$/.test(raw)) return null;
  const n = Number(raw);
  return n >= 1 ? n : null;
}

/** The price a demo page's price text stands for: the first amount (the low end of a range). */
export function priceOf(textValue: string): number | null {
  const m = /\d[\d,]*(?:\.\d+)?/.exec(textValue);
  return m ? Number(m[0].replace(/,/g, '')) : null;
}

/** A placeholder product picture, so that image links resolve. */
export function placeholderSvg(label: string): DemoResponse {
  const t = esc(label.slice(0, 24));
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="240" height="240" viewBox="0 0 240 240"><rect width="240" height="240" fill="#eef1f5"/><text x="120" y="126" font-size="16" text-anchor="middle" fill="#667">${t}</text></svg>`;
  return { status: 200, headers: { 'content-type': 'image/svg+xml; charset=utf-8', 'cache-control': 'max-age=86400' }, body: svg };
}
