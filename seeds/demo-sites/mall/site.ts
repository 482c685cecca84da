// 演示商城 (demo-mall): a Chinese e-commerce marketplace. Search-result style listing pages
// (/list?page=1..2000, 40 cards each, generated deterministically from a seed so a benchmark can
// crawl 80,000 listings), a UTF-8 search endpoint, item and shop pages. Cards carry keyword-
// stuffed titles, several price formats (¥59.00, ￥1,299, 59元, ¥39-59, 面议), the shop's name,
// id and location, and sponsored cards marked 广告.
import { esc, html, pageParam, placeholderSvg, prng, pick, priceOf, readJson, redirect, robots } from '../common.ts';
import type { DemoListing, DemoResponse, DemoSite } from '../types.ts';

interface Shop {
  id: string;
  name: string;
  location: string;
  flagship: boolean;
}

interface Product {
  key: string;
  label: DemoListing['label'];
  entryId?: string;
  category: string;
  shops: string[];
  tags: string[];
  titles: string[];
  prices: string[];
}

interface MallData {
  seed: number;
  pages: number;
  perPage: number;
  idBase: number;
  shops: Shop[];
  products: Product[];
}

export interface MallItem {
  index: number;
  id: string;
  title: string;
  priceText: string;
  shop: Shop;
  product: Product;
  sponsored: boolean;
  sales: number;
  image: string;
}

const data = readJson<MallData>(import.meta.url, './data.json');
const shopsById = new Map(data.shops.map((s) => [s.id, s]));
for (const p of data.products) {
  for (const s of p.shops) if (!shopsById.has(s)) throw new Error(`demo mall: product ${p.key} names unknown shop ${s}`);
}

export const MALL_PAGES = data.pages;
export const MALL_PER_PAGE = data.perPage;
export const MALL_DEFAULT_PAGES = 5;
const TOTAL = data.pages * data.perPage;
// the search box and shop pages look at the first 50 pages (2,000 listings)
const SEARCH_POOL = 50 * data.perPage;
// ordinary goods are more common than any one brand
const WEIGHTED: Product[] = data.products.flatMap((p) => (p.label === 'innocent' ? [p, p, p] : [p, p]));
const SPONSORED_SLOTS = new Set([0, 1, 20]);
const ID_STRIDE = 37;

const cache = new Map<number, MallItem>();

/** The listing at global position `index` (0-based; page p holds p*40-40 .. p*40-1). */
export function mallItem(index: number): MallItem {
  const hit = cache.get(index);
  if (hit) return hit;
  const rnd = prng((data.seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
  const slot = index % data.perPage;
  const sponsored = SPONSORED_SLOTS.has(slot);
  // sponsored slots are bought by shops that pay for traffic: flagships and the bold fakers
  const pool = sponsored ? WEIGHTED.filter((p) => p.label !== 'innocent') : WEIGHTED;
  const product = pick(rnd, pool);
  const shop = shopsById.get(pick(rnd, product.shops))!;
  const item: MallItem = {
    index,
    id: String(data.idBase + index * ID_STRIDE + Math.floor(rnd() * ID_STRIDE)),
    title: pick(rnd, product.titles),
    priceText: pick(rnd, product.prices),
    shop,
    product,
    sponsored,
    sales: Math.floor(rnd() * 50) * (rnd() < 0.3 ? 1000 : 10),
    image: `p${data.products.indexOf(product) + 1}`,
  };
  if (cache.size < 10_000) cache.set(index, item);
  return item;
}

function itemById(id: string): MallItem | null {
  if (!/^\d{12}$/.test(id)) return null;
  const index = Math.floor((Number(id) - data.idBase) / ID_STRIDE);
  if (index < 0 || index >= TOTAL) return null;
  const item = mallItem(index);
  return item.id === id ? item : null;
}

export function mallPageItems(page: number): MallItem[] {
  const out: MallItem[] = [];
  for (let s = 0; s < data.perPage; s++) out.push(mallItem((page - 1) * data.perPage + s));
  return out;
}

export function toDemoListing(item: MallItem): DemoListing {
  return {
    site: 'mall',
    externalId: item.id,
    title: item.title,
    price: priceOf(item.priceText),
    currency: priceOf(item.priceText) === null ? null : 'CNY',
    sellerName: item.shop.name,
    sellerId: item.shop.id,
    sellerLocation: item.shop.location,
    label: item.product.label,
    ...(item.product.entryId ? { entryId: item.product.entryId } : {}),
    ...(item.sponsored ? { sponsored: true } : {}),
  };
}

/** What the default crawl (pages 1..5) sees, in page order. */
export function mallDefaultCrawl(): DemoListing[] {
  const out: DemoListing[] = [];
  for (let p = 1; p <= MALL_DEFAULT_PAGES; p++) out.push(...mallPageItems(p).map(toDemoListing));
  return out;
}

// ---------------------------------------------------------------------------------------------

const CATEGORIES = ['方便速食', '饮料', '饼干糕点', '调味品', '运动鞋', '电玩', '茶叶', '水产生鲜', '蔬菜', '手机配件'];

function layout(title: string, root: string, content: string, q = ''): string {
  return `<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>${esc(title)} - 演示商城</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:"PingFang SC","Microsoft YaHei",sans-serif;margin:0;background:#f4f4f4;color:#333}
header{background:#ff5000;color:#fff;padding:10px 24px;display:flex;gap:24px;align-items:center}
header a{color:#fff;text-decoration:none;font-weight:bold;font-size:20px}
header input{width:360px;padding:6px;border:0}
.notice{background:#fff7e6;color:#a15c00;padding:6px 24px;font-size:12px}
main{max-width:1200px;margin:0 auto;padding:12px}
.item-list{list-style:none;padding:0;display:grid;grid-template-columns:repeat(4,1fr);gap:12px}
.item-card{background:#fff;padding:10px;position:relative}
.item-card img{width:100%;height:auto}
.item-card .title{display:block;color:#333;text-decoration:none;font-size:13px;height:36px;overflow:hidden}
.price{color:#ff5000;font-size:18px;font-weight:bold}
.ad-tag{position:absolute;top:6px;right:6px;background:#999;color:#fff;font-size:11px;padding:0 4px}
.shop-row{font-size:12px;color:#888;display:flex;justify-content:space-between}
.pager{margin:20px 0;text-align:center}
.pager a,.pager span{margin:0 6px}
</style>
</head>
<body>
<header><a href="${root}">演示商城</a>
<form action="${root}search" method="get"><input name="q" value="${esc(q)}" placeholder="搜索宝贝"><button type="submit">搜索</button></form></header>
<div class="notice">本站为 ipclue 演示站点，商品、店铺与价格均为虚构示例数据，不构成真实交易。</div>
<main>
${content}
</main>
<footer style="text-align:center;color:#999;font-size:12px;padding:20px">© 2026 演示商城（示例数据）</footer>
</body>
</html>
`;
}

function card(item: MallItem, root: string): string {
  const href = `${root}item/${item.id}.html`;
  return `<li class="item-card${item.sponsored ? ' item-card--ad' : ''}" data-nid="${item.id}"${item.sponsored ? ' data-ad="1"' : ''}>
  <a class="pic" href="${href}"><img src="${root}img/${esc(item.image)}.svg" alt="${esc(item.title)}"></a>
  ${item.sponsored ? '<span class="ad-tag">广告</span>' : ''}
  <a class="title" href="${href}" title="${esc(item.title)}">${esc(item.title)}</a>
  <div class="price-row"><span class="price">${esc(item.priceText)}</span> <span class="deal-cnt">${item.sales > 0 ? `${item.sales}+人付款` : '新品'}</span></div>
  <div class="shop-row"><a class="shop" href="${root}shop/${item.shop.id}.html" data-shop-id="${item.shop.id}">${esc(item.shop.name)}</a><span class="loc">${esc(item.shop.location)}</span></div>
  ${item.shop.flagship ? '<span class="badge">官方旗舰店</span>' : ''}
</li>`;
}

function pager(page: number, pages: number, href: (p: number) => string): string {
  const parts: string[] = [];
  if (page > 1) parts.push(`<a class="prev" href="${esc(href(page - 1))}">上一页</a>`);
  for (let p = Math.max(1, page - 2); p <= Math.min(pages, page + 2); p++) {
    parts.push(p === page ? `<span class="cur">${p}</span>` : `<a class="num" href="${esc(href(p))}">${p}</a>`);
  }
  if (page < pages) parts.push(`<a class="next" href="${esc(href(page + 1))}">下一页</a>`);
  parts.push(`<span class="total">共 ${pages} 页</span>`);
  return `<div class="pager">${parts.join('\n')}</div>`;
}

function notFound(root: string): DemoResponse {
  return html(layout('页面不存在', root, '<h1>404 页面不存在</h1><p>您访问的页面不存在或商品已下架。</p>'), 404);
}

function listPage(page: number): DemoResponse {
  const items = mallPageItems(page);
  const content = `<div class="crumbs">全部宝贝 &gt; 热卖</div>
<div class="summary">共 ${TOTAL.toLocaleString('en-US')} 件宝贝，第 ${page} 页</div>
<ul class="item-list">
${items.map((i) => card(i, '')).join('\n')}
</ul>
${pager(page, data.pages, (p) => `list?page=${p}`)}`;
  return html(layout(`热卖宝贝 第${page}页`, '', content));
}

function matches(item: MallItem, q: string): boolean {
  const needle = q.toLowerCase().replace(/\s+/g, '');
  if (!needle) return false;
  const hay = item.title.toLowerCase().replace(/\s+/g, '');
  return hay.includes(needle) || item.product.tags.some((t) => t.toLowerCase() === needle) || item.product.category === q;
}

function searchPage(q: string, page: number): DemoResponse {
  const hits: MallItem[] = [];
  for (let i = 0; i < SEARCH_POOL; i++) {
    const item = mallItem(i);
    if (matches(item, q.trim())) hits.push(item);
  }
  const pages = Math.max(1, Math.ceil(hits.length / data.perPage));
  if (page > pages) return notFound('');
  const shown = hits.slice((page - 1) * data.perPage, page * data.perPage);
  const content = !q.trim()
    ? '<p class="empty">请输入搜索关键词。</p>'
    : `<div class="summary">“${esc(q)}” 共找到 ${hits.length} 件宝贝</div>
${shown.length === 0 ? '<p class="empty">没有找到相关宝贝，换个关键词试试。</p>' : ''}
<ul class="item-list">
${shown.map((i) => card(i, '')).join('\n')}
</ul>
${hits.length > 0 ? pager(page, pages, (p) => `search?q=${encodeURIComponent(q)}&page=${p}`) : ''}`;
  return html(layout(`${q} - 搜索结果`, '', content, q));
}

function itemPage(item: MallItem): DemoResponse {
  const root = '../';
  const shipFrom = item.shop.location;
  const content = `<div class="crumbs">全部宝贝 &gt; ${esc(item.product.category)}</div>
<div class="detail" data-nid="${item.id}">
  <img class="main-pic" src="${root}img/${esc(item.image)}.svg" alt="${esc(item.title)}">
  <h1 class="item-title">${esc(item.title)}</h1>
  ${item.sponsored ? '<span class="ad-tag">广告</span>' : ''}
  <div class="price-box">价格 <span class="price">${esc(item.priceText)}</span></div>
  <dl class="props">
    <dt>类目</dt><dd class="category">${esc(item.product.category)}</dd>
    <dt>发货地</dt><dd class="ship-from">${esc(shipFrom)}</dd>
    <dt>月销量</dt><dd>${item.sales}</dd>
  </dl>
  <div class="shop-info">
    <a class="shop" href="${root}shop/${item.shop.id}.html" data-shop-id="${item.shop.id}">${esc(item.shop.name)}</a>
    <span class="loc">${esc(item.shop.location)}</span>
    ${item.shop.flagship ? '<span class="badge">官方旗舰店</span>' : ''}
  </div>
  <div class="desc"><h2>宝贝详情</h2><p>${esc(item.title)}。${esc(item.product.category)}，${esc(shipFrom)}发货，下单后48小时内发出。</p></div>
</div>
<p><a href="${root}list?page=${Math.floor(item.index / data.perPage) + 1}">返回列表</a></p>`;
  return html(layout(item.title, root, content));
}

function shopPage(shop: Shop): DemoResponse {
  const root = '../';
  const items: MallItem[] = [];
  for (let i = 0; i < SEARCH_POOL && items.length < 40; i++) {
    const it = mallItem(i);
    if (it.shop.id === shop.id) items.push(it);
  }
  const content = `<div class="shop-header" data-shop-id="${shop.id}"><h1 class="shop-name">${esc(shop.name)}</h1>
<p>所在地：<span class="loc">${esc(shop.location)}</span>${shop.flagship ? ' · 官方旗舰店' : ''}</p></div>
<ul class="item-list">
${items.map((i) => card(i, root)).join('\n')}
</ul>`;
  return html(layout(shop.name, root, content));
}

function home(): DemoResponse {
  const content = `<h1>欢迎来到演示商城</h1>
<p><a class="hot" href="list?page=1">热卖宝贝</a></p>
<ul class="cats">${CATEGORIES.map((c) => `<li><a href="search?q=${encodeURIComponent(c)}">${esc(c)}</a></li>`).join('')}</ul>`;
  return html(layout('首页', '', content));
}

export const site: DemoSite = {
  name: 'mall',
  channel: 'ecommerce',
  title: '演示商城（电商平台）',
  handle(path: string, query: URLSearchParams): DemoResponse | null {
    if (path === '') return redirect('mall/');
    if (path === '/' || path === '/index.html') return home();
    if (path === '/robots.txt') return robots(['/admin', '/cart', '/login']);
    if (path === '/admin' || path.startsWith('/admin/')) {
      return html(layout('禁止访问', path.startsWith('/admin/') ? '../' : '', '<h1>403 禁止访问</h1><p>请登录后台。</p>'), 403);
    }
    if (path === '/list') {
      const page = pageParam(query);
      if (page === null || page > data.pages) return notFound('');
      return listPage(page);
    }
    if (path === '/search') {
      const page = pageParam(query);
      if (page === null) return notFound('');
      return searchPage(query.get('q') ?? '', page);
    }
    let m = /^\/item\/(\d+)\.html$/.exec(path);
    if (m) {
      const item = itemById(m[1]!);
      return item ? itemPage(item) : notFound('../');
    }
    m = /^\/shop\/(\d+)\.html$/.exec(path);
    if (m) {
      const shop = shopsById.get(m[1]!);
      return shop ? shopPage(shop) : notFound('../');
    }
    m = /^\/img\/p(\d+)\.svg$/.exec(path);
    if (m && Number(m[1]) >= 1 && Number(m[1]) <= data.products.length) return placeholderSvg(data.products[Number(m[1]) - 1]!.category);
    return notFound(path.split('/').length > 2 ? '../'.repeat(path.split('/').length - 2) : '');
  },
};
