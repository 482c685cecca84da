// A small JSON path subset, enough for API responses and inline state blobs:
// "a.b.c", "a[0].b", "a[*].b", "$.a" (root), "a['odd key']". Every path yields a list of values.

type Segment = { key: string } | { index: number } | { wildcard: true };

export function parsePath(path: string): Segment[] {
  const segments: Segment[] = [];
  let p = path.trim();
  if (p.startsWith('$')) p = p.slice(1);
  const re = /\.?([^.[\]]+)|\[(\d+)\]|\[\*\]|\.\*|\[['"]([^'"]+)['"]\]/g;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(p)) !== null) {
    if (m.index !== consumed) throw new Error(`bad JSON path "${path}" near "${p.slice(consumed)}"`);
    consumed = re.lastIndex;
    if (m[0] === '[*]' || m[0] === '.*' || m[1] === '*') segments.push({ wildcard: true });
    else if (m[2] !== undefined) segments.push({ index: Number(m[2]) });
    else if (m[3] !== undefined) segments.push({ key: m[3] });
    else if (m[1] !== undefined) segments.push({ key: m[1] });
  }
  if (consumed !== p.length) throw new Error(`bad JSON path "${path}"`);
  return segments;
}

export function queryPath(data: unknown, path: string): unknown[] {
  let current: unknown[] = [data];
  for (const seg of parsePath(path)) {
    const next: unknown[] = [];
    for (const value of current) {
      if (value == null || typeof value !== 'object') continue;
      if ('wildcard' in seg) {
        next.push(...(Array.isArray(value) ? value : Object.values(value)));
      } else if ('index' in seg) {
        if (Array.isArray(value) && seg.index < value.length) next.push(value[seg.index]);
      } else if (Object.prototype.hasOwnProperty.call(value, seg.key)) {
        next.push((value as Record<string, unknown>)[seg.key]);
      }
    }
    current = next;
  }
  return current.filter((v) => v !== undefined);
}

/**
 * Parses the JSON value that starts at the first "{" or "[" at or after `from`, by scanning to
 * its balanced end (strings and escapes respected), so trailing script ("; var x = ...") is
 * ignored. Returns null when no complete value is found or it doesn't parse.
 */
export function parseJsonAt(text: string, from = 0): { value: unknown; end: number } | null {
  let start = -1;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === '{' || c === '[') {
      start = i;
      break;
    }
    // only whitespace, "=", "(" and ":" may sit between a marker and its value
    if (!/[\s=(:]/.test(c!)) return null;
  }
  if (start < 0) return null;
  const end = balancedEnd(text, start);
  if (end < 0) return null;
  try {
    return { value: JSON.parse(text.slice(start, end)), end };
  } catch {
    return null;
  }
}

function balancedEnd(text: string, start: number): number {
  let depth = 0;
  let inString: string | null = null;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === inString) inString = null;
      continue;
    }
    if (c === '"') inString = c;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

/** Every JSON value that follows an occurrence of `marker` in `text`. */
export function findJsonAfterMarker(text: string, marker: string): unknown[] {
  const found: unknown[] = [];
  let at = text.indexOf(marker);
  while (at >= 0 && found.length < 20) {
    const parsed = parseJsonAt(text, at + marker.length);
    if (parsed) found.push(parsed.value);
    at = text.indexOf(marker, at + marker.length);
  }
  return found;
}
