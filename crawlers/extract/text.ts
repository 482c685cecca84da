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
  // a page's forty items each resolve a link and an image, and the listing builder resolves
  // them again: ≈ 2 µs each through URL. Most are plain paths; those are joined to the base's
  // directory or origin directly, and a URL this function just returned is returned as is
  // (serialising an http(s) URL again gives the same text). A unit test holds both shortcuts
  // to URL's answers.
  if (recent.has(v)) return v;
  let href: string;
  const prefixes = base !== undefined && PLAIN_PATH.test(v) && !DOT_SEGMENT.test(v) ? basePrefixes(base) : null;
  if (prefixes) href = v.charCodeAt(0) === 0x2f ? prefixes.origin + v : prefixes.directory + v;
  else {
    try {
      href = new URL(v, base).href;
    } catch {
      return v;
    }
  }
  if (recent.size >= 512) recent.clear();
  if (href.startsWith('http://') || href.startsWith('https://')) recent.add(href);
  return href;
}

// a path URL resolves against a base without changing a character: no scheme (no colon), no
// dot segments, nothing percent-encoded or to encode, no query or fragment, not `//host`
const PLAIN_PATH = /^(?!\/\/)[A-Za-z0-9\-_~!$&'()*+,;=@./]+$/;
const DOT_SEGMENT = /(?:^|\/)\.\.?(?:\/|$)/;
const recent = new Set<string>();
let lastBase: { base: string; prefixes: { origin: string; directory: string } | null } | undefined;

/** An http(s) base's origin and directory (what a path or a relative path is appended to); null for other bases. */
function basePrefixes(base: string): { origin: string; directory: string } | null {
  if (lastBase?.base === base) return lastBase.prefixes;
  let prefixes: { origin: string; directory: string } | null = null;
  try {
    const u = new URL(base);
    if ((u.protocol === 'http:' || u.protocol === 'https:') && u.username === '' && u.password === '') {
      const origin = `${u.protocol}//${u.host}`;
      prefixes = { origin, directory: origin + u.pathname.slice(0, u.pathname.lastIndexOf('/') + 1) };
    }
  } catch {
    // an invalid base: URL decides (and refuses) as before
  }
  lastBase = { base, prefixes };
  return prefixes;
}
