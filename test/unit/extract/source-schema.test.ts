import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSourceFile, loadSources, SourceFileError } from '../../../crawlers/sources/load-sources.ts';
import { buildSearchUrl, isHostAllowed, isPrivateHostname, sourceDefinitionSchema } from '../../../crawlers/sources/source.schema.ts';

const minimal = {
  id: 'demo-shop',
  name: 'Demo shop',
  channel: 'ecommerce',
  country: 'cn',
  platform: 'Demo',
  baseUrl: 'https://shop.example.com/',
  extract: { type: 'css', item: 'li.item', fields: { title: 'h3', price: { selector: '.price', transform: 'price' } } },
};

function issues(input: unknown): string[] {
  const r = sourceDefinitionSchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('source definition schema', () => {
  it('fills defaults: allowed hosts from the base URL, http fetch, polite single concurrency, Shanghai time', () => {
    const s = sourceDefinitionSchema.parse({ ...minimal, schedule: { cron: '0 3 * * *' } });
    expect(s.country).toBe('CN');
    expect(s.allowedHosts).toEqual(['shop.example.com']);
    expect(s.local).toBe(false);
    expect(s.fetch).toMatchObject({ mode: 'http', timeoutMs: 30_000 });
    expect(s.politeness).toEqual({ concurrency: 1, respectRobots: true });
    expect(s.schedule).toEqual({ cron: '0 3 * * *', timezone: 'Asia/Shanghai' });
    expect(s.extract.type === 'css' && s.extract.fields.title).toEqual({ selector: 'h3', scope: 'item' });
  });

  it('names the field that is wrong', () => {
    expect(issues({ ...minimal, channel: 'shop' })).toEqual([expect.stringMatching(/^channel: /)]);
    expect(issues({ ...minimal, country: 'XX' })).toEqual(['country: country must be an ISO 3166-1 alpha-2 code']);
    expect(issues({ ...minimal, extract: { type: 'css', fields: {} } })).toEqual([expect.stringMatching(/^extract\.item: /)]);
    expect(issues({ ...minimal, extract: { type: 'css', item: 'li', fields: { t: { selector: 'a', regex: '(' } } } })[0]).toMatch(
      /^extract\.fields\.t.*regular expression/,
    );
    expect(issues({ ...minimal, extract: { type: 'json', source: 'script', itemsPath: 'a', fields: {} } })).toEqual([
      expect.stringMatching(/^extract\.script: .*marker/),
    ]);
    expect(issues({ ...minimal, fetch: { mode: 'http', waitFor: '.x' } })).toEqual([expect.stringMatching(/^fetch\.waitFor: /)]);
    expect(issues({ ...minimal, search: { urlTemplate: 'https://shop.example.com/s?q=' } })).toEqual([
      'search.urlTemplate: urlTemplate must contain {term}',
    ]);
    expect(issues({ ...minimal, schedule: { cron: 'daily' } })).toEqual(['schedule.cron: cron must have 5 or 6 fields']);
    expect(issues({ ...minimal, unknownKey: 1 })[0]).toMatch(/unknownKey|Unrecognized/);
  });

  it('refuses start and search URLs on hosts the source does not own', () => {
    expect(issues({ ...minimal, startUrls: ['https://evil.example.net/list'] })).toEqual([
      'startUrls.0: host evil.example.net is not in allowedHosts',
    ]);
    expect(issues({ ...minimal, allowedHosts: ['*.example.com'], startUrls: ['https://m.example.com/list'] })).toEqual([]);
  });

  it('refuses loopback and private addresses unless the source is marked local', () => {
    const local = { ...minimal, baseUrl: 'http://127.0.0.1:8080/', startUrls: ['http://127.0.0.1:8080/p1'] };
    expect(issues(local)).toEqual([
      'baseUrl: 127.0.0.1 is a loopback/private address; only sources with local: true may use it',
      'startUrls.0: 127.0.0.1 is a loopback/private address; only sources with local: true may use it',
    ]);
    expect(issues({ ...local, local: true })).toEqual([]);
    for (const h of ['localhost', '10.1.2.3', '192.168.0.1', '172.20.0.1', '169.254.169.254', '::1', 'fd00::1']) expect(isPrivateHostname(h)).toBe(true);
    expect(isPrivateHostname('93.184.216.34')).toBe(false);
  });

  it('matches allowed hosts with ports and subdomain wildcards', () => {
    const s = { allowedHosts: ['shop.example.com', '*.cdn.example.com', '127.0.0.1:8080'] };
    expect(isHostAllowed(s, 'shop.example.com:443')).toBe(true);
    expect(isHostAllowed(s, 'img.cdn.example.com')).toBe(true);
    expect(isHostAllowed(s, 'cdn.example.com')).toBe(true);
    expect(isHostAllowed(s, 'evilcdn.example.com')).toBe(false);
    expect(isHostAllowed(s, '127.0.0.1:8080')).toBe(true);
    expect(isHostAllowed(s, '127.0.0.1:9090')).toBe(false);
  });

  it('fills search templates URL-encoded in the source charset', () => {
    const utf8 = sourceDefinitionSchema.parse({ ...minimal, search: { urlTemplate: 'https://shop.example.com/s?q={term}' } });
    expect(buildSearchUrl(utf8, '耐克 air')).toBe('https://shop.example.com/s?q=%E8%80%90%E5%85%8B+air');
    const gbk = sourceDefinitionSchema.parse({ ...minimal, search: { urlTemplate: 'https://shop.example.com/s?k={term}', charset: 'gbk', spaceAs: '%20' } });
    expect(buildSearchUrl(gbk, '创新 x&y')).toBe('https://shop.example.com/s?k=%B4%B4%D0%C2%20x%26y');
  });
});

describe('loading source files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ipclue-sources-'));
    await writeFile(path.join(dir, 'a.json'), JSON.stringify(minimal));
    await writeFile(
      path.join(dir, 'b.yaml'),
      ['id: market-demo', 'name: 市场', 'channel: market', 'country: CN', 'platform: demo', 'baseUrl: https://m.example.org/', 'extract:', '  type: auto'].join('\n'),
    );
    await writeFile(path.join(dir, 'c.yml'), 'id: broken\nname: [unclosed\n');
    await writeFile(path.join(dir, 'd.json'), JSON.stringify({ ...minimal, id: 'other', extract: { type: 'css', item: 'li', fields: { price: { attr: 'x', text: true } } } }));
    await writeFile(path.join(dir, 'e.json'), JSON.stringify(minimal));
    await writeFile(path.join(dir, 'notes.txt'), 'not a source');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads the good files and reports each bad one by file and field', async () => {
    const { sources, errors } = await loadSources(dir);
    expect(sources.map((s) => s.definition.id)).toEqual(['demo-shop', 'market-demo']);
    const byFile = Object.fromEntries(errors.map((e) => [path.basename(e.file), e.message]));
    expect(Object.keys(byFile)).toEqual(['c.yml', 'd.json', 'e.json']);
    expect(byFile['c.yml']).toMatch(/c\.yml: not valid YAML/);
    expect(byFile['d.json']).toMatch(/d\.json: extract\.fields\.price: use either attr, text or html/);
    expect(byFile['e.json']).toMatch(/id: "demo-shop" is already defined in .*a\.json/);
  });

  it('throws a SourceFileError for a missing file', async () => {
    await expect(loadSourceFile(path.join(dir, 'missing.json'))).rejects.toThrow(SourceFileError);
    await expect(loadSourceFile(path.join(dir, 'missing.json'))).rejects.toThrow(/missing\.json: cannot be read: ENOENT/);
  });
});
