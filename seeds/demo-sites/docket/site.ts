// Demo Federal Docket (demo-docket): a US federal district court style docket of mass-defendant
// ("Schedule A") cases — the `case-docket` channel of the overseas report. /cases lists the cases
// (case number, court, plaintiff, brand, filing date) and links to /cases/<n>, whose Schedule A
// table names the defendants: online stores, several of them Chinese sellers that also appear on
// the demo mall and overseas sites, and a few company names equal to local firms or demo rights
// holders. Each defendant row (carrying its id "<case no>#<row>" and caption "<plaintiff> v.
// <defendant> (<case no>)" as data attributes) is one listing for `extract: { type: "css" }` (the source crawls
// the case pages directly).
import { esc, html, readJson, redirect, robots } from '../common.ts';
import type { DemoResponse, DemoSite } from '../types.ts';

export interface DocketDefendant {
  name: string;
  platform: string;
  country: string;
}

export interface DocketCase {
  n: number;
  caseNo: string;
  court: string;
  courtName: string;
  plaintiff: string;
  brand: string;
  filed: string;
  nature: string;
  defendants: DocketDefendant[];
}

const data = readJson<{ cases: DocketCase[] }>(import.meta.url, './data.json');
data.cases.forEach((c, i) => {
  if (c.n !== i + 1) throw new Error(`demo docket: case ${c.caseNo} is numbered ${c.n}, expected ${i + 1}`);
});

export function docketCases(): DocketCase[] {
  return data.cases.map((c) => ({ ...c, defendants: c.defendants.map((d) => ({ ...d })) }));
}

/** The listing a Schedule A row stands for (what the demo source definition extracts). */
export function docketRowId(c: DocketCase, row: number): string {
  return `${c.caseNo}#${row}`;
}
export function docketRowTitle(c: DocketCase, d: DocketDefendant): string {
  return `${c.plaintiff} v. ${d.name} (${c.caseNo})`;
}

function layout(title: string, root: string, content: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${esc(title)} | Demo Federal Docket</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:"Times New Roman",serif;margin:0;background:#fff;color:#111}
header{background:#3b2f2f;color:#fff;padding:12px 24px}
header a{color:#fff;text-decoration:none;font-weight:bold}
table{border-collapse:collapse;margin:14px auto;max-width:1100px;font-size:14px}
th,td{border:1px solid #bbb;padding:6px 8px;text-align:left}
.case-head{max-width:1100px;margin:14px auto}
</style>
</head>
<body>
<header><a href="${root}">Demo Federal Docket</a> · Civil cases</header>
<p style="background:#fff8e1;margin:0;padding:6px 24px;font-size:12px">This is an ipclue demo site: all cases, parties and dates are fictional sample data.</p>
${content}
<footer style="text-align:center;color:#888;font-size:12px;padding:20px">© 2026 Demo Federal Docket (sample data)</footer>
</body>
</html>
`;
}

function listPage(): DemoResponse {
  const rows = data.cases
    .map(
      (c) => `<tr class="case" data-case="${c.n}">
  <td class="case-no"><a href="cases/${c.n}">${esc(c.caseNo)}</a></td>
  <td class="court">${esc(c.court)}</td>
  <td class="plaintiff">${esc(c.plaintiff)}</td>
  <td class="brand">${esc(c.brand)}</td>
  <td class="defendants">${c.defendants.length} (Schedule A)</td>
  <td class="filed">${c.filed}</td>
</tr>`,
    )
    .join('\n');
  const content = `<h1 style="text-align:center">Recently filed cases</h1>
<table class="cases">
<thead><tr><th>Case No.</th><th>Court</th><th>Plaintiff</th><th>Brand</th><th>Defendants</th><th>Filed</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`;
  return html(layout('Recently filed cases', '', content));
}

function casePage(c: DocketCase): DemoResponse {
  const rows = c.defendants
    .map(
      (d, i) => `<tr class="defendant" data-row="${i + 1}" data-id="${esc(docketRowId(c, i + 1))}" data-caption="${esc(docketRowTitle(c, d))}">
  <td class="row-no">${i + 1}</td>
  <td class="defendant-name">${esc(d.name)}</td>
  <td class="platform">${esc(d.platform)}</td>
  <td class="country">${esc(d.country)}</td>
</tr>`,
    )
    .join('\n');
  const content = `<div class="case-head" data-case-no="${esc(c.caseNo)}">
<h1><span class="plaintiff">${esc(c.plaintiff)}</span> v. The Partnerships and Unincorporated Associations Identified on Schedule A</h1>
<p>Case No. <span class="case-no">${esc(c.caseNo)}</span> · <span class="court" title="${esc(c.courtName)}">${esc(c.court)}</span> · Filed <span class="filed">${c.filed}</span></p>
<p>Brand: <span class="brand">${esc(c.brand)}</span> · Nature of suit: <span class="nature">${esc(c.nature)}</span></p>
</div>
<h2 style="text-align:center">Schedule A</h2>
<table class="schedule-a">
<thead><tr><th>No.</th><th>Defendant (online store)</th><th>Platform</th><th>Country</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
<p style="text-align:center"><a href="../cases">Back to the cases</a></p>`;
  return html(layout(`${c.plaintiff} v. Schedule A (${c.caseNo})`, '../', content));
}

function notFound(root: string): DemoResponse {
  return html(layout('Page not found', root, '<h1 style="text-align:center">404 - Page not found</h1>'), 404);
}

export const site: DemoSite = {
  name: 'docket',
  channel: 'case-docket',
  title: 'Demo Federal Docket（境外案件公示，英文）',
  handle(path: string): DemoResponse | null {
    if (path === '') return redirect('docket/');
    if (path === '/' || path === '/index.html') {
      return html(layout('Home', '', `<div class="case-head"><h1>Demo Federal Docket</h1><p><a href="cases">Recently filed cases</a></p></div>`));
    }
    if (path === '/robots.txt') return robots(['/admin']);
    if (path === '/admin' || path.startsWith('/admin/')) return html(layout('Forbidden', path.startsWith('/admin/') ? '../' : '', '<h1>403 Forbidden</h1>'), 403);
    if (path === '/cases') return listPage();
    const m = /^\/cases\/(\d{1,3})$/.exec(path);
    if (m) {
      const c = data.cases.find((x) => x.n === Number(m[1]));
      return c ? casePage(c) : notFound('../');
    }
    return notFound(path.split('/').length > 2 ? '../'.repeat(path.split('/').length - 2) : '');
  },
};
