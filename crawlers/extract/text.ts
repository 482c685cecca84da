// Text as a reader sees it: entities decoded (the HTML parser does that), whitespace runs
// (NBSP and the ideographic space U+3000 included) collapsed to one space, trimmed.
// anything normaliseText would change: a zero-width character, whitespace other than a single
// plain space between words, or whitespace at either end (most text arrives already tidy)
const UNTIDY = /[\u200b\u200c\u200d\ufeff]|[^\S ]|  |^ | $/;
export function normaliseText(value: string): string {
  if (!UNTIDY.test(value)) return value;
  return value.replace(/[\u200b\u200c\u200d\ufeff]/g, '').replace(/[\s\u00a0\u3000]+/g, ' ').trim();
}

/** A value, or null when it is empty after normalising. */
export function nonEmpty(value: string | null | undefined): string | null {
  if (value == null) return null;
  const t = normaliseText(value);
  return t === '' ? null : t;
}

export function stripTags(value: string): string {
  return value
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&');
}

/** Resolves a possibly relative or protocol-relative URL; returns the input when it can't. */
export function absoluteUrl(value: string, base: string | undefined): string {
  const v = value.trim();
  if (!v || /^(javascript|data|mailto|tel):/i.test(v)) return v;
  try {
    return new URL(v, base).href;
  } catch {
    return v;
  }
}
