// Seller locations as pages print them ("浙江 宁波", "广东省深圳市", "Rancho Cucamonga,
// California, United States", "Salt Lake, Utah") -> a GB/T 2260 region code inside China, an
// ISO 3166-1 country code otherwise. Region lookup is src/regions (the official code table).
import { resolveRegion } from '../../src/regions/index.ts';

export interface NormalisedLocation {
  regionCode: string | null;
  countryCode: string | null;
}

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });
const regionNamesZh = new Intl.DisplayNames(['zh-Hans'], { type: 'region' });

// names pages use that differ from CLDR's English/Chinese display names
const COUNTRY_ALIASES: Record<string, string> = {
  'usa': 'US',
  'u.s.a.': 'US',
  'u.s.': 'US',
  'us': 'US',
  'united states of america': 'US',
  'america': 'US',
  'uk': 'GB',
  'u.k.': 'GB',
  'great britain': 'GB',
  'england': 'GB',
  'scotland': 'GB',
  'wales': 'GB',
  'turkey': 'TR',
  'russia': 'RU',
  'south korea': 'KR',
  'korea': 'KR',
  'republic of korea': 'KR',
  'vietnam': 'VN',
  'viet nam': 'VN',
  'czech republic': 'CZ',
  'holland': 'NL',
  'the netherlands': 'NL',
  'mainland china': 'CN',
  "people's republic of china": 'CN',
  'prc': 'CN',
  'hong kong': 'HK',
  'macau': 'MO',
  'macao': 'MO',
  'taiwan': 'TW',
  'uae': 'AE',
  '美国': 'US',
  '英国': 'GB',
  '日本': 'JP',
  '韩国': 'KR',
  '中国': 'CN',
  '中国大陆': 'CN',
};

let countryIndex: Map<string, string> | null = null;

function countryByName(): Map<string, string> {
  if (countryIndex) return countryIndex;
  const index = new Map<string, string>();
  for (let a = 65; a <= 90; a++) {
    for (let b = 65; b <= 90; b++) {
      const code = String.fromCharCode(a, b);
      const en = regionNames.of(code);
      if (!en || en === code) continue;
      index.set(en.toLowerCase(), code);
      const zh = regionNamesZh.of(code);
      if (zh && zh !== code) index.set(zh, code);
    }
  }
  for (const [name, code] of Object.entries(COUNTRY_ALIASES)) index.set(name, code);
  countryIndex = index;
  return index;
}

// US addresses on US marketplaces often stop at the state ("Salt Lake, Utah")
const US_STATES = new Set(
  [
    'alabama', 'alaska', 'arizona', 'arkansas', 'california', 'colorado', 'connecticut', 'delaware', 'florida', 'georgia',
    'hawaii', 'idaho', 'illinois', 'indiana', 'iowa', 'kansas', 'kentucky', 'louisiana', 'maine', 'maryland',
    'massachusetts', 'michigan', 'minnesota', 'mississippi', 'missouri', 'montana', 'nebraska', 'nevada', 'new hampshire',
    'new jersey', 'new mexico', 'new york', 'north carolina', 'north dakota', 'ohio', 'oklahoma', 'oregon', 'pennsylvania',
    'rhode island', 'south carolina', 'south dakota', 'tennessee', 'texas', 'utah', 'vermont', 'virginia', 'washington',
    'west virginia', 'wisconsin', 'wyoming', 'district of columbia',
  ],
);

/** The country a free-text location names in one of its comma/space-separated parts. */
export function countryFromText(text: string): string | null {
  const index = countryByName();
  const whole = text.trim().toLowerCase().replace(/[.。]$/, '');
  const direct = index.get(whole);
  if (direct) return direct;
  // the country is usually last: "Menemen – Izmir, 35663 Turkey", "Shenzhen, China"
  const parts = whole.split(/\s*[,，;|/]\s*/).filter(Boolean).reverse();
  for (const part of parts) {
    const hit = index.get(part) ?? index.get(part.replace(/^\d[\d-]*\s+/, '')) ?? index.get(part.replace(/\s+\d[\d-]*$/, ''));
    if (hit) return hit;
    if (US_STATES.has(part) || US_STATES.has(part.replace(/\s+\d{5}(-\d{4})?$/, ''))) return 'US';
  }
  // a trailing word or two: "35663 Turkey"
  const words = whole.split(/\s+/);
  for (const n of [1, 2, 3]) {
    if (words.length < n) break;
    const hit = index.get(words.slice(-n).join(' '));
    if (hit) return hit;
  }
  return null;
}

// a site shows the same few hundred seller locations on page after page: each is worked out once
const MAX_REMEMBERED = 10_000;
const remembered = new Map<string, NormalisedLocation>();

export function normaliseLocation(text: string | null | undefined): NormalisedLocation {
  if (!text || !text.trim()) return { regionCode: null, countryCode: null };
  let hit = remembered.get(text);
  if (!hit) {
    hit = locate(text);
    if (remembered.size >= MAX_REMEMBERED) remembered.clear();
    remembered.set(text, hit);
  }
  return { regionCode: hit.regionCode, countryCode: hit.countryCode };
}

function locate(text: string): NormalisedLocation {
  const hasCjk = /[\u3400-\u9fff]/.test(text);
  const country = countryFromText(text);
  if (hasCjk || country === 'CN' || country === null) {
    const region = safeResolve(text);
    if (region) return { regionCode: region.code, countryCode: 'CN' };
  }
  return { regionCode: null, countryCode: country };
}

function safeResolve(text: string): { code: string } | null {
  try {
    const r = resolveRegion(text);
    return r && /^\d{6}$/.test(r.code) ? r : null;
  } catch {
    return null;
  }
}
