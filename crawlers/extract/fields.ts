// What happens to a value once a rule has read it: regex, transforms, join. Shared by the CSS
// and JSON extractors so a definition behaves the same whichever way it reads a page.
import type { FieldTransform } from '../sources/source.schema.ts';
import { parseAmount } from './price.ts';
import { absoluteUrl, normaliseText, stripTags } from './text.ts';

export type FieldValue = string | string[] | null;

export interface PostProcessRule {
  regex?: string;
  transform?: FieldTransform | FieldTransform[];
  all?: boolean;
  join?: string;
  const?: string;
}

const regexCache = new Map<string, RegExp>();
function compiled(source: string): RegExp {
  let re = regexCache.get(source);
  if (!re) {
    re = new RegExp(source);
    regexCache.set(source, re);
  }
  return re;
}

export function applyTransform(value: string, transform: FieldTransform, pageUrl: string | undefined): string | null {
  switch (transform) {
    case 'trim':
      return normaliseText(value);
    case 'price':
      // the listing builder parses price text with its currency; here only tidy it
      return normaliseText(value);
    case 'int': {
      const m = /\d[\d,.\s]*/.exec(value.replace(/[\u00a0]/g, ' '));
      if (!m) return null;
      const n = parseAmount(m[0].trim());
      return n == null ? null : String(Math.trunc(n));
    }
    case 'number': {
      const m = /-?\d[\d,.]*/.exec(value);
      if (!m) return null;
      const n = parseAmount(m[0].replace(/^-/, ''));
      return n == null ? null : String(m[0].startsWith('-') ? -n : n);
    }
    case 'absUrl':
      return absoluteUrl(value, pageUrl);
    case 'stripTags':
      return normaliseText(stripTags(value));
    case 'decodeUri':
      try {
        return decodeURIComponent(value.replace(/\+/g, ' '));
      } catch {
        return value;
      }
    case 'lower':
      return value.toLowerCase();
    case 'upper':
      return value.toUpperCase();
  }
}

/** One raw value through the rule's regex and transforms; null when nothing survives. */
export function postProcessOne(value: string, rule: PostProcessRule, pageUrl: string | undefined): string | null {
  return processOne(value, rule, pageUrl);
}

function processOne(value: string, rule: PostProcessRule, pageUrl: string | undefined): string | null {
  let v: string | null = value;
  if (rule.regex) {
    const m = compiled(rule.regex).exec(v);
    if (!m) return null;
    v = m[1] ?? m[0];
  }
  const transforms = rule.transform === undefined ? [] : Array.isArray(rule.transform) ? rule.transform : [rule.transform];
  for (const t of transforms) {
    if (v == null) break;
    v = applyTransform(v, t, pageUrl);
  }
  return v == null || v.trim() === '' ? null : v;
}

/** Applies a rule's regex/transforms to every raw value and shapes the result (one, list, joined). */
export function postProcess(rawValues: string[], rule: PostProcessRule, pageUrl: string | undefined): FieldValue {
  if (rule.const !== undefined) return rule.const;
  const values = (rule.all ? rawValues : rawValues.slice(0, 1))
    .map((v) => processOne(v, rule, pageUrl))
    .filter((v): v is string => v != null);
  if (!rule.all) {
    // without `all`, the first raw value that survives the regex wins
    if (values.length) return values[0]!;
    for (const raw of rawValues.slice(1)) {
      const v = processOne(raw, rule, pageUrl);
      if (v != null) return v;
    }
    return null;
  }
  if (values.length === 0) return null;
  return rule.join !== undefined ? values.join(rule.join) : values;
}
