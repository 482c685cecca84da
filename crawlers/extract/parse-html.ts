// HTML to a tree, as the HTML standard builds it. parse5 (cheerio's default) implements the
// standard's tree construction, which is what recovers misnested or unclosed markup the way a
// browser does; htmlparser2 is several times faster but builds a different tree from such markup.
// So a page is first parsed with htmlparser2 under a strict watch: the tree is kept only if the
// page is a plain, well-formed document — doctype, explicit html/head/body, every element closed
// by its own end tag and in order, and none of the constructs where the standard's tree differs
// from a straightforward nesting (tables missing their sections, blocks inside <p>, nested links
// or list items, <template>, <noscript>, SVG/MathML, <pre>, bogus comments …). On the first such
// construct the parse stops and parse5 parses the page, so both paths yield the same tree.
import * as cheerio from 'cheerio';
import type { Cheerio, CheerioAPI } from 'cheerio';
import { DomHandler, Element, Text, type AnyNode, type Document, type ProcessingInstruction } from 'domhandler';
import { Parser } from 'htmlparser2';

class NotStrict extends Error {}

const HTML_NS = 'http://www.w3.org/1999/xhtml';
// HTML attributes have no namespace or prefix (parse5 records undefined for each)
const NO_NAMESPACES: Record<string, undefined> = Object.freeze({});
// markup whose tokenisation differs between the two parsers, or that becomes a comment in one
// and a processing instruction in the other
const TOKEN_HAZARDS = /<!--->|<!-->|--!>|<\?|<!(?!--|doctype)|<\/(?![A-Za-z])|\0/i;
const LEADING = /^(?:\s|<!--[\s\S]*?-->)*<!doctype html>/i;
const REFUSED = [
  'template', 'noscript', 'plaintext', 'xmp', 'iframe', 'noembed', 'noframes', 'image', 'frameset', 'frame', 'isindex',
  'keygen', 'command', 'bgsound', 'math', 'svg', 'pre', 'listing', 'textarea', 'select', 'html', 'head', 'body', 'nobr',
  'menuitem',
];
const HEAD_CHILDREN = new Set(['meta', 'link', 'title', 'style', 'script', 'base']);
// start tags that close an open <p> (the standard's "close a p element in button scope")
const P_CLOSERS = [
  'address', 'article', 'aside', 'blockquote', 'center', 'details', 'dialog', 'dir', 'div', 'dl', 'fieldset', 'figcaption',
  'figure', 'footer', 'header', 'hgroup', 'main', 'menu', 'nav', 'ol', 'p', 'search', 'section', 'summary', 'ul', 'h1', 'h2',
  'h3', 'h4', 'h5', 'h6', 'form', 'table', 'hr', 'li', 'dd', 'dt',
];
const HEADINGS = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'];
const NOT_NESTED = ['a', 'form', 'button'];
// what each table element may contain without the standard moving or inserting anything (Maps:
// an element named like an Object.prototype member, <constructor>, is only an element)
const TABLE_CHILDREN = new Map<string, Set<string>>([
  ['table', new Set(['caption', 'colgroup', 'thead', 'tbody', 'tfoot', 'script', 'style'])],
  ['thead', new Set(['tr', 'script', 'style'])],
  ['tbody', new Set(['tr', 'script', 'style'])],
  ['tfoot', new Set(['tr', 'script', 'style'])],
  ['tr', new Set(['td', 'th', 'script', 'style'])],
  ['colgroup', new Set(['col'])],
]);
const TABLE_PARENT = new Map<string, Set<string>>([
  ['caption', new Set(['table'])], ['colgroup', new Set(['table'])], ['thead', new Set(['table'])], ['tbody', new Set(['table'])],
  ['tfoot', new Set(['table'])], ['tr', new Set(['thead', 'tbody', 'tfoot'])], ['td', new Set(['tr'])], ['th', new Set(['tr'])],
  ['col', new Set(['colgroup'])],
]);
const VOID = ['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source', 'track', 'wbr'];

// what the checks need to know of a tag name, looked up once per element (most names have none)
const IS_REFUSED = 1;
const IS_P_CLOSER = 2;
const IS_HEADING = 4;
const IS_NOT_NESTED = 8;
const IS_VOID = 16;
const HAS_TABLE_PARENT = 32;
const HAS_TABLE_CHILDREN = 64;
const TAG_FLAGS = new Map<string, number>();
const flag = (names: Iterable<string>, bit: number) => {
  for (const n of names) TAG_FLAGS.set(n, (TAG_FLAGS.get(n) ?? 0) | bit);
};
flag(REFUSED, IS_REFUSED);
flag(P_CLOSERS, IS_P_CLOSER);
flag(HEADINGS, IS_HEADING);
flag(NOT_NESTED, IS_NOT_NESTED);
flag(VOID, IS_VOID);
flag(TABLE_PARENT.keys(), HAS_TABLE_PARENT);
flag(TABLE_CHILDREN.keys(), HAS_TABLE_CHILDREN);
const isBlank = (s: string) => /^[ \t\n\f]*$/.test(s);

/** Builds the tree and refuses the page at the first construct the standard would treat otherwise. */
class StrictHandler extends DomHandler {
  // 0 before <html>, 1 in html before head, 2 in head, 3 after head, 4 in body, 5 after body, 6 after html
  private phase = 0;
  private readonly open: string[] = [];
  // how many <p>, and how many of the elements that must not nest (a, form, button), are open
  private openP = 0;
  private openNotNested = { a: 0, form: 0, button: 0 } as Record<string, number>;
  explicitCloses = 0;

  override onopentag(name: string, attribs: Record<string, string>): void {
    const parent = this.open[this.open.length - 1];
    const flags = TAG_FLAGS.get(name) ?? 0;
    if (this.phase === 4) this.checkInBody(name, flags, parent);
    else if (this.phase === 0 && name === 'html') this.phase = 1;
    else if (this.phase === 1 && name === 'head') this.phase = 2;
    else if (this.phase === 3 && name === 'body') this.phase = 4;
    else if (this.phase === 2 && parent === 'head' && HEAD_CHILDREN.has(name)) {
      // a head element
    } else throw new NotStrict();
    super.onopentag(name, attribs);
    // what parse5's tree adapter records on every element
    const el = this.tagStack[this.tagStack.length - 1] as unknown as Record<string, unknown>;
    el.namespace = HTML_NS;
    el['x-attribsNamespace'] = NO_NAMESPACES;
    el['x-attribsPrefix'] = NO_NAMESPACES;
    if (flags & IS_VOID) return;
    this.open.push(name);
    if (name === 'p') this.openP++;
    else if (flags & IS_NOT_NESTED) this.openNotNested[name]!++;
  }

  private checkInBody(name: string, flags: number, parent: string | undefined): void {
    if (flags & IS_REFUSED) throw new NotStrict();
    const parentFlags = parent === undefined ? 0 : (TAG_FLAGS.get(parent) ?? 0);
    if (parentFlags & HAS_TABLE_CHILDREN && !TABLE_CHILDREN.get(parent!)!.has(name)) throw new NotStrict();
    if (flags & HAS_TABLE_PARENT && !(parent !== undefined && TABLE_PARENT.get(name)!.has(parent))) throw new NotStrict();
    if (flags & IS_P_CLOSER && this.openP > 0) throw new NotStrict();
    if (flags & IS_NOT_NESTED && this.openNotNested[name]! > 0) throw new NotStrict();
    if (flags & IS_HEADING && parentFlags & IS_HEADING) throw new NotStrict();
    if (name === 'li' && this.openSince('li', ['ul', 'ol', 'menu'])) throw new NotStrict();
    if ((name === 'dd' || name === 'dt') && (this.openSince('dd', ['dl']) || this.openSince('dt', ['dl']))) throw new NotStrict();
  }

  /** whether `name` is open above the innermost of `boundaries` */
  private openSince(name: string, boundaries: string[]): boolean {
    for (let i = this.open.length - 1; i >= 0; i--) {
      if (this.open[i] === name) return true;
      if (boundaries.includes(this.open[i]!)) return false;
    }
    return false;
  }

  override onclosetag(name?: string, implied?: boolean): void {
    if (implied) {
      if (name && (TAG_FLAGS.get(name) ?? 0) & IS_VOID) return super.onclosetag();
      throw new NotStrict();
    }
    if (this.open.pop() !== name) throw new NotStrict();
    this.explicitCloses++;
    if (name === 'p') this.openP--;
    else if (name === 'head') this.phase = 3;
    else if (name === 'body') this.phase = 5;
    else if (name === 'html') {
      if (this.phase !== 5) throw new NotStrict();
      this.phase = 6;
    } else if (name !== undefined && (TAG_FLAGS.get(name) ?? 0) & IS_NOT_NESTED) this.openNotNested[name]!--;
    super.onclosetag();
  }

  override ontext(data: string): void {
    const parent = this.open[this.open.length - 1];
    if (parent === 'script' && data.includes('<!--')) throw new NotStrict();
    const inText = this.phase === 4 || (this.phase === 2 && (parent === 'title' || parent === 'style' || parent === 'script'));
    if ((!inText || (parent !== undefined && TABLE_CHILDREN.has(parent))) && !isBlank(data)) throw new NotStrict();
    super.ontext(data);
  }

  // only `<!doctype html>` gets here (see LEADING and TOKEN_HAZARDS); recorded as parse5 does
  override onprocessinginstruction(name: string, data: string): void {
    if (this.phase !== 0 || name !== '!doctype') throw new NotStrict();
    super.onprocessinginstruction(name, data);
    const doctype = this.root.children[this.root.children.length - 1] as ProcessingInstruction & Record<string, unknown>;
    doctype.data = '!DOCTYPE html';
    Object.assign(doctype, { 'x-name': 'html', 'x-publicId': null, 'x-systemId': null });
  }

  finish(endTags: number): Document {
    if (this.phase !== 6 || endTags !== this.explicitCloses) throw new NotStrict();
    return this.root;
  }
}

class CountingParser extends Parser {
  endTags = 0;
  override onclosetag(start: number, endIndex: number): void {
    this.endTags++;
    super.onclosetag(start, endIndex);
  }
}

/**
 * Whitespace the standard places elsewhere: dropped before <html> and before <head>, and moved
 * into <body> when it follows </body> (the standard keeps inserting into body after its end tag).
 */
function placeWhitespaceAsTheStandardDoes(doc: Document): void {
  const html = doc.children.find((n): n is Element => n instanceof Element)!;
  const body = html.children.find((n): n is Element => n instanceof Element && n.name === 'body')!;
  const moved: string[] = [];
  const keep = (list: typeof doc.children, pred: (n: (typeof doc.children)[number], i: number) => boolean) => {
    const kept = list.filter(pred);
    kept.forEach((n, i) => {
      n.prev = kept[i - 1] ?? null;
      n.next = kept[i + 1] ?? null;
    });
    return kept;
  };
  const htmlAt = doc.children.indexOf(html);
  doc.children = keep(doc.children, (n, i) => {
    if (!(n instanceof Text)) return true;
    if (i > htmlAt) moved.push(n.data);
    return false;
  });
  const headAt = html.children.findIndex((n) => n instanceof Element && n.name === 'head');
  const bodyAt = html.children.indexOf(body);
  html.children = keep(html.children, (n, i) => {
    if (!(n instanceof Text)) return true;
    if (i < headAt) return false;
    if (i > bodyAt) {
      moved.unshift(n.data);
      return false;
    }
    return true;
  });
  if (moved.length === 0) return;
  const last = body.children[body.children.length - 1];
  if (last instanceof Text) last.data += moved.join('');
  else {
    const text = new Text(moved.join(''));
    text.parent = body;
    text.prev = last ?? null;
    if (last) last.next = text;
    body.children.push(text);
  }
}

function parseStrict(html: string): Document | null {
  if (TOKEN_HAZARDS.test(html) || !LEADING.test(html)) return null;
  const handler = new StrictHandler();
  const parser = new CountingParser(handler, { decodeEntities: true });
  try {
    // the standard's input preprocessing: CR LF and lone CR become LF
    parser.end(html.includes('\r') ? html.replace(/\r\n?/g, '\n') : html);
    const doc = handler.finish(parser.endTags);
    placeWhitespaceAsTheStandardDoes(doc);
    (doc as Document & Record<string, unknown>)['x-mode'] = 'no-quirks';
    return doc;
  } catch (err) {
    if (err instanceof NotStrict) return null;
    throw err;
  }
}

// Every page's `$` is a thin front for one cheerio instance made once. `cheerio.load` makes a
// new class for each call. V8 keeps a class's prototype in the old generation, and that
// prototype's methods close over the page's tree. So each page's whole tree outlived the young
// generation's collections, which treat old objects as live. It was copied there and promoted:
// ≈ 250 KB a page, and a fifth of an extraction thread's time went to scavenges. A per-page
// closure set as a property of a per-page function does the same. The front below carries only
// data and shared functions.
let shared: CheerioAPI | undefined;

interface Selection {
  _root?: Cheerio<AnyNode>;
  prevObject?: unknown;
}

function sharedCheerio(): CheerioAPI {
  if (shared) return shared;
  const base = cheerio.load('');
  // a selection made from a selection keeps its document as root, as under a per-page load
  // (cheerio's own _make roots it in the instance's first document, here the empty one). The
  // root matters to positional filters with a combinator: filter('ul > li:first'), closest('div > ul:first').
  const proto = base.fn as unknown as { _make(this: Selection, selector?: unknown, context?: unknown): Selection };
  proto._make = function (this: Selection, selector?: unknown, context?: unknown): Selection {
    const made = (base as unknown as (s?: unknown, c?: unknown, r?: unknown) => Selection)(selector, context, this._root ?? undefined);
    made.prevObject = this;
    return made;
  };
  return (shared = base);
}

/** cheerio's `$` over one parsed document, without a cheerio.load of its own (see above) */
function pageApi(doc: Document): CheerioAPI {
  const base = sharedCheerio();
  const call = base as unknown as (selector?: unknown, context?: unknown, root?: unknown, options?: unknown) => unknown;
  const $ = ((selector?: unknown, context?: unknown, root: unknown = doc, options?: unknown) => call(selector, context, root, options)) as unknown as CheerioAPI;
  // the static methods (root, html, text…) and load: the same functions for every page
  Object.assign($, base);
  $._root = doc;
  return $;
}

/** The page's tree as cheerio would build it, built faster when the page allows it. */
export function loadHtml(html: string): CheerioAPI {
  // the standard's tree by parse5, through cheerio, when the fast path refuses the page; such
  // pages still pay for one cheerio.load each
  return pageApi(parseStrict(html) ?? cheerio.load(html).root()[0]!);
}

/** For tests: whether the fast path accepted the page. */
export function parsedStrictly(html: string): boolean {
  return parseStrict(html) !== null;
}
