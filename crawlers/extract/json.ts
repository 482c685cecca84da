// JSON extraction: listings from an API response or from a JSON blob inside the page's
// scripts (Taobao's g_page_config, window.__INIT_DATA__ ...), located by selector and marker.
import type { CheerioAPI } from 'cheerio';
import type { JsonExtractRule, JsonFieldRule, JsonFieldSpec } from '../sources/source.schema.ts';
import { postProcess, type FieldValue } from './fields.ts';
import { findJsonAfterMarker, parseJsonAt, queryPath } from './json-path.ts';

function scalarText(v: unknown): string | null {
  if (v == null) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

export function readJsonField(item: unknown, root: unknown, spec: JsonFieldSpec, pageUrl: string | undefined): FieldValue {
  const rules: JsonFieldRule[] = Array.isArray(spec) ? spec : [spec];
  for (const rule of rules) {
    if (rule.const !== undefined) return rule.const;
    if (!rule.path) continue;
    const base = rule.path.startsWith('$') ? root : item;
    const found = queryPath(base, rule.path).flatMap((v) => (Array.isArray(v) && rule.all ? v : [v]));
    const raws = found.map(scalarText).filter((v): v is string => v != null && v.trim() !== '');
    const value = postProcess(raws, rule, pageUrl);
    if (value != null && !(Array.isArray(value) && value.length === 0)) return value;
  }
  return null;
}

/** The JSON document the rule reads: the whole body, or the blob found in a script. */
export function locateJson(body: string, $: CheerioAPI | null, rule: JsonExtractRule, errors: string[]): unknown {
  if (rule.source === 'response') {
    const text = body.trim();
    try {
      return JSON.parse(text);
    } catch {
      // JSONP: callback({...})
      const parsed = parseJsonAt(text, Math.max(0, text.indexOf('(') + 1));
      if (parsed) return parsed.value;
      errors.push('response body is not JSON');
      return undefined;
    }
  }
  const script = rule.script ?? {};
  let texts: string[];
  if (script.selector && $) {
    try {
      texts = $(script.selector)
        .toArray()
        .map((el) => $(el).text());
    } catch (err) {
      errors.push(`script selector "${script.selector}": ${(err as Error).message}`);
      return undefined;
    }
  } else {
    texts = [body];
  }
  for (const text of texts) {
    if (script.regex) {
      const m = new RegExp(script.regex).exec(text);
      if (!m) continue;
      const candidate = m[1] ?? m[0];
      try {
        return JSON.parse(candidate);
      } catch {
        const parsed = parseJsonAt(candidate);
        if (parsed) return parsed.value;
      }
      continue;
    }
    if (script.marker) {
      const found = findJsonAfterMarker(text, script.marker);
      if (found.length) return found[0];
      continue;
    }
    const parsed = parseJsonAt(text.trim());
    if (parsed) return parsed.value;
  }
  errors.push(`no JSON blob found${script.marker ? ` after "${script.marker}"` : ''}${script.selector ? ` in "${script.selector}"` : ''}`);
  return undefined;
}

export function extractJsonItems(
  body: string,
  $: CheerioAPI | null,
  rule: JsonExtractRule,
  pageUrl: string | undefined,
  errors: string[],
): Record<string, FieldValue>[] {
  const data = locateJson(body, $, rule, errors);
  if (data === undefined) return [];
  let items: unknown[];
  try {
    const found = queryPath(data, rule.itemsPath);
    items = found.length === 1 && Array.isArray(found[0]) ? found[0] : found;
  } catch (err) {
    errors.push(`itemsPath: ${(err as Error).message}`);
    return [];
  }
  if (items.length === 0) errors.push(`itemsPath "${rule.itemsPath}" matched no items`);
  const out: Record<string, FieldValue>[] = [];
  items.forEach((item, i) => {
    const values: Record<string, FieldValue> = {};
    for (const [name, spec] of Object.entries(rule.fields)) {
      try {
        values[name] = readJsonField(item, data, spec, pageUrl);
      } catch (err) {
        errors.push(`item ${i + 1}: field "${name}": ${(err as Error).message}`);
        values[name] = null;
      }
    }
    out.push(values);
  });
  return out;
}
