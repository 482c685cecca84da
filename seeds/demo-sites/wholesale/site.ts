// 演示批发市场 (demo-wholesale): stall listings of a 义乌-style wholesale market (商贸城) whose
// pages are rendered by JavaScript: the HTML is an empty shell with the data in an inline
// `window.__INITIAL_STATE__ = {...}` blob and a small script that renders it into the DOM. Only a
// browser (fetch.mode "browser") or the inline-JSON path (extract.type "json", source "script")
// sees the stalls; a plain HTML parse of the static markup finds none.
import { esc, html, placeholderSvg, priceOf, readJson, redirect, robots, scriptJson } from '../common.ts';
import type { DemoListing, DemoResponse, DemoSite } from '../types.ts';

interface Stall {
  id: string;
  stallNo: string;
  shopName: string;
  shopId: string;
  location: string;
  origin: string;
  category: string;
  title: string;
  priceText: string;
  minOrder: string;
  label: DemoListing['label'];
  entryId?: string;
}

interface WholesaleData {
  market: { name: string; address: string; district: string };
  perPage: number;
  stalls: Stall[];
}

const data = readJson<WholesaleData>(import.meta.url, './data.json');
export const WHOLESALE_PAGES = Math.ceil(data.stalls.length / data.perPage);

export function wholesaleDefaultCrawl(): DemoListing[] {
  return data.stalls.map((s) => ({
    site: 'wholesale',
    externalId: s.id,
    title: s.title,
    price: priceOf(s.priceText),
    currency: priceOf(s.priceText) === null ? null : 'CNY',
    sellerName: s.shopName,
    sellerId: s.shopId,
    sellerLocation: s.location,
    label: s.label,
    ...(s.entryId ? { entryId: s.entryId } : {}),
  }));
}

function stallState(s: Stall, root: string) {
  return {
    id: s.id,
    url: `${root}stall/${s.id}.html`,
    title: s.title,
    priceText: s.priceText,
    minOrder: s.minOrder,
    category: s.category,
    images: [`${root}img/${s.id}.svg`],
    shop: { id: s.shopId, name: s.shopName, stallNo: s.stallNo, location: s.location, origin: s.origin },
  };
}

// The renderer the page ships: plain DOM, no framework. It escapes every value it writes.
const RENDERER = `(function () {
  var state = window.__INITIAL_STATE__ || {};
  function e(v) {
    return String(v == null ? '' : v).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }
  function card(it) {
    return '<div class="stall-card" data-id="' + e(it.id) + '">' +
      '<img class="pic" src="' + e(it.images[0]) + '" alt="">' +
      '<a class="title" href="' + e(it.url) + '">' + e(it.title) + '</a>' +
      '<div class="price-line"><span class="price">' + e(it.priceText) + '</span> <span class="moq">' + e(it.minOrder) + '</span></div>' +
      '<div class="shop-line"><span class="shop" data-shop-id="' + e(it.shop.id) + '">' + e(it.shop.name) + '</span>' +
      ' <span class="stall-no">' + e(it.shop.stallNo) + '</span></div>' +
      '<div class="meta"><span class="loc">' + e(it.shop.location) + '</span> · 货源地 <span class="origin">' + e(it.shop.origin) + '</span>' +
      ' · <span class="cat">' + e(it.category) + '</span></div>' +
      '</div>';
  }
  var list = document.getElementById('stall-list');
  if (list && state.list) list.innerHTML = state.list.items.map(card).join('');
  var detail = document.getElementById('stall-detail');
  if (detail && state.item) detail.innerHTML = card(state.item) + '<p class="desc">' + e(state.item.description) + '</p>';
  var pager = document.getElementById('pager');
  var p = state.pagination;
  if (pager && p) {
    var parts = [];
    if (p.prev) parts.push('<a class="prev" href="' + e(p.prev) + '">上一页</a>');
    parts.push('<span class="cur">第 ' + e(p.page) + ' / ' + e(p.totalPages) + ' 页</span>');
    if (p.next) parts.push('<a class="next" href="' + e(p.next) + '">下一页</a>');
    pager.innerHTML = parts.join(' ');
  }
  document.documentElement.setAttribute('data-rendered', '1');
})();`;

function shell(title: string, root: string, state: unknown): DemoResponse {
  const m = data.market;
  return html(`<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>${esc(title)} - ${esc(m.name)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:"Microsoft YaHei",sans-serif;margin:0;background:#f6f7fb}
header{background:#0b5ed7;color:#fff;padding:12px 24px}
header a{color:#fff;text-decoration:none}
#stall-list{display:grid;grid-template-columns:repeat(3,1fr);gap:12px;max-width:1100px;margin:12px auto}
.stall-card{background:#fff;padding:12px;border-radius:4px}
.stall-card .title{display:block;font-weight:bold;color:#222;text-decoration:none}
.price{color:#e4393c;font-size:18px}
.meta,.shop-line{font-size:12px;color:#777}
#pager{text-align:center;margin:16px}
</style>
</head>
<body>
<header><a href="${root}">${esc(m.name)}</a> · <span>${esc(m.district)}</span></header>
<div class="notice" style="background:#fffbe6;padding:6px 24px;font-size:12px">本站为 ipclue 演示站点，商铺与商品均为虚构示例数据。</div>
<div id="app">
<div id="stall-list"></div>
<div id="stall-detail"></div>
<div id="pager"></div>
</div>
<noscript>请启用 JavaScript 以查看商铺列表。</noscript>
<script>window.__INITIAL_STATE__ = ${scriptJson(state)};</script>
<script>${RENDERER}</script>
</body>
</html>
`);
}

function listPage(page: number): DemoResponse {
  const rows = data.stalls.slice((page - 1) * data.perPage, page * data.perPage);
  const state = {
    market: data.market,
    query: { page, perPage: data.perPage, total: data.stalls.length, totalPages: WHOLESALE_PAGES },
    list: { items: rows.map((s) => stallState(s, '')) },
    pagination: {
      page,
      totalPages: WHOLESALE_PAGES,
      prev: page > 1 ? `stalls?page=${page - 1}` : null,
      next: page < WHOLESALE_PAGES ? `stalls?page=${page + 1}` : null,
    },
  };
  return shell(`商铺商品 第${page}页`, '', state);
}

function stallPage(s: Stall): DemoResponse {
  const page = Math.floor(data.stalls.indexOf(s) / data.perPage) + 1;
  const item = {
    ...stallState(s, '../'),
    description: `${s.title}。商铺位于${data.market.name}${s.stallNo}，货源地${s.origin}，${s.minOrder}。`,
  };
  return shell(s.title, '../', { market: data.market, item, pagination: { page, totalPages: WHOLESALE_PAGES, prev: `../stalls?page=${page}`, next: null } });
}

function notFound(): DemoResponse {
  return html(`<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>页面不存在</title></head><body><h1>404 页面不存在</h1></body></html>`, 404);
}

export const site: DemoSite = {
  name: 'wholesale',
  channel: 'market',
  title: '演示批发市场（专业市场，JavaScript 渲染）',
  handle(path: string, query: URLSearchParams): DemoResponse | null {
    if (path === '') return redirect('wholesale/');
    if (path === '/' || path === '/index.html') {
      return html(`<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>${esc(data.market.name)}</title></head>
<body><h1>${esc(data.market.name)}</h1><p>${esc(data.market.address)} · ${esc(data.market.district)}</p>
<p><a href="stalls?page=1">浏览商铺商品</a></p><p style="font-size:12px">本站为 ipclue 演示站点，商铺与商品均为虚构示例数据。</p></body></html>`);
    }
    if (path === '/robots.txt') return robots(['/admin']);
    if (path === '/admin' || path.startsWith('/admin/')) return html('<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>禁止访问</title></head><body><h1>403 禁止访问</h1></body></html>', 403);
    if (path === '/stalls') {
      const raw = query.get('page') ?? '1';
      if (!/^\d{1,4}$/.test(raw)) return notFound();
      const page = Number(raw);
      return page >= 1 && page <= WHOLESALE_PAGES ? listPage(page) : notFound();
    }
    let m = /^\/stall\/(YW\d{7})\.html$/.exec(path);
    if (m) {
      const s = data.stalls.find((x) => x.id === m![1]);
      return s ? stallPage(s) : notFound();
    }
    m = /^\/img\/(YW\d{7})\.svg$/.exec(path);
    if (m) {
      const s = data.stalls.find((x) => x.id === m![1]);
      return s ? placeholderSvg(s.category) : notFound();
    }
    return notFound();
  },
};
