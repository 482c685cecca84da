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
  /** the elements under `scope` that match, in document order (cheerio: `$(scope).find(s)`) */
  findAll(scope: AnyNode, $: CheerioAPI): Element[];
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

  findAll(scope: AnyNode): Element[] {
    const parent = scope.parent;
    const b = DomUtils.isTag(scope) && parent && DomUtils.isTag(parent) ? this.scoped : this.absolute;
    b.context[0] = scope;
    const children = DomUtils.getChildren(scope).filter(DomUtils.isTag);
    const elems = prepareContext(children, DomUtils, b.query.shouldTestNextSiblings) as AnyNode[];
    const query = b.query;
    return DomUtils.find((node) => DomUtils.isTag(node) && query(node), elems, true, Infinity) as Element[];
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
  matches(el: Element, $: CheerioAPI): boolean {
    return $(el).is(this.selector);
  }
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
