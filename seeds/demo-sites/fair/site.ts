// 演示展会 (demo-fair): an exhibition's exhibitor directory (展商名录) in the style of the many
// older Chinese fair sites that still speak GBK: every page is GBK-encoded (Content-Type
// charset=gbk and <meta charset="gbk">), a table of exhibitors with booth numbers, company
// names, 统一社会信用代码 where the exhibitor published it, and the products on show;
// pagination by a 下一页 link.
import iconv from 'iconv-lite';
import { esc, readJson, redirect, robots } from '../common.ts';
import type { DemoListing, DemoResponse, DemoSite } from '../types.ts';

interface Exhibitor {
  id: string;
  booth: string;
  company: string;
  uscc: string | null;
  area: string;
  products: string;
  label: DemoListing['label'];
  entryId?: string;
}

interface FairData {
  fair: { name: string; dates: string; venue: string; organiser: string };
  perPage: number;
  exhibitors: Exhibitor[];
}

const data = readJson<FairData>(import.meta.url, './data.json');
export const FAIR_PAGES = Math.ceil(data.exhibitors.length / data.perPage);

export function fairDefaultCrawl(): DemoListing[] {
  return data.exhibitors.map((e) => ({
    site: 'fair',
    externalId: e.id,
    title: e.products,
    price: null,
    currency: null,
    sellerName: e.company,
    sellerId: e.uscc,
    sellerLocation: e.area,
    label: e.label,
    ...(e.entryId ? { entryId: e.entryId } : {}),
  }));
}

function gbk(body: string, status = 200): DemoResponse {
  return {
    status,
    headers: { 'content-type': 'text/html; charset=gbk', 'cache-control': 'no-cache' },
    body: iconv.encode(body, 'gbk'),
  };
}

function layout(title: string, root: string, content: string): string {
  const f = data.fair;
  return `<!DOCTYPE html>
<html>
<head>
<meta charset="gbk">
<meta http-equiv="Content-Type" content="text/html; charset=gbk">
<title>${esc(title)} - ${esc(f.name)}</title>
<style>
body{font:12px/1.6 SimSun,"宋体",sans-serif;margin:0;background:#fff}
#top{background:#8b0000;color:#fff;padding:12px 20px}
#top h1{margin:0;font-size:22px}
#nav{background:#b22222;padding:4px 20px}
#nav a{color:#fff;margin-right:18px}
#main{width:980px;margin:10px auto}
table.exh-list{width:100%;border-collapse:collapse}
table.exh-list th,table.exh-list td{border:1px solid #ccc;padding:4px 6px}
table.exh-list th{background:#f3e3e3}
.pages{margin:12px 0;text-align:center}
.pages a,.pages span{margin:0 4px}
</style>
</head>
<body>
<div id="top"><h1>${esc(f.name)}</h1><div>${esc(f.dates)} · ${esc(f.venue)}</div></div>
<div id="nav"><a href="${root}index.html">首页</a><a href="${root}exhibitors/list_1.html">展商名录</a><a href="${root}about.html">展会概况</a></div>
<div id="main">
${content}
</div>
<div style="text-align:center;color:#999;padding:16px">主办单位：${esc(f.organiser)}　本站为 ipclue 演示站点，展商信息均为虚构示例数据。</div>
</body>
</html>
`;
}

function listPage(page: number): DemoResponse {
  const rows = data.exhibitors.slice((page - 1) * data.perPage, page * data.perPage);
  const links: string[] = [];
  if (page > 1) links.push(`<a class="prev" href="list_${page - 1}.html">上一页</a>`);
  for (let p = 1; p <= FAIR_PAGES; p++) links.push(p === page ? `<span class="cur">${p}</span>` : `<a href="list_${p}.html">${p}</a>`);
  if (page < FAIR_PAGES) links.push(`<a class="next" href="list_${page + 1}.html">下一页</a>`);
  const content = `<h2>展商名录（共 ${data.exhibitors.length} 家，第 ${page}/${FAIR_PAGES} 页）</h2>
<table class="exh-list">
<tr><th>展位号</th><th>企业名称</th><th>所在地区</th><th>统一社会信用代码</th><th>主要展品</th></tr>
${rows
  .map(
    (e) => `<tr class="exh" data-id="${e.id}">
<td class="booth">${esc(e.booth)}</td>
<td class="company"><a href="${e.id}.html">${esc(e.company)}</a></td>
<td class="area">${esc(e.area)}</td>
<td class="uscc">${e.uscc ? esc(e.uscc) : '未公示'}</td>
<td class="products">${esc(e.products)}</td>
</tr>`,
  )
  .join('\n')}
</table>
<div class="pages">${links.join(' ')}</div>`;
  return gbk(layout(`展商名录 第${page}页`, '../', content));
}

function exhibitorPage(e: Exhibitor): DemoResponse {
  const page = Math.floor(data.exhibitors.indexOf(e) / data.perPage) + 1;
  const content = `<div class="exhibitor" data-id="${e.id}">
<h2 class="company">${esc(e.company)}</h2>
<table class="info">
<tr><th>展位号</th><td class="booth">${esc(e.booth)}</td></tr>
<tr><th>统一社会信用代码</th><td class="uscc">${e.uscc ? esc(e.uscc) : '未公示'}</td></tr>
<tr><th>所在地区</th><td class="area">${esc(e.area)}</td></tr>
<tr><th>主要展品</th><td class="products">${esc(e.products)}</td></tr>
</table>
<p><a href="list_${page}.html">返回展商名录</a></p>
</div>`;
  return gbk(layout(e.company, '../', content));
}

function home(): DemoResponse {
  const f = data.fair;
  return gbk(
    layout(
      '首页',
      '',
      `<h2>欢迎参加${esc(f.name)}</h2>
<p>展会时间：${esc(f.dates)}　展会地点：${esc(f.venue)}</p>
<p>本届展会设食品饮料、茶叶与生鲜、鞋服与电子三个展馆，共 ${data.exhibitors.length} 家展商参展。</p>
<p><a href="exhibitors/list_1.html">查看展商名录</a></p>`,
    ),
  );
}

function notFound(root: string): DemoResponse {
  return gbk(layout('页面不存在', root, '<h2>404 您访问的页面不存在</h2>'), 404);
}

export const site: DemoSite = {
  name: 'fair',
  channel: 'exhibition',
  title: '演示展会（展会展商名录，GBK 编码）',
  handle(path: string, _query: URLSearchParams): DemoResponse | null {
    if (path === '') return redirect('fair/');
    if (path === '/' || path === '/index.html') return home();
    if (path === '/robots.txt') return robots(['/admin']);
    if (path === '/about.html') {
      const f = data.fair;
      return gbk(layout('展会概况', '', `<h2>展会概况</h2><p>${esc(f.name)}由${esc(f.organiser)}主办，展期三天。</p>`));
    }
    if (path === '/admin' || path.startsWith('/admin/')) return gbk(layout('禁止访问', path.startsWith('/admin/') ? '../' : '', '<h2>403 禁止访问</h2>'), 403);
    if (path === '/exhibitors' ) return redirect('exhibitors/list_1.html', 302);
    if (path === '/exhibitors/' || path === '/exhibitors/index.html') return redirect('list_1.html', 302);
    let m = /^\/exhibitors\/list_(\d{1,4})\.html$/.exec(path);
    if (m) {
      const page = Number(m[1]);
      return page >= 1 && page <= FAIR_PAGES ? listPage(page) : notFound('../');
    }
    m = /^\/exhibitors\/(E\d{7})\.html$/.exec(path);
    if (m) {
      const e = data.exhibitors.find((x) => x.id === m![1]);
      return e ? exhibitorPage(e) : notFound('../');
    }
    return notFound(path.split('/').length > 2 ? '../'.repeat(path.split('/').length - 2) : '');
  },
};
