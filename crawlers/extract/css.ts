// Declarative CSS extraction: each element matching `item` is a listing, each field a selector
// (relative to the item, or to the page) with attr/text/html, regex and transforms.
// Selectors are compiled once per process (./selector.ts) and values read straight off the
// parsed tree; cheerio is only asked for inner HTML and for jQuery-only selectors.
import type { CheerioAPI } from 'cheerio';
import type { AnyNode, Element } from 'domhandler';
import { isTag } from 'domutils';
import type { CssExtractRule, CssFieldRule, CssFieldSpec } from '../sources/source.schema.ts';
import { visibleText } from './dom-text.ts';
import { postProcess, postProcessOne, type FieldValue } from './fields.ts';
import { compileSelector, descendantElements } from './selector.ts';

/**
 * The elements under an item and under the page, each list built once when first needed:
 * the ten field selectors of an item then walk an array instead of the tree ten times.
 */
export class Scopes {
  private itemElements: Element[] | undefined;
  readonly root: AnyNode;
  constructor(
    readonly $: CheerioAPI,
    readonly item: AnyNode,
    // shared by the items of one page (the document node too: $.root() builds a Cheerio object)
    private readonly page: { elements?: Element[]; root?: AnyNode } = {},
  ) {
    this.root = page.root ??= $.root()[0]!;
  }
  within(scope: AnyNode): Element[] | undefined {
    if (scope === this.item) return (this.itemElements ??= descendantElements(scope));
    if (scope === this.root) return (this.page.elements ??= descendantElements(scope));
    return undefined;
  }
}

export function readCssField(
  $: CheerioAPI,
  item: AnyNode,
  spec: CssFieldSpec,
  pageUrl: string | undefined,
  scopes: Scopes = new Scopes($, item),
): FieldValue {
  const rules = Array.isArray(spec) ? spec : [spec];
  for (const rule of rules) {
    const value = readRule(scopes, rule, pageUrl);
    if (value != null && !(Array.isArray(value) && value.length === 0)) return value;
  }
  return null;
}

// cheerio's attr(): boolean attributes read as their name, an <option>'s value defaults to its
// text and a radio's or checkbox's to "on"
const BOOLEAN_ATTR = /^(?:autofocus|autoplay|async|checked|controls|defer|disabled|hidden|loop|multiple|open|readonly|required|scoped|selected)$/i;
function attr($: CheerioAPI, node: AnyNode, name: string): string | undefined {
  if (!isTag(node)) return undefined;
  if (Object.hasOwn(node.attribs, name)) return BOOLEAN_ATTR.test(name) ? name : node.attribs[name];
  if (name === 'value' && (node.name === 'option' || (node.name === 'input' && ['radio', 'checkbox'].includes(node.attribs.type ?? '')))) {
    return $(node).attr(name);
  }
  return undefined;
}

function rawValue($: CheerioAPI, node: AnyNode, rule: CssFieldRule): string | undefined {
  let v: string | undefined;
  if (rule.attr) v = attr($, node, rule.attr);
  else if (rule.html) v = $(node).html() ?? undefined;
  // a script's text is its source (inline state, seller ids in config objects)
  else if (node.type === 'script' || node.type === 'style') v = $(node).text();
  else v = visibleText(node);
  return v !== undefined && v.trim() !== '' ? v : undefined;
}

function readRule(scopes: Scopes, rule: CssFieldRule, pageUrl: string | undefined): FieldValue {
  if (rule.const !== undefined) return rule.const;
  const $ = scopes.$;
  const scope = rule.scope === 'page' ? scopes.root : scopes.item;
  if (!rule.all) {
    // one value wanted: the first element whose value survives the rule (postProcess's
    // answer), found without reading the elements after it
    if (!rule.selector) {
      const raw = rawValue($, scope, rule);
      return raw === undefined ? null : postProcessOne(raw, rule, pageUrl);
    }
    let found: string | null = null;
    compileSelector(rule.selector).each(
      scope,
      $,
      (node) => {
        const raw = rawValue($, node, rule);
        if (raw !== undefined) found = postProcessOne(raw, rule, pageUrl);
        return found !== null;
      },
      scopes.within(scope),
    );
    return found;
  }
  const nodes: AnyNode[] = rule.selector ? compileSelector(rule.selector).findAll(scope, $, scopes.within(scope)) : [scope];
  const raws: string[] = [];
  for (const node of nodes) {
    const v = rawValue($, node, rule);
    if (v !== undefined) raws.push(v);
  }
  return postProcess(raws, rule, pageUrl);
}

export function readCssFields(
  $: CheerioAPI,
  item: AnyNode,
  fields: Record<string, CssFieldSpec>,
  pageUrl: string | undefined,
  errors: string[],
  label: string,
  scopes: Scopes = new Scopes($, item),
): Record<string, FieldValue> {
  const values: Record<string, FieldValue> = {};
  for (const [name, spec] of Object.entries(fields)) {
    try {
      values[name] = readCssField($, item, spec, pageUrl, scopes);
    } catch (err) {
      // a selector the engine can't parse is a definition problem: report it, keep going
      errors.push(`${label}: field "${name}": ${(err as Error).message}`);
      values[name] = null;
    }
  }
  return values;
}

function matchesOrContains(scopes: Scopes, el: Element, selector: string): boolean {
  const compiled = compileSelector(selector);
  if (compiled.matches(el, scopes.$)) return true;
  let found = false;
  compiled.each(el, scopes.$, () => (found = true), scopes.within(el));
  return found;
}

export interface CssItems {
  items: { values: Record<string, FieldValue>; sponsored: boolean }[];
  skipped: number;
}

export function extractCssItems($: CheerioAPI, rule: CssExtractRule, pageUrl: string | undefined, errors: string[]): CssItems {
  let elements: Element[];
  const root = $.root()[0]!;
  try {
    elements = compileSelector(rule.item).findAll(root, $);
  } catch (err) {
    errors.push(`item selector "${rule.item}": ${(err as Error).message}`);
    return { items: [], skipped: 0 };
  }
  const items: CssItems['items'] = [];
  const page: { elements?: Element[]; root?: AnyNode } = { root };
  let skipped = 0;
  elements.forEach((el, i) => {
    try {
      const scopes = new Scopes($, el, page);
      if (rule.skip && matchesOrContains(scopes, el, rule.skip)) {
        skipped++;
        return;
      }
      const sponsored = rule.sponsored ? matchesOrContains(scopes, el, rule.sponsored) : false;
      const values = readCssFields($, el, rule.fields, pageUrl, errors, `item ${i + 1}`, scopes);
      items.push({ values, sponsored });
    } catch (err) {
      errors.push(`item ${i + 1}: ${(err as Error).message}`);
    }
  });
  return { items, skipped };
}
