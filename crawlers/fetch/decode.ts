// Bytes -> text the way a browser would: byte-order mark, then the HTTP Content-Type charset,
// then <meta charset> / http-equiv in the first bytes, then a guess. GBK/GB18030 pages are
// common on Chinese sites (old JD, many wholesale markets), and parsing them as UTF-8 turns
// every title into mojibake, so the guess knows GB18030.
import iconv from 'iconv-lite';

export interface DecodedBody {
  text: string;
  // canonical label of the charset actually used ("utf-8", "gb18030", "windows-1252"...)
  charset: string;
}

// how many bytes to look at for a <meta> declaration (the HTML spec says 1024; real pages put
// long scripts first, so look further)
const META_SCAN_BYTES = 64 * 1024;

export function decodeBody(bytes: Uint8Array | Buffer, contentType?: string): DecodedBody {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

  const bom = sniffBom(buf);
  if (bom) return { text: iconv.decode(buf.subarray(bom.length), bom.charset), charset: bom.charset };

  const fromHeader = charsetFromContentType(contentType);
  if (fromHeader) return { text: stripBom(iconv.decode(buf, fromHeader)), charset: fromHeader };

  const fromMeta = charsetFromMeta(buf);
  if (fromMeta) {
    // pages saved from a browser keep their original <meta charset="gbk"> but are stored as
    // UTF-8; legacy-encoded Chinese text is practically never valid UTF-8, so valid UTF-8
    // with multibyte characters wins over a meta declaration (never over the HTTP header)
    if (fromMeta !== 'utf-8' && hasMultibyteUtf8(buf)) return { text: stripBom(buf.toString('utf8')), charset: 'utf-8' };
    return { text: stripBom(iconv.decode(buf, fromMeta)), charset: fromMeta };
  }

  const guessed = detectCharset(buf);
  return { text: stripBom(iconv.decode(buf, guessed)), charset: guessed };
}

/** The charset named in a Content-Type header, normalised; null when absent or unknown. */
export function charsetFromContentType(contentType: string | undefined): string | null {
  if (!contentType) return null;
  const m = /charset\s*=\s*["']?([^"';\s,]+)/i.exec(contentType);
  return m ? normaliseCharset(m[1]!) : null;
}

/** The charset declared by <meta charset>, <meta http-equiv=Content-Type> or <?xml encoding>. */
export function charsetFromMeta(buf: Buffer): string | null {
  const head = buf.subarray(0, META_SCAN_BYTES).toString('latin1');
  const xml = /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([^"']+)["']/i.exec(head);
  if (xml) {
    const c = normaliseCharset(xml[1]!);
    if (c) return c;
  }
  const metaTags = head.match(/<meta\b[^>]*>/gi) ?? [];
  for (const tag of metaTags) {
    const direct = /\bcharset\s*=\s*["']?\s*([^"'\s/>;]+)/i.exec(tag);
    if (direct) {
      const c = normaliseCharset(direct[1]!);
      if (c) return c;
    }
  }
  return null;
}

/** Maps a label to one iconv-lite knows, following the WHATWG Encoding Standard's aliases. */
export function normaliseCharset(label: string): string | null {
  const l = label.trim().toLowerCase().replace(/^["']|["']$/g, '');
  if (!l) return null;
  if (l === 'utf8' || l === 'utf-8' || l === 'unicode-1-1-utf-8') return 'utf-8';
  // GB18030 is a strict superset of GBK and GB2312, and browsers decode all three with it
  if (['gb2312', 'gbk', 'x-gbk', 'gb18030', 'cp936', 'euc-cn', 'csgb2312', 'chinese', 'iso-ir-58', 'windows-936', 'gb_2312-80'].includes(l)) {
    return 'gb18030';
  }
  // browsers treat latin1 and ascii labels as windows-1252
  if (['iso-8859-1', 'latin1', 'us-ascii', 'ascii', 'iso8859-1', 'l1', 'cp1252', 'windows-1252'].includes(l)) return 'windows-1252';
  if (l === 'big5' || l === 'big5-hkscs' || l === 'x-x-big5') return 'big5';
  if (l === 'shift_jis' || l === 'sjis' || l === 'x-sjis' || l === 'ms_kanji') return 'shift_jis';
  return iconv.encodingExists(l) ? l : null;
}

function sniffBom(buf: Buffer): { charset: string; length: number } | null {
  if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return { charset: 'utf-8', length: 3 };
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) return { charset: 'utf-16be', length: 2 };
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return { charset: 'utf-16le', length: 2 };
  return null;
}

/**
 * Guess for undeclared bodies: valid UTF-8 is UTF-8 (non-ASCII text in another charset is
 * almost never valid UTF-8); otherwise GB18030 when the high bytes pair up as GBK double-byte
 * characters, else windows-1252.
 */
export function detectCharset(buf: Buffer): string {
  const sample = buf.subarray(0, 256 * 1024);
  if (isValidUtf8(sample, sample.length < buf.length)) return 'utf-8';
  let pairs = 0;
  let stray = 0;
  for (let i = 0; i < sample.length; i++) {
    const b = sample[i]!;
    if (b < 0x80) continue;
    const next = sample[i + 1];
    if (b >= 0x81 && b <= 0xfe && next !== undefined && next >= 0x40 && next <= 0xfe && next !== 0x7f) {
      pairs++;
      i++;
    } else {
      stray++;
    }
  }
  return pairs > 0 && pairs >= stray * 4 ? 'gb18030' : 'windows-1252';
}

function hasMultibyteUtf8(buf: Buffer): boolean {
  const sample = buf.subarray(0, 256 * 1024);
  return sample.some((b) => b >= 0x80) && isValidUtf8(sample, sample.length < buf.length);
}

function isValidUtf8(buf: Buffer, truncated: boolean): boolean {
  let end = buf.length;
  if (truncated) {
    // the cut at the sample's end may split a character: drop its leading bytes
    for (let k = 0; k < 3 && end > 0 && (buf[end - 1]! & 0xc0) === 0x80; k++) end--;
    if (end > 0 && buf[end - 1]! >= 0xc0) end--;
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(0, end));
    return true;
  } catch {
    return false;
  }
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
