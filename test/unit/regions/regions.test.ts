import { describe, expect, it } from 'vitest';
import {
  getRegion,
  isWithinRegion,
  listProvinces,
  regionChildren,
  regionPath,
  resolveRegion,
} from '../../../src/regions/index.ts';
import { resolveRegionUncached } from '../../../src/regions/resolve.ts';

describe('getRegion', () => {
  it.each([
    ['410000', '河南省', '河南省', 'province', undefined],
    ['411500', '信阳市', '河南省信阳市', 'prefecture', '410000'],
    ['411503', '平桥区', '河南省信阳市平桥区', 'county', '411500'],
    ['410184', '新郑市', '河南省郑州市新郑市', 'county', '410100'],
    ['110105', '朝阳区', '北京市朝阳区', 'county', '110000'],
    ['500102', '涪陵区', '重庆市涪陵区', 'county', '500000'],
    ['310115', '浦东新区', '上海市浦东新区', 'county', '310000'],
    ['429005', '潜江市', '湖北省潜江市', 'county', '420000'],
    ['419001', '济源市', '河南省济源市', 'county', '410000'],
    ['441900', '东莞市', '广东省东莞市', 'prefecture', '440000'],
    ['222400', '延边朝鲜族自治州', '吉林省延边朝鲜族自治州', 'prefecture', '220000'],
    ['810000', '香港特别行政区', '香港特别行政区', 'province', undefined],
  ] as const)('%s → %s', (code, name, fullName, level, parentCode) => {
    const r = getRegion(code);
    expect(r).not.toBeNull();
    expect(r).toMatchObject({ code, name, fullName, level });
    expect(r?.parentCode).toBe(parentCode);
  });

  it.each([
    ['110100', '110000'], // municipal pseudo-prefecture → the municipality
    ['500200', '500000'],
    ['411501', '411500'], // 市辖区 → its prefecture
    ['419000', '410000'], // 省直辖县级行政区划 → the province
    ['411503001000', '411503'], // township code → its county
  ])('normalises %s to %s', (alias, code) => {
    expect(getRegion(alias)?.code).toBe(code);
  });

  it.each(['', '000000', '999999', 'abc', '4115'])('unknown %j → null', (code) => {
    expect(getRegion(code)).toBeNull();
  });
});

describe('resolveRegion', () => {
  it.each([
    // province + prefecture, with and without suffixes and separators
    ['河南 信阳', '411500', 'prefecture'],
    ['河南省信阳市', '411500', 'prefecture'],
    ['信阳市', '411500', 'prefecture'],
    ['信阳', '411500', 'prefecture'],
    ['浙江杭州', '330100', 'prefecture'],
    ['江苏苏州', '320500', 'prefecture'],
    ['江苏 苏州', '320500', 'prefecture'],
    ['广东 深圳', '440300', 'prefecture'],
    ['广西南宁', '450100', 'prefecture'],
    ['新疆乌鲁木齐', '650100', 'prefecture'],
    ['内蒙古 呼和浩特', '150100', 'prefecture'],
    ['内蒙 包头', '150200', 'prefecture'],
    ['吉林省吉林市', '220200', 'prefecture'],
    ['延边', '222400', 'prefecture'],
    ['黔东南', '522600', 'prefecture'],
    ['安徽黄山', '341000', 'prefecture'], // 黄山市 over its own 黄山区
    // down to the county
    ['广东省深圳市宝安区', '440306', 'county'],
    ['深圳宝安', '440306', 'county'],
    ['北京市朝阳区', '110105', 'county'],
    ['北京 朝阳', '110105', 'county'],
    ['北京 通州', '110112', 'county'],
    ['南通 通州', '320612', 'county'],
    ['上海 浦东', '310115', 'county'],
    ['重庆 涪陵', '500102', 'county'],
    ['南京鼓楼', '320106', 'county'],
    ['杭州西湖', '330106', 'county'],
    ['浙江省杭州市西湖区', '330106', 'county'],
    ['湖北潜江', '429005', 'county'],
    ['河南 济源', '419001', 'county'],
    ['湖北京山', '420882', 'county'], // not 北京
    ['宁夏中宁', '640521', 'county'],
    ['山东 章丘', '370114', 'county'],
    ['河南信阳固始', '411525', 'county'],
    ['固始县', '411525', 'county'],
    ['焦作温县', '410825', 'county'],
    ['广东清远清新', '441803', 'county'],
    ['福建省泉州市安溪县', '350524', 'county'],
    // province level
    ['上海', '310000', 'province'],
    ['北京市', '110000', 'province'],
    ['吉林', '220000', 'province'], // not 吉林市
    ['海南', '460000', 'province'], // not 海南藏族自治州
    ['河南', '410000', 'province'], // not 河南蒙古族自治县
    ['广西壮族自治区', '450000', 'province'],
    ['内蒙古', '150000', 'province'],
    ['香港', '810000', 'province'],
    ['中国香港', '810000', 'province'],
    ['江苏 鼓楼区', '320000', 'province'], // two 鼓楼区 in Jiangsu: their common ancestor
    // same-named county vs prefecture without context: the prefecture
    ['朝阳', '211300', 'prefecture'],
    ['通化', '220500', 'prefecture'],
    ['辽宁 朝阳', '211300', 'prefecture'],
    // pinyin
    ['Guangdong', '440000', 'province'],
    ['Shenzhen, China', '440300', 'prefecture'],
    ['Shenzhen, Guangdong, China', '440300', 'prefecture'],
    ["Xi'an", '610100', 'prefecture'],
    ['Hong Kong', '810000', 'province'],
    ['Shaanxi', '610000', 'province'],
    ['Shanxi', '140000', 'province'],
    ['Yiwu', null, null], // counties are not matched in pinyin
  ] as const)('%j → %s', (text, code, level) => {
    const r = resolveRegion(text);
    if (code === null) {
      expect(r).toBeNull();
      return;
    }
    expect(r).toMatchObject({ code, level });
    expect(r?.name).toBe(getRegion(code)?.name);
  });

  it.each([
    'United States',
    'USA',
    'Japan Tokyo',
    '中国',
    '中国大陆',
    '海外',
    '美国',
    '',
    '   ',
    '12345',
    '通州', // 北京 or 南通
    '鼓楼区', // 南京, 徐州, 福州, 开封
    '西湖区', // 杭州 or 南昌
    '市中区',
    '城区',
    'Taizhou', // 泰州 or 台州
  ])('%j → null', (text) => {
    expect(resolveRegion(text)).toBeNull();
  });

  it('is the same with and without the memo', () => {
    for (const t of ['河南 信阳', '朝阳', '通州', 'Shenzhen, China', '广东省深圳市宝安区']) {
      expect(resolveRegionUncached(t)).toEqual(resolveRegion(t));
    }
  });

  it('resolves at ≥ 100k calls/s without the memo', () => {
    const inputs = ['河南 信阳', '广东省深圳市宝安区', '江苏苏州', '北京市朝阳区', '浙江 金华', '上海', '朝阳', '山东省济南市章丘区'];
    for (let k = 0; k < 5000; k++) resolveRegionUncached(inputs[k % inputs.length]);
    const n = 100_000;
    const t0 = performance.now();
    for (let k = 0; k < n; k++) resolveRegionUncached(inputs[k % inputs.length]);
    const perSecond = n / ((performance.now() - t0) / 1000);
    expect(perSecond).toBeGreaterThan(100_000);
  });
});

describe('isWithinRegion', () => {
  it.each([
    ['411503', '411500', true], // county in its prefecture
    ['411503', '410000', true], // and its province
    ['411500', '410000', true],
    ['411503', '411503', true], // inclusive
    ['411503', '420000', false],
    ['411500', '411503', false], // not upwards
    ['410184', '410100', true], // 新郑市 in 郑州市
    ['110105', '110000', true], // municipal district in the municipality
    ['110105', '110100', true], // … also under its GB/T 2260 市辖区 code
    ['500102', '500000', true],
    ['310115', '110000', false],
    ['429005', '420000', true], // province-administered county-level city
    ['419001', '410000', true],
    ['419001', '419000', true],
    ['411503001000', '411500', true], // township code
    ['411599', '411500', true], // absent from the table: prefix structure
    ['411599', '410000', true],
    ['411599', '420000', false],
    ['', '410000', false],
    ['411503', '', false],
  ])('%s within %s → %s', (code, ancestor, expected) => {
    expect(isWithinRegion(code, ancestor)).toBe(expected);
  });
});

describe('regionPath / listProvinces / regionChildren', () => {
  it.each([
    ['411503', ['河南省', '信阳市', '平桥区']],
    ['411500', ['河南省', '信阳市']],
    ['410000', ['河南省']],
    ['110105', ['北京市', '朝阳区']],
    ['429005', ['湖北省', '潜江市']],
    ['999999', []],
  ])('path of %s', (code, names) => {
    expect(regionPath(code).map((r) => r.name)).toEqual(names);
  });

  it('lists the 34 province-level divisions', () => {
    const ps = listProvinces();
    expect(ps).toHaveLength(34);
    expect(ps.every((p) => p.level === 'province' && p.code.endsWith('0000'))).toBe(true);
    expect(ps.map((p) => p.name)).toEqual(expect.arrayContaining(['河南省', '北京市', '新疆维吾尔自治区', '澳门特别行政区']));
  });

  it('has every Henan prefecture and its counties', () => {
    const pref = regionChildren('410000');
    expect(pref.map((r) => r.name)).toEqual(expect.arrayContaining(['郑州市', '信阳市', '焦作市', '三门峡市', '南阳市', '济源市']));
    expect(regionChildren('411500').map((r) => r.name)).toEqual(
      expect.arrayContaining(['浉河区', '平桥区', '罗山县', '光山县', '新县', '商城县', '固始县', '潢川县', '淮滨县', '息县']),
    );
  });
});

describe('superseded codes', () => {
  it.each([
    ['410381', '偃师市', '410307'],
    ['410322', '孟津县', '410308'],
    ['350681', '龙海市', '350604'],
    ['610322', '凤翔县', '610305'],
  ])('%s %s is superseded by %s', (code, name, successor) => {
    const r = getRegion(code);
    expect(r).toMatchObject({ code, name, superseded: true, successorCode: successor });
    expect(getRegion(successor)?.superseded).toBeUndefined();
    expect(isWithinRegion(code, code.slice(0, 4) + '00')).toBe(true);
  });

  it('leaves them out of resolution and of the children lists', () => {
    expect(resolveRegion('偃师')?.code).toBe('410307');
    expect(resolveRegion('河南 偃师市')?.code).toBe('410307');
    expect(resolveRegion('凤翔')?.code).toBe('610305');
    expect(resolveRegion('浙江 横县')).toMatchObject({ code: '330000' });
    expect(resolveRegion('广西横县')?.code).toBe('450000');
    expect(resolveRegion('广西横州')?.code).toBe('450181');
    expect(regionChildren('410300').map((r) => r.code)).not.toContain('410381');
    expect(regionChildren('330100').map((r) => r.name)).not.toContain('下城区');
  });

  it('superseded.json is what the generator derives from the installed package', async () => {
    const { computeSuperseded } = await import('../../../src/regions/generate-superseded.ts');
    const committed = (await import('../../../src/regions/superseded.json', { with: { type: 'json' } })).default;
    expect(computeSuperseded()).toEqual(committed);
  });
});

describe('resolveRegion over the whole table', () => {
  it('resolves every current division from its full name to itself', async () => {
    const { regionTable } = await import('../../../src/regions/data.ts');
    const wrong: string[] = [];
    for (const { region } of regionTable().nodes) {
      if (region.superseded) continue;
      const got = resolveRegion(region.fullName);
      if (got?.code !== region.code) wrong.push(`${region.fullName} → ${got?.code}`);
    }
    expect(wrong).toEqual([]);
  });

  it('resolves "省 市 县" written in short forms to the county, or to its prefecture when two counties share the short form', async () => {
    const { regionTable, shortForms } = await import('../../../src/regions/data.ts');
    const t = regionTable();
    const short = (i: number) => shortForms(t.nodes[i].region.name, t.nodes[i].depth)[0] ?? t.nodes[i].region.name;
    const wrong: string[] = [];
    let exact = 0;
    t.nodes.forEach((node, i) => {
      if (node.region.superseded || node.zone) return;
      const text = [...node.ancestors, i].map(short).join(' ');
      const got = resolveRegion(text);
      if (got?.code === node.region.code) exact++;
      else if (!got || got.code !== node.region.parentCode) wrong.push(`${text} → ${got?.code}`);
    });
    expect(wrong).toEqual([]);
    expect(exact).toBeGreaterThan(3200); // all but 临夏/和田/伊宁 市 vs 县
  });

  it.each([
    ['Harbin', '230100'],
    ['Urumqi, Xinjiang', '650100'],
    ['Zhengzhou, Henan', '410100'],
    ['Suzhou, Jiangsu', '320500'],
    ['Inner Mongolia', '150000'],
  ])('pinyin %j → %s', (text, code) => {
    expect(resolveRegion(text)?.code).toBe(code);
  });

  it.each(['Suzhou', 'Fuzhou', 'Los Angeles', 'New York', 'Paris'])('pinyin %j → null', (text) => {
    expect(resolveRegion(text)).toBeNull();
  });
});
