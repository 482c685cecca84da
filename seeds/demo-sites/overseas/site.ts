// Demo Global Market (demo-overseas): an English cross-border marketplace priced in USD. Every
// results page publishes schema.org JSON-LD (an ItemList of Products with Offers and sellers), so
// `extract: { type: "auto" }` reads it with no site rules; the visible cards show "US $12.99".
// Sellers are in China and abroad; goods include Latin look-alikes (N1KE, adidos), replica
// wording (replica, 1:1, inspired by) and Chinese brands and GI goods sold overseas.
import { esc, html, pageParam, placeholderSvg, readJson, redirect, robots, scriptJson } from '../common.ts';
import type { DemoListing, DemoResponse, DemoSite } from '../types.ts';

interface Seller {
  id: string;
  name: string;
  location: string;
  country: string;
}

interface Item {
  id: string;
  title: string;
  price: number;
  seller: string;
  category: string;
  label: DemoListing['label'];
  entryId?: string;
}

interface OverseasData {
  perPage: number;
  sellers: Seller[];
  items: Item[];
}

const data = readJson<OverseasData>(import.meta.url, './data.json');
const sellers = new Map(data.sellers.map((s) => [s.id, s]));
for (const i of data.items) if (!sellers.has(i.seller)) throw new Error(`demo overseas: item ${i.id} names unknown seller ${i.seller}`);
export const OVERSEAS_PAGES = Math.ceil(data.items.length / data.perPage);

const usd = (n: number) => `US $${n.toFixed(2)}`;

export function overseasDefaultCrawl(): DemoListing[] {
  return data.items.map((i) => {
    const s = sellers.get(i.seller)!;
    return {
      site: 'overseas',
      externalId: i.id,
      title: i.title,
      price: i.price,
      currency: 'USD',
      sellerName: s.name,
      sellerId: s.id,
      sellerLocation: s.location,
      label: i.label,
      ...(i.entryId ? { entryId: i.entryId } : {}),
    };
  });
}

function product(i: Item, root: string) {
  const s = sellers.get(i.seller)!;
  const parts = s.location.split(',').map((x) => x.trim());
  return {
    '@type': 'Product',
    name: i.title,
    sku: i.id,
    productID: i.id,
    url: `${root}item/${i.id}`,
    image: `${root}img/${i.id}.svg`,
    category: i.category,
    offers: {
      '@type': 'Offer',
      price: i.price.toFixed(2),
      priceCurrency: 'USD',
      availability: 'https://schema.org/InStock',
      seller: {
        '@type': 'Organization',
        name: s.name,
        identifier: s.id,
        address: { '@type': 'PostalAddress', addressLocality: parts[0], addressRegion: parts.length > 2 ? parts[parts.length - 2] : undefined, addressCountry: s.country },
      },
    },
  };
}

function layout(title: string, root: string, content: string, jsonLd: unknown, q = ''): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${esc(title)} | Demo Global Market</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<script type="application/ld+json">${scriptJson(jsonLd)}</script>
<style>
body{font-family:Arial,Helvetica,sans-serif;margin:0;background:#fafafa;color:#111}
header{background:#232f3e;color:#fff;padding:10px 24px;display:flex;gap:20px;align-items:center}
header a{color:#fff;text-decoration:none;font-weight:bold}
.grid{display:grid;grid-template-columns:repeat(3,1fr);gap:14px;max-width:1100px;margin:14px auto;list-style:none;padding:0}
.product{background:#fff;padding:12px;border:1px solid #e5e5e5}
.product .name{color:#0066c0;text-decoration:none}
.price{font-size:18px;font-weight:bold}
.seller,.ships{font-size:12px;color:#555}
.pagination{text-align:center;margin:18px}
</style>
</head>
<body>
<header><a href="${root}">Demo Global Market</a>
<form action="${root}search" method="get"><input name="q" value="${esc(q)}" placeholder="Search products"><button type="submit">Search</button></form></header>
<p style="background:#fff8e1;margin:0;padding:6px 24px;font-size:12px">This is an ipclue demo site: all products, sellers and prices are fictional sample data.</p>
${content}
<footer style="text-align:center;color:#888;font-size:12px;padding:20px">© 2026 Demo Global Market (sample data)</footer>
</body>
</html>
`;
}

function card(i: Item, root: string): string {
  const s = sellers.get(i.seller)!;
  return `<li class="product" data-item-id="${i.id}">
  <a href="${root}item/${i.id}"><img src="${root}img/${i.id}.svg" alt="" width="200" height="200"></a>
  <a class="name" href="${root}item/${i.id}">${esc(i.title)}</a>
  <div class="price">${usd(i.price)}</div>
  <div class="seller">Sold by <span class="seller-name">${esc(s.name)}</span></div>
  <div class="ships">Ships from ${esc(s.location)}</div>
</li>`;
}

function itemList(items: Item[], root: string) {
  return {
    '@context': 'https://schema.org',
    '@type': 'ItemList',
    numberOfItems: items.length,
    itemListElement: items.map((i, n) => ({ '@type': 'ListItem', position: n + 1, item: product(i, root) })),
  };
}

function pager(page: number, pages: number, href: (p: number) => string): string {
  const parts: string[] = [];
  if (page > 1) parts.push(`<a class="prev" rel="prev" href="${esc(href(page - 1))}">Previous</a>`);
  parts.push(`<span class="current">Page ${page} of ${pages}</span>`);
  if (page < pages) parts.push(`<a class="next" rel="next" href="${esc(href(page + 1))}">Next</a>`);
  return `<nav class="pagination">${parts.join(' ')}</nav>`;
}

function listPage(page: number): DemoResponse {
  const items = data.items.slice((page - 1) * data.perPage, page * data.perPage);
  const content = `<h1 style="max-width:1100px;margin:14px auto">Today's Deals</h1>
<ul class="grid">
${items.map((i) => card(i, '')).join('\n')}
</ul>
${pager(page, OVERSEAS_PAGES, (p) => `products?page=${p}`)}`;
  return html(layout(`Today's Deals - Page ${page}`, '', content, itemList(items, '')));
}

function searchPage(q: string, page: number): DemoResponse | null {
  const words = q.toLowerCase().split(/\s+/).filter(Boolean);
  const hits = words.length === 0 ? [] : data.items.filter((i) => words.every((w) => `${i.title} ${i.category}`.toLowerCase().includes(w)));
  const pages = Math.max(1, Math.ceil(hits.length / data.perPage));
  if (page > pages) return null;
  const shown = hits.slice((page - 1) * data.perPage, page * data.perPage);
  const content = `<h1 style="max-width:1100px;margin:14px auto">${hits.length} results for "${esc(q)}"</h1>
<ul class="grid">
${shown.map((i) => card(i, '')).join('\n')}
</ul>
${hits.length > 0 ? pager(page, pages, (p) => `search?q=${encodeURIComponent(q)}&page=${p}`) : ''}`;
  return html(layout(`Search: ${q}`, '', content, itemList(shown, ''), q));
}

function itemPage(i: Item): DemoResponse {
  const s = sellers.get(i.seller)!;
  const page = Math.floor(data.items.indexOf(i) / data.perPage) + 1;
  const content = `<div class="product-detail" style="max-width:900px;margin:14px auto;background:#fff;padding:16px">
<img src="../img/${i.id}.svg" alt="" width="240" height="240">
<h1 class="title">${esc(i.title)}</h1>
<div class="price">${usd(i.price)}</div>
<p class="seller">Sold by <span class="seller-name">${esc(s.name)}</span> · Ships from <span class="ships-from">${esc(s.location)}</span></p>
<p>Category: <span class="category">${esc(i.category)}</span> · Item number: ${i.id}</p>
<p><a href="../products?page=${page}">Back to results</a></p>
</div>`;
  return html(layout(i.title, '../', content, { '@context': 'https://schema.org', ...product(i, '../') }));
}

function notFound(root: string): DemoResponse {
  return html(layout('Page not found', root, '<h1 style="text-align:center">404 - Page not found</h1>', { '@context': 'https://schema.org', '@type': 'WebPage', name: 'Page not found' }), 404);
}

export const site: DemoSite = {
  name: 'overseas',
  channel: 'ecommerce',
  title: 'Demo Global Market（海外电商平台，英文，美元）',
  handle(path: string, query: URLSearchParams): DemoResponse | null {
    if (path === '') return redirect('overseas/');
    if (path === '/' || path === '/index.html') {
      const content = `<div style="max-width:1100px;margin:14px auto"><h1>Welcome to Demo Global Market</h1>
<p><a href="products?page=1">Today's Deals</a> · <a href="search?q=tea">Tea</a> · <a href="search?q=shoes">Shoes</a></p></div>`;
      return html(layout('Home', '', content, { '@context': 'https://schema.org', '@type': 'WebSite', name: 'Demo Global Market' }));
    }
    if (path === '/robots.txt') return robots(['/admin', '/cart']);
    if (path === '/admin' || path.startsWith('/admin/')) return html(layout('Forbidden', path.startsWith('/admin/') ? '../' : '', '<h1>403 Forbidden</h1>', {}), 403);
    if (path === '/products') {
      const page = pageParam(query);
      return page !== null && page <= OVERSEAS_PAGES ? listPage(page) : notFound('');
    }
    if (path === '/search') {
      const page = pageParam(query);
      return (page !== null ? searchPage(query.get('q') ?? '', page) : null) ?? notFound('');
    }
    let m = /^\/item\/(\d{10})$/.exec(path);
    if (m) {
      const i = data.items.find((x) => x.id === m![1]);
      return i ? itemPage(i) : notFound('../');
    }
    m = /^\/img\/(\d{10})\.svg$/.exec(path);
    if (m) {
      const i = data.items.find((x) => x.id === m![1]);
      return i ? placeholderSvg(i.category) : notFound('../');
    }
    return notFound(path.split('/').length > 2 ? '../'.repeat(path.split('/').length - 2) : '');
  },
};
