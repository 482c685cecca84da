// Extraction without site rules, from what pages publish for machines: schema.org JSON-LD
// (Product, Offer, ItemList, @graph), microdata, OpenGraph product tags, and inline JSON state
// blobs (window.__INITIAL_STATE__, g_page_config, __NEXT_DATA__ ...). Each method yields
// value maps in the same shape the rule-based extractors produce, so one builder makes listings.
import type { CheerioAPI, Cheerio } from 'cheerio';
import type { Element } from 'domhandler';
import { visibleText } from './dom-text.ts';
import type { FieldValue } from './fields.ts';
import { parseJsonAt } from './json-path.ts';
import { stripTags } from './text.ts';

export type AutoMethod = 'json-ld' | 'microdata' | 'opengraph' | 'inline-json';
export interface AutoItem {
  method: AutoMethod;
  values: Record<string, FieldValue>;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v != null && typeof v === 'object' && !Array.isArray(v);
const asArray = <T>(v: T | T[] | undefined | null): T[] => (v == null ? [] : Array.isArray(v) ? v : [v]);

function str(v: unknown): string | null {
  if (v == null) return null;
  if (typeof v === 'string') return v.trim() === '' ? null : v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (isObj(v)) return str(v.name ?? v['@value'] ?? v.value ?? v.text ?? v.url ?? v.contentUrl);
  return null;
}

function typesOf(node: Obj): string[] {
  return asArray(node['@type'] as string | string[] | undefined)
    .filter((t): t is string => typeof t === 'string')
    .map((t) => t.replace(/^https?:\/\/schema\.org\//i, '').toLowerCase());
}

const PRODUCT_TYPES = new Set(['product', 'productmodel', 'individualproduct', 'productgroup', 'vehicle', 'car', 'book']);

// ---------- JSON-LD ----------

function imagesOf(v: unknown): string[] {
  return asArray(v as unknown[])
    .map((i) => (typeof i === 'string' ? i : isObj(i) ? str(i.contentUrl ?? i.url) : null))
    .filter((i): i is string => !!i);
}

function offerValues(offers: unknown): Record<string, FieldValue> {
  const list = asArray(offers as unknown[]).filter(isObj);
  if (list.length === 0) return {};
  const prices: number[] = [];
  let currency: string | null = null;
  let seller: string | null = null;
  let availability: string | null = null;
  let priceText: string | null = null;
  for (const o of list) {
    const spec = isObj(o.priceSpecification) ? o.priceSpecification : asArray(o.priceSpecification as unknown[]).find(isObj);
    const low = str(o.lowPrice);
    const high = str(o.highPrice);
    const p = str(o.price) ?? (isObj(spec) ? str(spec.price) : null);
    if (low && high && low !== high) priceText ??= `${low} - ${high}`;
    for (const x of [p, low]) {
      const n = x == null ? NaN : Number(String(x).replace(/,/g, ''));
      if (Number.isFinite(n)) prices.push(n);
    }
    currency ??= str(o.priceCurrency) ?? (isObj(spec) ? str(spec.priceCurrency) : null);
    seller ??= str(o.seller);
    availability ??= str(o.availability);
  }
  const out: Record<string, FieldValue> = {};
  if (priceText) out.price = priceText;
  else if (prices.length === 1) out.price = String(prices[0]);
  else if (prices.length > 1) {
    const lo = Math.min(...prices);
    const hi = Math.max(...prices);
    out.price = lo === hi ? String(lo) : `${lo} - ${hi}`;
  }
  if (currency) out.currency = currency;
  if (seller) out.sellerName = seller;
  if (availability) out.availability = availability.replace(/^https?:\/\/schema\.org\//, '');
  return out;
}

function productValues(p: Obj): Record<string, FieldValue> {
  const values: Record<string, FieldValue> = {
    title: str(p.name),
    url: str(p.url) ?? (typeof p['@id'] === 'string' && /^https?:|^\//.test(p['@id']) ? p['@id'] : null),
    images: imagesOf(p.image),
    externalId: str(p.sku) ?? str(p.productID) ?? str(p.mpn) ?? str(p.gtin13) ?? str(p.gtin) ?? null,
    category: str(p.category),
    brand: str(p.brand),
    ...offerValues(p.offers),
  };
  return values;
}

function walkJsonLd(node: unknown, out: Record<string, FieldValue>[], depth = 0): void {
  if (depth > 8) return;
  if (Array.isArray(node)) {
    for (const n of node) walkJsonLd(n, out, depth + 1);
    return;
  }
  if (!isObj(node)) return;
  if (node['@graph']) walkJsonLd(node['@graph'], out, depth + 1);
  const types = typesOf(node);
  if (types.some((t) => PRODUCT_TYPES.has(t))) {
    out.push(productValues(node));
    return;
  }
  if (types.includes('itemlist') || types.includes('offercatalog')) {
    for (const el of asArray(node.itemListElement as unknown[])) {
      if (!isObj(el)) continue;
      const inner = isObj(el.item) ? el.item : el;
      if (typesOf(inner).some((t) => PRODUCT_TYPES.has(t)) || inner.offers) out.push(productValues(inner));
      else if (typesOf(inner).includes('offer') && isObj(inner.itemOffered)) out.push({ ...productValues(inner.itemOffered), ...offerValues(inner) });
      else if (str(inner.url) || str(el.url)) {
        out.push({ title: str(inner.name) ?? str(el.name), url: str(inner.url) ?? str(el.url), images: imagesOf(inner.image) });
      }
    }
    return;
  }
  if (types.includes('offer') && isObj(node.itemOffered)) {
    out.push({ ...productValues(node.itemOffered), ...offerValues(node) });
    return;
  }
  for (const key of ['mainEntity', 'mainEntityOfPage', 'about', 'hasPart']) {
    if (isObj(node[key]) || Array.isArray(node[key])) walkJsonLd(node[key], out, depth + 1);
  }
}

export function fromJsonLd($: CheerioAPI, errors: string[]): Record<string, FieldValue>[] {
  const out: Record<string, FieldValue>[] = [];
  $('script[type="application/ld+json"]').each((i, el) => {
    const text = $(el)
      .text()
      .replace(/^\s*(<!--|<!\[CDATA\[)/, '')
      .replace(/(-->|\]\]>)\s*$/, '')
      .trim();
    if (!text) return;
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      // some sites put several objects or a trailing ";" in one block
      const parsed = parseJsonAt(text);
      if (!parsed) {
        errors.push(`json-ld block ${i + 1}: not valid JSON`);
        return;
      }
      data = parsed.value;
    }
    walkJsonLd(data, out);
  });
  return out;
}

// ---------- microdata ----------

function microdataValue($: CheerioAPI, el: Cheerio<Element>): string | null {
  const node = el.get(0);
  if (!node) return null;
  const name = node.name.toLowerCase();
  const content = el.attr('content');
  if (content !== undefined) return content;
  if (name === 'a' || name === 'link' || name === 'area') return el.attr('href') ?? null;
  if (['img', 'audio', 'video', 'source', 'embed', 'iframe'].includes(name)) return el.attr('src') ?? el.attr('data-src') ?? null;
  if (name === 'meta') return el.attr('content') ?? null;
  if (name === 'time') return el.attr('datetime') ?? visibleText(node);
  if (name === 'data' || name === 'meter') return el.attr('value') ?? null;
  return visibleText(node);
}

/** The itemprops that belong to this item scope (not to scopes nested inside it). */
function ownProps($: CheerioAPI, scope: Cheerio<Element>): Map<string, Cheerio<Element>[]> {
  const props = new Map<string, Cheerio<Element>[]>();
  const root = scope.get(0)!;
  scope.find('[itemprop]').each((_i, node) => {
    const el = $(node);
    const owner = el.parent().closest('[itemscope]').get(0);
    if (owner !== root) return;
    for (const name of (el.attr('itemprop') ?? '').split(/\s+/).filter(Boolean)) {
      const list = props.get(name) ?? [];
      list.push(el);
      props.set(name, list);
    }
  });
  return props;
}

export function fromMicrodata($: CheerioAPI): Record<string, FieldValue>[] {
  const out: Record<string, FieldValue>[] = [];
  const products = $('[itemscope][itemtype]').filter((_i, node) => /(schema|data-vocabulary)\.org\/(Product|IndividualProduct|ProductModel)\b/i.test($(node).attr('itemtype') ?? ''));
  products.each((_i, node) => {
    const scope = $(node);
    // a product nested in another product (related items inside a detail page) is not the page's item
    if (scope.parent().closest('[itemscope][itemtype*="Product"]').length > 0 && products.length > 1) return;
    const props = ownProps($, scope);
    const val = (name: string): string | null => {
      for (const el of props.get(name) ?? []) {
        if (el.is('[itemscope]') && name !== 'offers' && name !== 'offerDetails') continue;
        const v = microdataValue($, el);
        if (v && v.trim()) return v;
      }
      return null;
    };
    const values: Record<string, FieldValue> = {
      title: val('name'),
      url: val('url'),
      images: (props.get('image') ?? []).map((el) => microdataValue($, el)).filter((v): v is string => !!v),
      externalId: val('sku') ?? val('productID') ?? val('mpn'),
      category: val('category'),
      brand: val('brand'),
    };
    // data-vocabulary.org (pre-schema.org, still on old pages) calls them offerDetails
    const offers = [...(props.get('offers') ?? []), ...(props.get('offerDetails') ?? [])].filter((el) => el.is('[itemscope]'));
    if (offers.length) {
      const offerObjs = offers.map((o) => {
        const op = ownProps($, o);
        const ov = (n: string): string | null => {
          for (const el of op.get(n) ?? []) {
            const v = el.is('[itemscope]') ? visibleText(el.get(0)!) : microdataValue($, el);
            if (v && v.trim()) return v;
          }
          return null;
        };
        return {
          price: ov('price'),
          lowPrice: ov('lowPrice'),
          highPrice: ov('highPrice'),
          priceCurrency: ov('priceCurrency') ?? ov('currency'),
          seller: ov('seller'),
          availability: ov('availability'),
        };
      });
      Object.assign(values, offerValues(offerObjs));
    } else {
      const price = val('price');
      if (price) values.price = price;
      const currency = val('priceCurrency');
      if (currency) values.currency = currency;
    }
    out.push(values);
  });
  return out;
}

// ---------- OpenGraph ----------

export function fromOpenGraph($: CheerioAPI): Record<string, FieldValue>[] {
  const tags = new Map<string, string[]>();
  $('meta[property], meta[name]').each((_i, node) => {
    const el = $(node);
    const key = (el.attr('property') ?? el.attr('name') ?? '').toLowerCase();
    if (!/^(og|product|twitter):/.test(key)) return;
    const content = el.attr('content');
    if (content == null || content.trim() === '') return;
    const list = tags.get(key) ?? [];
    list.push(content);
    tags.set(key, list);
  });
  const get = (...keys: string[]): string | null => {
    for (const k of keys) {
      const v = tags.get(k)?.[0];
      if (v) return v;
    }
    return null;
  };
  const type = get('og:type') ?? '';
  const price = get('product:price:amount', 'og:price:amount', 'product:sale_price:amount');
  if (!/product/i.test(type) && !price) return [];
  return [
    {
      title: get('og:title', 'twitter:title'),
      url: get('og:url'),
      images: tags.get('og:image') ?? tags.get('og:image:url') ?? tags.get('og:image:secure_url') ?? [],
      price,
      currency: get('product:price:currency', 'og:price:currency', 'product:sale_price:currency'),
      externalId: get('product:retailer_item_id'),
      category: get('product:category'),
      brand: get('product:brand', 'og:brand'),
      ogType: type || null,
    },
  ];
}

// ---------- inline JSON state blobs ----------

const TITLE_KEYS = ['raw_title', 'title', 'name', 'subject', 'productTitle', 'itemTitle', 'offerTitle', 'productName', 'goodsName'];
const URL_KEYS = ['detail_url', 'detailUrl', 'url', 'link', 'href', 'productUrl', 'itemUrl', 'item_url', 'productDetailUrl'];
const PRICE_KEYS = ['view_price', 'strPriceMoney', 'priceMoney', 'price', 'salePrice', 'promotionPrice', 'minPrice', 'priceText', 'displayPrice', 'formattedPrice', 'sellingPrice', 'finalPrice'];
const IMAGE_KEYS = ['pic_url', 'picUrl', 'image', 'imageUrl', 'img', 'imgUrl', 'mainImage', 'thumbnail', 'images', 'pic', 'picture'];
const ID_KEYS = ['nid', 'offerid', 'offerId', 'itemId', 'item_id', 'productId', 'product_id', 'offerId', 'goodsId', 'sku', 'asin', 'listingId', 'id'];
const SELLER_KEYS = ['nick', 'sellerNick', 'seller_nick', 'shopName', 'storeName', 'sellerName', 'seller', 'shop', 'store', 'companyName'];
const LOCATION_KEYS = ['item_loc', 'location', 'sellerLocation', 'shipFrom', 'province', 'city', 'area'];
const CURRENCY_KEYS = ['currency', 'priceCurrency', 'currencyCode'];
const CATEGORY_KEYS = ['category', 'categoryName', 'category_name', 'cat'];

function pick(obj: Obj, keys: string[]): unknown {
  for (const k of keys) {
    const v = obj[k];
    if (v != null && v !== '') return v;
  }
  return undefined;
}

function priceText(v: unknown): string | null {
  if (v == null) return null;
  if (typeof v === 'string' || typeof v === 'number') return str(v);
  if (isObj(v)) return priceText(pick(v, ['formattedPrice', 'text', 'displayText', 'value', 'amount', 'price', 'minPrice']));
  return null;
}

/** The first price-like key holding a non-zero amount (blobs keep 0 in unused price slots). */
function pickPrice(o: Obj): string | null {
  for (const k of PRICE_KEYS) {
    const t = priceText(o[k]);
    if (t && /[1-9]/.test(t)) return t;
  }
  return null;
}

function looksLikeItem(v: unknown): v is Obj {
  if (!isObj(v)) return false;
  const title = pick(v, TITLE_KEYS);
  if (typeof title !== 'string' || title.trim().length < 2) return false;
  return pick(v, PRICE_KEYS) !== undefined || pick(v, URL_KEYS) !== undefined || pick(v, ['nid', 'itemId', 'productId', 'offerId', 'sku', 'asin']) !== undefined;
}

function findItemArrays(node: unknown, found: Obj[][], depth = 0, budget = { n: 0 }): void {
  if (depth > 12 || budget.n++ > 200_000) return;
  if (Array.isArray(node)) {
    const items = node.filter(looksLikeItem);
    if (items.length > 0 && items.length >= node.length / 2) found.push(items);
    for (const n of node) if (typeof n === 'object' && n) findItemArrays(n, found, depth + 1, budget);
    return;
  }
  if (isObj(node)) for (const v of Object.values(node)) if (typeof v === 'object' && v) findItemArrays(v, found, depth + 1, budget);
}

function blobItemValues(o: Obj): Record<string, FieldValue> {
  const title = str(o.raw_title) ?? str(pick(o, TITLE_KEYS));
  const image = pick(o, IMAGE_KEYS);
  const seller = pick(o, SELLER_KEYS);
  const loc = pick(o, LOCATION_KEYS);
  return {
    title: title ? stripTags(title) : null,
    url: str(pick(o, URL_KEYS)),
    price: pickPrice(o),
    currency: str(pick(o, CURRENCY_KEYS)),
    images: imagesOf(image),
    externalId: str(pick(o, ID_KEYS)),
    sellerName: str(isObj(seller) ? pick(seller, ['name', 'nick', 'shopName']) : seller),
    sellerId: str(pick(o, ['user_id', 'userId', 'sellerId', 'seller_id', 'shopId', 'memberId'])),
    sellerLocation: str(loc),
    category: str(pick(o, CATEGORY_KEYS)),
  };
}

// assignments of a JSON literal to a global-looking name: window.__INITIAL_STATE__ = {...}
const STATE_ASSIGNMENT = /(?:window\.|var\s+|let\s+|const\s+|^|[;\s])([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)\s*=\s*(?=[{[])/g;

export function inlineJsonBlobs($: CheerioAPI): unknown[] {
  const blobs: unknown[] = [];
  $('script').each((_i, node) => {
    const el = $(node);
    const type = (el.attr('type') ?? '').toLowerCase();
    if (type && !/javascript|json|ecmascript|module/.test(type)) return;
    if (type === 'application/ld+json') return;
    const text = el.text();
    if (text.length < 20 || text.length > 20_000_000) return;
    if (type.includes('json')) {
      const parsed = parseJsonAt(text.trim());
      if (parsed) blobs.push(parsed.value);
      return;
    }
    STATE_ASSIGNMENT.lastIndex = 0;
    let m: RegExpExecArray | null;
    let count = 0;
    while ((m = STATE_ASSIGNMENT.exec(text)) !== null && count < 50) {
      count++;
      if (!/state|data|config|props|params|store|init|result|page|list|items/i.test(m[1]!)) continue;
      const parsed = parseJsonAt(text, m.index + m[0].length);
      if (parsed) {
        blobs.push(parsed.value);
        STATE_ASSIGNMENT.lastIndex = parsed.end;
      }
    }
  });
  return blobs;
}

export function fromInlineJson($: CheerioAPI): Record<string, FieldValue>[] {
  const arrays: Obj[][] = [];
  for (const blob of inlineJsonBlobs($)) findItemArrays(blob, arrays);
  if (arrays.length === 0) return [];
  // the largest list of product-like objects is the page's result list
  const best = arrays.reduce((a, b) => (b.length > a.length ? b : a));
  return best.map(blobItemValues);
}

// ---------- combining ----------

function merge(items: AutoItem[]): AutoItem {
  const values: Record<string, FieldValue> = {};
  for (const item of items) {
    for (const [k, v] of Object.entries(item.values)) {
      const empty = v == null || (Array.isArray(v) && v.length === 0);
      const have = values[k] != null && !(Array.isArray(values[k]) && (values[k] as string[]).length === 0);
      if (!empty && !have) values[k] = v;
    }
  }
  return { method: items[0]!.method, values };
}

/**
 * Listings a page publishes for machines. Structured data (JSON-LD, microdata) wins over
 * state blobs, because a detail page's blob often lists related products too; a single
 * product found by several methods is merged, the more structured method's values first.
 */
export function autoItems($: CheerioAPI, errors: string[]): AutoItem[] {
  const tag = (method: AutoMethod, list: Record<string, FieldValue>[]): AutoItem[] => list.map((values) => ({ method, values }));
  const ld = tag('json-ld', fromJsonLd($, errors));
  const micro = tag('microdata', fromMicrodata($));
  const og = tag('opengraph', fromOpenGraph($));
  let blob: AutoItem[] = [];
  try {
    blob = tag('inline-json', fromInlineJson($));
  } catch (err) {
    errors.push(`inline JSON: ${(err as Error).message}`);
  }

  const structured = ld.length >= micro.length ? ld : micro;
  if (structured.length > 1) return structured;
  if (structured.length === 1) {
    return [merge([structured[0]!, ...(ld.length === 1 && structured !== ld ? ld : []), ...(micro.length === 1 && structured !== micro ? micro : []), ...og])];
  }
  if (blob.length > 1) return blob;
  const singles = [...og, ...blob];
  return singles.length ? [merge(singles)] : [];
}

