// CSS selectors compiled once and run on many scopes, with cheerio's semantics. A list page
// runs ten field selectors on each of forty items: cheerio would parse and compile each
// selector anew every time (most of the extraction time), so the compiled query is kept per
// selector string. Selection then walks the parsed tree with css-select and domutils, without
// building a Cheerio wrapper per item and field.
//
// Semantics follow cheerio's `.find`, `.is` and `$(selector)`: a selector under an element is
// relative to it (`a.title` means `:scope a.title`), a selector under the document is absolute.
// jQuery's positional extensions (`:first`, `:eq(2)` …) and selectors that begin with a sibling
// combinator are not plain CSS; those are handed to cheerio itself.
import { _compileToken as compileToken, prepareContext } from 'css-select';
import { parse, type Selector } from 'css-what';
import * as DomUtils from 'domutils';
import type { AnyNode, Element } from 'domhandler';
import type { CheerioAPI } from 'cheerio';

type Query = ((el: Element) => boolean) & { shouldTestNextSiblings?: boolean };

export interface CompiledSelector {
  /**
   * the elements under `scope` that match, in document order (cheerio: `$(scope).find(s)`);
   * `within`, when given, must be `descendantElements(scope)` (several selectors run on one
   * item walk its subtree once)
   */
  findAll(scope: AnyNode, $: CheerioAPI, within?: readonly Element[]): Element[];
  /**
   * calls `visit` with each element `findAll` would return, in the same order, until it
   * answers true (the caller has what it wanted)
   */
  each(scope: AnyNode, $: CheerioAPI, visit: (el: Element) => boolean, within?: readonly Element[]): void;
  /** whether `el` itself matches (cheerio: `$(el).is(s)`) */
  matches(el: Element, $: CheerioAPI): boolean;
}

const POSITIONAL = new Set(['first', 'last', 'eq', 'gt', 'nth', 'lt', 'even', 'odd']);

function hasPositional(tokens: Selector[][]): boolean {
  return tokens.some((seq) =>
    seq.some((t) => t.type === 'pseudo' && (POSITIONAL.has(t.name) || (Array.isArray(t.data) && hasPositional(t.data)))),
  );
}

/** A compiled query bound to a context array whose only element is set before each run. */
interface Bound {
  context: AnyNode[];
  query: Query;
}

function bind(selector: string, scoped: boolean): Bound {
  // an element whose parent is an element makes css-select relative (scoped) to it; the
  // document does not. The placeholder stands for the real scope until it is set.
  const placeholder = scoped ? ({ type: 'tag', parent: { type: 'tag' } } as unknown as AnyNode) : ({ type: 'root', parent: null } as unknown as AnyNode);
  const context: AnyNode[] = [placeholder];
  const query = compileToken(parse(selector), { context }) as unknown as Query;
  return { context, query };
}

class PlainSelector implements CompiledSelector {
  private readonly scoped: Bound;
  private readonly absolute: Bound;
  private readonly test: Query;

  constructor(selector: string) {
    // compile both ways at once so that an invalid selector throws here, not mid-page
    this.scoped = bind(selector, true);
    this.absolute = bind(selector, false);
    this.test = compileToken(parse(selector), {}) as unknown as Query;
  }

  private bound(scope: AnyNode): Bound {
    const parent = scope.parent;
    const b = DomUtils.isTag(scope) && parent && DomUtils.isTag(parent) ? this.scoped : this.absolute;
    b.context[0] = scope;
    return b;
  }

  findAll(scope: AnyNode, _$?: CheerioAPI, within?: readonly Element[]): Element[] {
    const b = this.bound(scope);
    const query = b.query;
    if (!b.query.shouldTestNextSiblings) {
      const out: Element[] = [];
      for (const el of within ?? descendantElements(scope)) if (query(el)) out.push(el);
      return out;
    }
    // a selector that reaches the scope's following siblings (`:scope ~ x`) searches them too
    const children = DomUtils.getChildren(scope).filter(DomUtils.isTag);
    const elems = prepareContext(children, DomUtils, true) as AnyNode[];
    return DomUtils.find((node) => DomUtils.isTag(node) && query(node), elems, true, Infinity) as Element[];
  }

  each(scope: AnyNode, $: CheerioAPI, visit: (el: Element) => boolean, within?: readonly Element[]): void {
    const b = this.bound(scope);
    if (b.query.shouldTestNextSiblings) {
      for (const el of this.findAll(scope, $)) if (visit(el)) return;
      return;
    }
    const query = b.query;
    for (const el of within ?? descendantElements(scope)) {
      if (query(el) && visit(el)) return;
    }
  }

  matches(el: Element): boolean {
    return this.test(el);
  }
}

class CheerioSelector implements CompiledSelector {
  constructor(private readonly selector: string) {
    parse(selector); // throws on an invalid selector
  }
  findAll(scope: AnyNode, $: CheerioAPI): Element[] {
    return $(scope).find(this.selector).toArray() as Element[];
  }
  each(scope: AnyNode, $: CheerioAPI, visit: (el: Element) => boolean): void {
    for (const el of this.findAll(scope, $)) if (visit(el)) return;
  }
  matches(el: Element, $: CheerioAPI): boolean {
    return $(el).is(this.selector);
  }
}

/** Every element (tags, scripts, styles) under `scope`, in document order, `scope` excluded. */
export function descendantElements(scope: AnyNode): Element[] {
  const out: Element[] = [];
  const walk = (node: AnyNode) => {
    const children = (node as { children?: AnyNode[] }).children;
    if (!children) return;
    for (let i = 0; i < children.length; i++) {
      const child = children[i]!;
      // (elements only ever sit under elements and the document: a CDATA section holds text)
      if (DomUtils.isTag(child)) {
        out.push(child);
        walk(child);
      }
    }
  };
  walk(scope);
  return out;
}

const MAX_CACHED = 2000;
const cache = new Map<string, CompiledSelector>();

/** The selector compiled (once per process, by its text); throws when it is not valid CSS. */
export function compileSelector(selector: string): CompiledSelector {
  let compiled = cache.get(selector);
  if (!compiled) {
    compiled = /^\s*[+~]/.test(selector) || hasPositional(parse(selector)) ? new CheerioSelector(selector) : new PlainSelector(selector);
    if (cache.size >= MAX_CACHED) cache.clear();
    cache.set(selector, compiled);
  }
  return compiled;
}
