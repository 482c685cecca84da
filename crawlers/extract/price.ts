// Prices as marketplaces print them: "US $29.99", "$38.00 USD", "¥149.00 - 159.00", "￥1.74",
// "1.234,56 €", "RMB 100", "100元", "$28.50+", "2.4万". A page without a price yields null,
// never 0, so that "price far below the reference" can't fire on a missing value.

export interface ParsedPrice {
  price: number | null;
  currency: string | null;
  // set when the text was not one plain amount: a range (low end kept) or a "from" price
  note?: string;
}

// most specific first: "US $" before "$", "HK$" before "$"
const CURRENCY_PATTERNS: [RegExp, string][] = [
  [/\bUS\s?\$|\bUSD\b|\bU\.S\.\s?\$/i, 'USD'],
  [/\bC\s?\$|\bCA\$|\bCAD\b/, 'CAD'],
  [/\bA\s?\$|\bAU\$|\bAUD\b/, 'AUD'],
  [/\bHK\s?\$|\bHKD\b/, 'HKD'],
  [/\bNT\s?\$|\bTWD\b/, 'TWD'],
  [/\bS\s?\$|\bSGD\b/, 'SGD'],
  [/\bNZ\s?\$|\bNZD\b/, 'NZD'],
  [/\bMX\s?\$|\bMXN\b/, 'MXN'],
  [/\bR\$|\bBRL\b/, 'BRL'],
  [/€|\bEUR\b/i, 'EUR'],
  [/£|\bGBP\b/i, 'GBP'],
  [/円|\bJPY\b/i, 'JPY'],
  [/₩|\bKRW\b/i, 'KRW'],
  [/₹|\bINR\b|\bRs\.?\s/, 'INR'],
  [/₽|\bRUB\b|руб/i, 'RUB'],
  [/₺|\bTRY\b/, 'TRY'],
  [/¥|￥|\bRMB\b|\bCNY\b|元|人民币/i, 'CNY'],
  [/\$/, '$'],
];

const DOLLAR_CURRENCIES = new Set(['USD', 'CAD', 'AUD', 'HKD', 'TWD', 'SGD', 'NZD', 'MXN']);

/** The currency a price text names, or null; a bare "$" is the default if that is a dollar. */
export function detectCurrency(text: string, defaultCurrency?: string | null): string | null {
  for (const [re, code] of CURRENCY_PATTERNS) {
    if (!re.test(text)) continue;
    if (code === '$') return defaultCurrency && DOLLAR_CURRENCIES.has(defaultCurrency) ? defaultCurrency : 'USD';
    // ¥ is also the yen sign; a Japanese source says so through its default currency
    if (code === 'CNY' && defaultCurrency === 'JPY' && /[¥￥]/.test(text) && !/元|RMB|CNY|人民币/i.test(text)) return 'JPY';
    return code;
  }
  return null;
}

const NUMBER_RE = /\d[\d,.'\u00a0\u202f ]*\d(?:\s*万)?|\d(?:\s*万)?/g;

/** Parses one numeric token with its thousands/decimal separators. */
export function parseAmount(token: string): number | null {
  let t = token.replace(/[\u00a0\u202f ']/g, '');
  let factor = 1;
  if (t.endsWith('万')) {
    factor = 10_000;
    t = t.slice(0, -1);
  }
  const lastComma = t.lastIndexOf(',');
  const lastDot = t.lastIndexOf('.');
  if (lastComma >= 0 && lastDot >= 0) {
    // whichever comes last is the decimal separator: "1,234.56" / "1.234,56"
    t = lastDot > lastComma ? t.replace(/,/g, '') : t.replace(/\./g, '').replace(',', '.');
  } else if (lastComma >= 0) {
    t = /^\d{1,3}(,\d{3})+$/.test(t) ? t.replace(/,/g, '') : t.replace(/,(?=\d{1,2}$)/, '.').replace(/,/g, '');
  } else if ((t.match(/\./g) ?? []).length > 1) {
    // "1.234.567" can only be thousands
    t = t.replace(/\./g, '');
  }
  const n = Number(t);
  return Number.isFinite(n) ? Math.round(n * factor * 100) / 100 : null;
}

export function parsePrice(input: string | number | null | undefined, defaultCurrency?: string | null): ParsedPrice {
  if (input == null) return { price: null, currency: null };
  if (typeof input === 'number') {
    return Number.isFinite(input) && input >= 0 ? { price: input, currency: defaultCurrency ?? null } : { price: null, currency: null };
  }
  const text = input.replace(/[\s\u00a0\u3000]+/g, ' ').trim();
  if (!text) return { price: null, currency: null };
  const tokens = [...text.matchAll(NUMBER_RE)];
  if (tokens.length === 0) return { price: null, currency: null };
  const currency = detectCurrency(text, defaultCurrency) ?? defaultCurrency ?? null;
  const first = parseAmount(tokens[0]![0]);
  if (first == null) return { price: null, currency: null };

  const second = tokens[1];
  if (second) {
    const between = text.slice(tokens[0]!.index! + tokens[0]![0].length, second.index);
    if (/^\s*(?:[-–—~～至到]|to)\s*(?:US\s?\$|[$€£¥￥]|RMB)?\s*$/i.test(between)) {
      const high = parseAmount(second[0]);
      return { price: first, currency, note: `range ${first}–${high ?? second[0]}; low end kept` };
    }
  }
  const after = text.slice(tokens[0]!.index! + tokens[0]![0].length);
  if (/^\s*\+/.test(after) || /^\s*(from|起|starting at)/i.test(text) || /起\s*$/.test(text)) {
    return { price: first, currency, note: 'from price (varies by option)' };
  }
  return { price: first, currency };
}
