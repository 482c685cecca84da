// Declarative CSS extraction: each element matching `item` is a listing, each field a selector
// (relative to the item, or to the page) with attr/text/html, regex and transforms.
import type { CheerioAPI, Cheerio } from 'cheerio';
import type { AnyNode } from 'domhandler';
import type { CssExtractRule, CssFieldRule, CssFieldSpec } from '../sources/source.schema.ts';
import { visibleText } from './dom-text.ts';
import { postProcess, type FieldValue } from './fields.ts';

export function readCssField(
  $: CheerioAPI,
  item: Cheerio<AnyNode>,
  spec: CssFieldSpec,
  pageUrl: string | undefined,
): FieldValue {
  const rules = Array.isArray(spec) ? spec : [spec];
  for (const rule of rules) {
    const value = readRule($, item, rule, pageUrl);
    if (value != null && !(Array.isArray(value) && value.length === 0)) return value;
  }
  return null;
}

function readRule($: CheerioAPI, item: Cheerio<AnyNode>, rule: CssFieldRule, pageUrl: string | undefined): FieldValue {
  if (rule.const !== undefined) return rule.const;
  const scope = rule.scope === 'page' ? $.root() : item;
  let nodes: Cheerio<AnyNode>;
  if (!rule.selector) nodes = scope;
  else nodes = scope.find(rule.selector);
  const raws: string[] = [];
  nodes.each((_i, node) => {
    const el = $(node);
    let v: string | undefined;
    if (rule.attr) v = el.attr(rule.attr);
    else if (rule.html) v = el.html() ?? undefined;
    // a script's text is its source (inline state, seller ids in config objects)
    else if (node.type === 'script' || node.type === 'style') v = el.text();
    else v = visibleText(node);
    if (v !== undefined && v.trim() !== '') raws.push(v);
  });
  return postProcess(raws, rule, pageUrl);
}

export function readCssFields(
  $: CheerioAPI,
  item: Cheerio<AnyNode>,
  fields: Record<string, CssFieldSpec>,
  pageUrl: string | undefined,
  errors: string[],
  label: string,
): Record<string, FieldValue> {
  const values: Record<string, FieldValue> = {};
  for (const [name, spec] of Object.entries(fields)) {
    try {
      values[name] = readCssField($, item, spec, pageUrl);
    } catch (err) {
      // a selector the engine can't parse is a definition problem: report it, keep going
      errors.push(`${label}: field "${name}": ${(err as Error).message}`);
      values[name] = null;
    }
  }
  return values;
}

function matchesOrContains(el: Cheerio<AnyNode>, selector: string): boolean {
  return el.is(selector) || el.find(selector).length > 0;
}

export interface CssItems {
  items: { values: Record<string, FieldValue>; sponsored: boolean }[];
  skipped: number;
}

export function extractCssItems($: CheerioAPI, rule: CssExtractRule, pageUrl: string | undefined, errors: string[]): CssItems {
  let elements: Cheerio<AnyNode>;
  try {
    elements = $(rule.item);
  } catch (err) {
    errors.push(`item selector "${rule.item}": ${(err as Error).message}`);
    return { items: [], skipped: 0 };
  }
  const items: CssItems['items'] = [];
  let skipped = 0;
  elements.each((i, node) => {
    const el = $(node);
    try {
      if (rule.skip && matchesOrContains(el, rule.skip)) {
        skipped++;
        return;
      }
      const sponsored = rule.sponsored ? matchesOrContains(el, rule.sponsored) : false;
      const values = readCssFields($, el, rule.fields, pageUrl, errors, `item ${i + 1}`);
      items.push({ values, sponsored });
    } catch (err) {
      errors.push(`item ${i + 1}: ${(err as Error).message}`);
    }
  });
  return { items, skipped };
}
