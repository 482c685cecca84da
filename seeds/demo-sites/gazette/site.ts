// Demo Trademark Gazette (demo-gazette): an English foreign trademark office gazette listing new
// applications open to opposition — the `trademark-gazette` channel of the overseas report. A
// plain HTML table, 12 filings a page with a Next link: serial number, the applied-for word mark,
// applicant and its country, filing date, Nice classes, goods, and when the opposition period
// ends. Some marks are Latin squats of the demo's local marks and GIs (LAOGANMA, KANGSHIFU,
// WAHAHA, XINYANG MAOJIAN…); the rest are unrelated. Read with `extract: { type: "css" }`.
import { esc, html, pageParam, readJson, redirect, robots } from '../common.ts';
import type { DemoResponse, DemoSite } from '../types.ts';

export interface GazetteFiling {
  serial: string;
  mark: string;
  applicant: string;
  /** ISO 3166 alpha-2 of the applicant */
  country: string;
  /** Nice classes, comma separated ("29, 32") */
  classes: string;
  goods: string;
  filed: string;
  opposition: string;
  /** the watchlist entry the mark squats on, when it does (ground truth for tests) */
  resembles?: string;
}

interface GazetteData {
  perPage: number;
  office: string;
  filings: GazetteFiling[];
}

const data = readJson<GazetteData>(import.meta.url, './data.json');
export const GAZETTE_PAGES = Math.ceil(data.filings.length / data.perPage);

const COUNTRIES: Record<string, string> = { US: 'United States', CA: 'Canada', DE: 'Germany', GB: 'United Kingdom', CN: 'China' };
export const countryName = (cc: string): string => COUNTRIES[cc] ?? cc;
for (const f of data.filings) if (!COUNTRIES[f.country]) throw new Error(`demo gazette: filing ${f.serial} has unknown country ${f.country}`);

/** Every filing the site publishes, in page order (pages 1..GAZETTE_PAGES). */
export function gazetteFilings(): GazetteFiling[] {
  return data.filings.map((f) => ({ ...f }));
}

function layout(title: string, root: string, content: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${esc(title)} | Demo Trademark Gazette</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:Georgia,serif;margin:0;background:#fff;color:#111}
header{background:#1c3d6e;color:#fff;padding:12px 24px}
header a{color:#fff;text-decoration:none;font-weight:bold}
table.filings{border-collapse:collapse;margin:14px auto;max-width:1200px;font-size:14px}
table.filings th,table.filings td{border:1px solid #ccd;padding:6px 8px;text-align:left;vertical-align:top}
.mark{font-weight:bold;letter-spacing:.04em}
.pagination{text-align:center;margin:18px}
</style>
</head>
<body>
<header><a href="${root}">Demo Trademark Gazette</a> · ${esc(data.office)}</header>
<p style="background:#fff8e1;margin:0;padding:6px 24px;font-size:12px">This is an ipclue demo site: all filings, applicants and dates are fictional sample data.</p>
${content}
<footer style="text-align:center;color:#888;font-size:12px;padding:20px">© 2026 Demo Trademark Gazette (sample data)</footer>
</body>
</html>
`;
}

function row(f: GazetteFiling): string {
  return `<tr class="filing" data-serial="${f.serial}">
  <td class="serial"><a href="filings/${f.serial}">${f.serial}</a></td>
  <td class="mark">${esc(f.mark)}</td>
  <td class="applicant">${esc(f.applicant)}</td>
  <td class="country" data-code="${f.country}">${esc(countryName(f.country))}</td>
  <td class="filed">${f.filed}</td>
  <td class="classes">Class ${esc(f.classes)}</td>
  <td class="goods">${esc(f.goods)}</td>
  <td class="opposition">${f.opposition}</td>
</tr>`;
}

function pager(page: number): string {
  const parts: string[] = [];
  if (page > 1) parts.push(`<a class="prev" rel="prev" href="filings?page=${page - 1}">Previous</a>`);
  parts.push(`<span class="current">Page ${page} of ${GAZETTE_PAGES}</span>`);
  if (page < GAZETTE_PAGES) parts.push(`<a class="next" rel="next" href="filings?page=${page + 1}">Next</a>`);
  return `<nav class="pagination">${parts.join(' ')}</nav>`;
}

function listPage(page: number): DemoResponse {
  const filings = data.filings.slice((page - 1) * data.perPage, page * data.perPage);
  const content = `<h1 style="text-align:center">Applications published for opposition — page ${page}</h1>
<table class="filings">
<thead><tr><th>Serial No.</th><th>Mark</th><th>Applicant</th><th>Applicant country</th><th>Filing date</th><th>Nice classes</th><th>Goods/services</th><th>Opposition period ends</th></tr></thead>
<tbody>
${filings.map(row).join('\n')}
</tbody>
</table>
${pager(page)}`;
  return html(layout(`Published applications - Page ${page}`, '', content));
}

function filingPage(f: GazetteFiling): DemoResponse {
  const page = Math.floor(data.filings.indexOf(f) / data.perPage) + 1;
  const content = `<div class="filing-detail" style="max-width:800px;margin:14px auto">
<h1 class="mark">${esc(f.mark)}</h1>
<dl>
<dt>Serial No.</dt><dd class="serial">${f.serial}</dd>
<dt>Applicant</dt><dd class="applicant">${esc(f.applicant)} (${esc(countryName(f.country))})</dd>
<dt>Filing date</dt><dd class="filed">${f.filed}</dd>
<dt>Nice classes</dt><dd class="classes">Class ${esc(f.classes)}</dd>
<dt>Goods/services</dt><dd class="goods">${esc(f.goods)}</dd>
<dt>Opposition period ends</dt><dd class="opposition">${f.opposition}</dd>
</dl>
<p><a href="../filings?page=${page}">Back to the gazette</a></p>
</div>`;
  return html(layout(f.mark, '../', content));
}

function notFound(root: string): DemoResponse {
  return html(layout('Page not found', root, '<h1 style="text-align:center">404 - Page not found</h1>'), 404);
}

export const site: DemoSite = {
  name: 'gazette',
  channel: 'trademark-gazette',
  title: 'Demo Trademark Gazette（境外商标公告，英文）',
  handle(path: string, query: URLSearchParams): DemoResponse | null {
    if (path === '') return redirect('gazette/');
    if (path === '/' || path === '/index.html') {
      const content = `<div style="max-width:900px;margin:14px auto"><h1>Demo Trademark Gazette</h1>
<p><a href="filings?page=1">Applications published for opposition</a></p></div>`;
      return html(layout('Home', '', content));
    }
    if (path === '/robots.txt') return robots(['/admin']);
    if (path === '/admin' || path.startsWith('/admin/')) return html(layout('Forbidden', path.startsWith('/admin/') ? '../' : '', '<h1>403 Forbidden</h1>'), 403);
    if (path === '/filings') {
      const page = pageParam(query);
      return page !== null && page <= GAZETTE_PAGES ? listPage(page) : notFound('');
    }
    const m = /^\/filings\/(\d{8})$/.exec(path);
    if (m) {
      const f = data.filings.find((x) => x.serial === m[1]);
      return f ? filingPage(f) : notFound('../');
    }
    return notFound(path.split('/').length > 2 ? '../'.repeat(path.split('/').length - 2) : '');
  },
};
