import { describe, expect, it } from 'vitest';
import { editDistance } from '../../../src/matching/examiner.ts';
import { similar } from '../../../src/matching/index.ts';
import { getLexicon } from '../../../src/matching/lexicon.ts';
import { placeProductSplit } from '../../../src/matching/name-index.ts';

describe('examiner rules (similar)', () => {
  it.each([
    // 三字以上商标改一字：字形、读音近似
    ['康师傅', '康帅傅', 'visual'],
    ['康师傅', '康师父', 'phonetic'],
    ['大白兔', '大白免', 'visual'],
    ['娃哈哈', '娃恰恰', 'visual'],
    // 两字商标：替换字须近似
    ['雪碧', '雷碧', 'visual'],
    ['洽洽', '治治', 'visual'],
    // 商标加通用、品质或地名词仍为该商标
    ['六个核桃', '六个石磨核桃', 'affix'],
    // 归一化
    ['康师傅', '康師傅', 'normalised'],
    ['营养快线', '营养快線', 'normalised'],
    ['康师傅', '康 师 傅', 'normalised'],
    // 外文：四个字母以上只差一个字母
    ['Nike', 'Hike', 'edit'],
    ['Puma', 'Pama', 'edit'],
    ['adidas', 'adidos', 'edit'],
    ['NIKE', 'N1KE', 'homoglyph'],
    ['adidas', 'abibas', 'homoglyph'],
    ['PlayStation', 'PolyStation', 'edit'],
  ])('%s → %s is similar (%s)', (mark, text, kind) => {
    const r = similar(mark, text);
    expect(r.similar).toBe(true);
    expect(r.kind).toBe(kind);
    expect(r.reasons[0]).toContain(mark);
  });

  it.each([
    ['小米', '小米粥', 'ordinary-word'],
    ['大白兔', '大白菜', 'edit'],
    ['王老吉', '王老师', 'edit'],
    ['美的', '完美的设计', 'ordinary-word'],
    ['康师傅', '张师傅', 'edit'],
    ['雪碧', '雪花', 'none'],
    ['Nike', 'like', 'edit'],
    ['Nike', 'Nikon', 'none'],
    ['Apple', 'case for Apple iPhone', 'descriptive'],
    ['华为', '适用于华为P40手机壳', 'descriptive'],
    ['娃哈哈', '哈哈镜', 'none'],
  ])('%s → %s is not similar (%s)', (mark, text, kind) => {
    const r = similar(mark, text);
    expect(r.similar).toBe(false);
    expect(r.kind).toBe(kind);
    expect(r.reasons.length).toBeGreaterThan(0);
  });

  it.each([
    ['Sony', 'S0NY', 'homoglyph', "'S0NY' 以形近字符替换字母（数字 0/o）后与注册商标 'Sony' 相同"],
    ['adidas', 'ADIDA5', 'homoglyph', "'ADIDA5' 以形近字符替换字母（数字 5/s）后与注册商标 'adidas' 相同"],
    ['Nike', 'N\u0456ke', 'homoglyph', "'N\u0456ke' 以形近字符替换字母（西里尔字母 \u0456/i）后与注册商标 'Nike' 相同"],
    ['NIKE', 'Ｎｉｋｅ', 'normalised', "'Ｎｉｋｅ' 与注册商标 'NIKE' 经大小写、全半角、变音符号或分隔符归一后相同"],
    ['Gucci', 'G U C C I', 'normalised', "'G U C C I' 与注册商标 'Gucci' 经大小写、全半角、变音符号或分隔符归一后相同"],
    ['Hermès', 'Hermes', 'normalised', "'Hermes' 与注册商标 'Hermès' 经大小写、全半角、变音符号或分隔符归一后相同"],
    ['Hermès', 'Hermès', 'exact', "'Hermès' 与注册商标 'Hermès' 相同"],
    ['Nestlé', 'NESTLE', 'normalised', "'NESTLE' 与注册商标 'Nestlé' 经大小写、全半角、变音符号或分隔符归一后相同"],
  ])('%s written %s: %s, and the reason says what was changed', (mark, text, kind, reason) => {
    const r = similar(mark, text);
    expect(r).toMatchObject({ similar: true, kind, reasons: [reason] });
  });

  it('counts a letter change in an accented mark against the letters, not the accents (Hermès → Hermez)', () => {
    // before accents were folded, è was no letter at all: Hermez was two changes away and missed
    expect(similar('Hermès', 'Hermez belt')).toMatchObject({ similar: true, kind: 'edit', similarity: 0.83 });
    expect(similar('Lancôme', 'Lancone 小黑瓶')).toMatchObject({ similar: true, kind: 'edit' });
  });

  it('lets no word run across a space or symbol the seller put at the edge of the hit (好丽发 派)', () => {
    // written together, 发派 is a word and the change reads as another meaning
    expect(similar('好丽友', '好丽发派')).toMatchObject({ similar: false });
    expect(similar('好丽友', '好丽发派').reasons[0]).toContain("'发派' 是普通词语");
    // written apart, it is no word: one character of a three-character mark changed
    for (const text of ['好丽发 派', '好丽发·派', '好丽发【派】']) expect(similar('好丽友', text)).toMatchObject({ similar: true, kind: 'edit' });
    // a word inside the hit stays a word however it is spaced
    expect(similar('王老吉', '王老 师')).toMatchObject({ similar: false });
  });

  it('takes a three-letter mark with one letter drawn alike in capitals as similar, and any other change as another abbreviation', () => {
    expect(similar('KFC', 'KFG 炸鸡全家桶')).toMatchObject({ similar: true, kind: 'homoglyph', reasons: ["'KFG' 与注册商标 'KFC' 三字母商标仅一个字母不同，且大写字形近似（G/C）"] });
    expect(similar('IBM', 'IBN 笔记本')).toMatchObject({ similar: true, kind: 'homoglyph' });
    for (const [mark, text] of [['KFC', 'KFT'], ['BMW', 'BMX'], ['IBM', 'IBS'], ['KFC', 'KGG']]) expect(similar(mark, text).similar).toBe(false);
  });

  it('says which characters look alike, in Chinese', () => {
    expect(similar('康师傅', '康帅傅').reasons[0]).toBe("'康帅傅' 与注册商标 '康师傅' 字形近似（帅/师）");
  });

  it('keeps a same-syllable change similar when the word it makes lies inside the name (舒肤佳 → 舒服佳)', () => {
    expect(similar('舒肤佳', '舒服佳 香皂')).toMatchObject({ similar: true, kind: 'phonetic' });
    expect(similar('舒肤佳', '舒服佳').reasons[0]).toBe("'舒服佳' 与注册商标 '舒肤佳' 读音相同（服/肤）");
    // not when the word reaches outside the hit, nor when the hit is itself a word
    expect(similar('肤佳乐', '舒服佳乐')).toMatchObject({ similar: false });
    expect(similar('肤佳乐', '舒服佳乐').reasons[0]).toContain("'舒服' 是普通词语");
    expect(similar('王老吉', '王老师').reasons[0]).toContain("'王老师' 是普通词语");
  });

  it('rejects a three-character name whose first character clearly differs', () => {
    const r = similar('康师傅', '张师傅');
    expect(r.reasons[0]).toContain('首字');
  });

  it('keeps a counterpart term swapped into a longer mark similar although the new pair is a word (老干妈 → 老干爹)', () => {
    const r = similar('老干妈', '老干爹香辣脆油辣椒');
    // close in meaning, the examiners' third test: scored like a look-alike character (0.89),
    // not like an unrelated one (胖都来 for 胖东来: 0.72, sharing only the initial)
    expect(r).toMatchObject({ similar: true, kind: 'semantic', similarity: 0.89 });
    expect(r.reasons[0]).toBe("'老干爹' 与注册商标 '老干妈' 含义近似：仅将 '妈' 换为对应称谓 '爹'，三字以上商标结构不变，整体仍近似");
    expect(similar('胖东来', '胖都来')).toMatchObject({ kind: 'edit', similarity: 0.72 });
    // only counterparts: 老爹 for 老吉 is another word, and 大/小 are not counterparts
    expect(similar('王老吉', '王老爹')).toMatchObject({ similar: false });
    expect(similar('王老吉', '王老爹').reasons[0]).toContain("'老爹' 是普通词语");
    expect(similar('大白兔', '小白兔').similar).toBe(false);
    // and only for three characters or more: a two-character mark swapped so is the other word
    expect(similar('干妈', '干爹').similar).toBe(false);
  });

  it('keeps a one-character change of a longer mark similar even when the character is unrelated', () => {
    const r = similar('胖东来', '胖都来');
    expect(r.similar).toBe(true);
    expect(r.kind).toBe('edit');
  });

  it('treats 镇/型/式/风味 added to a GI as a claim of the GI only when judging a GI', () => {
    expect(similar('阳澄湖大闸蟹', '阳澄湖镇大闸蟹', { gi: true })).toMatchObject({ similar: true, kind: 'affix' });
    expect(similar('金华火腿', '金华式火腿', { gi: true }).similar).toBe(true);
    expect(similar('西湖龙井', '钱塘龙井', { gi: true }).similar).toBe(false);
  });

  it('keeps a GI claimed with a word of up to four characters between its place and its product', () => {
    const r = similar('五常大米', '正宗五常稻花香大米 10kg', { gi: true });
    expect(r).toMatchObject({ similar: true, kind: 'affix' });
    expect(r.reasons[0]).toBe("'五常稻花香大米' 是在地理标志 '五常大米' 的产地 '五常' 与产品名 '大米' 之间加入 '稻花香'，仍属使用该地理标志名称");
    expect(similar('阳澄湖大闸蟹', '阳澄湖清水大闸蟹', { gi: true }).similar).toBe(true);
    // only between place and product, only four characters, only Han, and only for a GI
    expect(similar('五常大米', '五稻花香常大米', { gi: true }).similar).toBe(false);
    expect(similar('五常大米', '五常东北黑土地大米', { gi: true }).similar).toBe(false);
    expect(similar('五常大米', '五常ABC大米', { gi: true }).similar).toBe(false);
    expect(similar('五常大米', '五常稻花香大米').similar).toBe(false);
  });

  it('divides a GI name into place and product where a product word ends it', () => {
    const lex = getLexicon();
    expect(['五常大米', '阳澄湖大闸蟹', '西湖龙井', '茅台酒', '宣纸'].map((n) => placeProductSplit(n, lex))).toEqual([2, 3, 2, 0, 0]);
  });

  it('finds the mark inside a whole listing title', () => {
    expect(similar('康师傅', '【高仿】康帅傅红烧牛肉面 整箱24袋')).toMatchObject({ similar: true, kind: 'visual' });
  });

  it('scores closer variants higher', () => {
    expect(similar('康师傅', '康帅傅').similarity).toBeGreaterThan(similar('胖东来', '胖都来').similarity);
    expect(similar('康师傅', '康师傅').similarity).toBe(1);
  });
});

describe('editDistance', () => {
  it.each([
    ['nike', 'nike', 0], ['nike', 'hike', 1], ['adidas', 'adiads', 1], ['playstation', 'polystation', 2], ['abc', 'xyz', 3],
  ])('%s → %s is %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
  });
});
