// Pure scoring of how alike two Chinese characters look and sound, from the per-character
// features in seeds/matching/char-similarity.tsv (Unihan four-corner codes, radical-stroke
// counts, total strokes, Casey phonetic groups; pinyin from pinyin-pro; partners sharing a drawn
// component, from rendered glyphs). Shared by the table generator (scripts/gen-char-similarity.ts)
// and the matcher so both judge pairs the same way.

export interface CharFeatures {
  char: string;
  /** numbered pinyin readings, e.g. ['shi1'] */
  readings: string[];
  radical: number;
  residual: number;
  strokes: number;
  /** four-corner code digits without the dot, '' when Unihan has none */
  fourCorner: string;
  /** Casey/kPhonetic group numbers: characters in one group share a phonetic component */
  phonetic: string[];
  /** position in 通用规范汉字表 (kTGH); lower is more common */
  rank: number;
  /** characters that share a large, distinctive drawn component with this one, found by
   *  comparing rendered glyphs (seeds/matching/glyph-components.tsv; 奥/粤 share 丿冂米) */
  glyph?: string;
}

const INITIALS = ['zh', 'ch', 'sh', 'b', 'p', 'm', 'f', 'd', 't', 'n', 'l', 'g', 'k', 'h', 'j', 'q', 'x', 'r', 'z', 'c', 's', 'y', 'w'];

export interface Syllable { initial: string; final: string; tone: number }

export function splitSyllable(numbered: string): Syllable {
  const m = /^([a-zü:v]+?)([0-5]?)$/.exec(numbered.toLowerCase());
  const body = (m ? m[1] : numbered).replace(/u:|v/g, 'ü');
  const tone = m && m[2] ? Number(m[2]) : 0;
  const initial = INITIALS.find((i) => body.startsWith(i) && body.length > i.length) ?? '';
  return { initial, final: body.slice(initial.length), tone };
}

// initials and finals that speakers of many dialects (and sellers) confuse
const FUZZY_INITIALS = fuzzyPairs(['z|zh', 'c|ch', 's|sh', 'n|l', 'f|h', 'r|l', 'h|', 'w|', 'y|']);
const FUZZY_FINALS = fuzzyPairs(['an|ang', 'en|eng', 'in|ing', 'ian|iang', 'uan|uang', 'on|ong', 'ün|un', 'üe|ue']);

/** 'a|b' pairs as a map both ways, so a lookup builds no key string */
function fuzzyPairs(pairs: string[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const p of pairs) {
    const [a, b] = p.split('|');
    for (const [x, y] of [[a, b], [b, a]]) {
      const list = map.get(x);
      if (list) list.push(y);
      else map.set(x, [y]);
    }
  }
  return map;
}

function isFuzzy(map: Map<string, string[]>, a: string, b: string): boolean {
  const list = map.get(a);
  return list !== undefined && list.includes(b);
}

function syllableSound(a: Syllable, b: Syllable): number {
  const sameInitial = a.initial === b.initial;
  const sameFinal = a.final === b.final;
  if (sameInitial && sameFinal) return a.tone === b.tone ? 1 : 0.85;
  const fuzzyInitial = sameInitial || isFuzzy(FUZZY_INITIALS, a.initial, b.initial);
  const fuzzyFinal = sameFinal || isFuzzy(FUZZY_FINALS, a.final, b.final);
  if (fuzzyInitial && fuzzyFinal) return 0.7;
  if (sameFinal) return 0.35;
  if (sameInitial) return 0.2;
  return 0;
}

/** 0..1: 1 for the same syllable and tone, 0.85 same syllable other tone, 0.7 near-homophone */
const syllableCache = new WeakMap<CharFeatures, Syllable[]>();

function syllables(f: CharFeatures): Syllable[] {
  let s = syllableCache.get(f);
  if (!s) syllableCache.set(f, (s = f.readings.map(splitSyllable)));
  return s;
}

export function soundScore(a: CharFeatures, b: CharFeatures): number {
  if (a.char === b.char) return 1;
  let best = 0;
  for (const sa of syllables(a)) {
    for (const sb of syllables(b)) {
      const s = syllableSound(sa, sb);
      if (s > best) best = s;
    }
  }
  return best;
}

/** what a shared distinctive drawn component adds to the shape score */
const GLYPH_COMPONENT = 0.45;

/**
 * 0..1 shape likeness. A shared phonetic component (kPhonetic group) is the strongest sign two
 * characters look alike (哈/恰, 师/帅); the same radical with the same corners occupied by it
 * (雪/雷: 雨 on top; 洽/治: 氵 on the left) is next; matching four-corner digits say the
 * corners are drawn alike; a large, distinctive component seen alike in the rendered glyphs
 * (奥/粤) counts about as much as a shared phonetic; a big stroke-count gap says they are not.
 */
export function visualScore(a: CharFeatures, b: CharFeatures): number {
  if (a.char === b.char) return 1;
  let s = 0;
  if (a.phonetic.length && sharesGroup(a.phonetic, b.phonetic)) s += 0.4;
  // a large component drawn alike (seen in the glyphs; Unihan's codes cannot show it: 奥/粤
  // differ in radical, four corners and phonetic)
  if (a.glyph && a.glyph.includes(b.char)) s += GLYPH_COMPONENT;
  const fa = a.fourCorner;
  const fb = b.fourCorner;
  // bit i: corner i drawn alike (no closure: this runs for every pair the cache has not seen)
  let same = 0;
  let corners = 0;
  for (let i = 0; i < 4; i++) {
    if (fa.length > i && fb.length > i && fa.charCodeAt(i) === fb.charCodeAt(i)) {
      same |= 1 << i;
      corners++;
    }
  }
  s += 0.1 * corners;
  // the four-corner code is a shape index: characters sharing all four corners (酒/洒) are
  // drawn alike; three corners and about the same stroke count nearly so
  if (corners === 4) s += 0.25;
  else if (corners === 3 && Math.abs(a.strokes - b.strokes) <= 1) s += 0.15;
  if (a.radical === b.radical && a.radical > 0) {
    s += Math.abs(a.residual - b.residual) <= 1 ? 0.3 : 0.25;
    // the radical fills the top corners (0,1), the left corners (0,2) or the bottom (2,3)
    if ((same & 0b0011) === 0b0011 || (same & 0b0101) === 0b0101 || (same & 0b1100) === 0b1100 || (same & 0b1010) === 0b1010) s += 0.15;
  }
  s -= 0.04 * Math.abs(a.strokes - b.strokes);
  return Math.max(0, Math.min(0.95, Math.round(s * 100) / 100));
}

function sharesGroup(a: string[], b: string[]): boolean {
  for (let i = 0; i < b.length; i++) if (a.includes(b[i])) return true;
  return false;
}

export function parseFeatureLine(line: string): { features: CharFeatures; visualNeighbours: string; soundNeighbours: string } {
  const [char, readings, rs, strokes, fourCorner, phonetic, rank, vn = '', sn = '', glyph = ''] = line.split('\t');
  const [radical, residual] = rs.split('.').map(Number);
  return {
    features: {
      char,
      readings: readings ? readings.split(',') : [],
      radical: radical || 0,
      residual: residual || 0,
      strokes: Number(strokes) || 0,
      fourCorner,
      phonetic: phonetic ? phonetic.split(',') : [],
      rank: Number(rank) || 99999,
      glyph,
    },
    visualNeighbours: vn,
    soundNeighbours: sn,
  };
}
