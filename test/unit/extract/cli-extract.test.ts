import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import iconv from 'iconv-lite';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerExtractCommands, runExtractCommand } from '../../../crawlers/cli/extract.command.ts';

let dir: string;
const files = { gbkPage: '', ldPage: '', source: '', badSource: '' };

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ipclue-cli-extract-'));
  files.gbkPage = path.join(dir, 'list.html');
  files.ldPage = path.join(dir, 'product.html');
  files.source = path.join(dir, 'source.yaml');
  files.badSource = path.join(dir, 'bad.json');
  await writeFile(
    files.gbkPage,
    iconv.encode(
      '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><body><ul>' +
        '<li data-id="1"><a href="/i/1">耐克 高仿 运动鞋</a><span class="p">￥128.00</span></li>' +
        '<li data-id="2"><a href="/i/2">李宁 正品</a></li></ul><a class="next" href="/s?page=2">下一页</a></body></html>',
      'gbk',
    ),
  );
  await writeFile(files.ldPage, '<script type="application/ld+json">{"@type":"Product","name":"Demo watch","offers":{"price":"19.90","priceCurrency":"USD"}}</script>');
  await writeFile(
    files.source,
    [
      'id: gbk-demo', 'name: GBK demo', 'channel: market', 'country: CN', 'platform: demo', 'baseUrl: https://m.example.cn/',
      'defaultCurrency: CNY', 'pagination: { nextSelector: a.next, maxPages: 2 }',
      'extract:', '  type: css', '  item: li', '  fields:', '    externalId: { attr: data-id }', '    title: a', '    url: { selector: a, attr: href }', '    price: .p',
    ].join('\n'),
  );
  await writeFile(files.badSource, JSON.stringify({ id: 'x', name: 'x', channel: 'ecommerce', country: 'CN', platform: 'x', baseUrl: 'https://x.cn/', extract: { type: 'css', fields: {} } }));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (l: string) => out.push(l), stderr: (l: string) => err.push(l) }, out, err };
}

describe('ipclue extract', () => {
  it('prints the listings of a GBK page as JSON Lines with --source', async () => {
    const c = capture();
    const code = await runExtractCommand(files.gbkPage, { source: files.source, url: 'https://m.example.cn/s?q=nike' }, c.io);
    expect(code).toBe(0);
    const listings = c.out.map((l) => JSON.parse(l));
    expect(listings.map((l) => [l.externalId, l.title, l.price, l.url])).toEqual([
      ['1', '耐克 高仿 运动鞋', 128, 'https://m.example.cn/i/1'],
      ['2', '李宁 正品', null, 'https://m.example.cn/i/2'],
    ]);
    expect(c.err).toEqual(['next page: https://m.example.cn/s?page=2']);
  });

  it('prints what --auto finds', async () => {
    const c = capture();
    expect(await runExtractCommand(files.ldPage, { auto: true, url: 'https://shop.example.com/p/1' }, c.io)).toBe(0);
    expect(c.out.map((l) => JSON.parse(l))).toEqual([expect.objectContaining({ title: 'Demo watch', price: 19.9, currency: 'USD', url: 'https://shop.example.com/p/1' })]);
  });

  it.each([
    ['no mode', 'x.html', {}, /give either --source SOURCE_FILE or --auto/],
    ['both modes', 'x.html', { auto: true, source: 'x.yaml' }, /exactly one/],
    ['no page', undefined, { auto: true }, /missing PAGE/],
    ['a missing page', '/nonexistent/page.html', { auto: true }, /cannot read page file \/nonexistent\/page\.html: ENOENT/],
    ['a relative --url', 'x.html', { auto: true, url: '/p/1' }, /--url must be an absolute http\(s\) URL/],
  ])('exits 2 with one stderr line for %s', async (_name, page, opts, message) => {
    const c = capture();
    expect(await runExtractCommand(page as string | undefined, opts as object, c.io)).toBe(2);
    expect(c.out).toEqual([]);
    expect(c.err).toHaveLength(1);
    expect(c.err[0]).toMatch(message as RegExp);
  });

  it('exits 2 naming the file and field of an invalid source definition', async () => {
    const c = capture();
    expect(await runExtractCommand(files.gbkPage, { source: files.badSource }, c.io)).toBe(2);
    expect(c.err).toEqual([expect.stringMatching(/^ipclue extract: invalid source .*bad\.json: extract\.item: /)]);
  });
});

describe('registerExtractCommands', () => {
  afterEach(() => {
    process.exitCode = undefined;
    vi.restoreAllMocks();
  });

  it('adds an extract command that sets the exit code', async () => {
    const program = new Command('ipclue');
    registerExtractCommands(program);
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    await program.parseAsync(['extract', '--auto', '--url', 'https://shop.example.com/p/1', files.ldPage], { from: 'user' });
    expect(process.exitCode).toBe(0);
    expect(String(stdout.mock.calls[0]?.[0])).toContain('"title":"Demo watch"');
  });

  it('turns commander usage errors into exit code 2', async () => {
    const program = new Command('ipclue');
    registerExtractCommands(program);
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const exit = vi.spyOn(process, 'exit').mockImplementation(((code?: number) => {
      throw new Error(`exit ${code}`);
    }) as never);
    await expect(program.parseAsync(['extract', '--bogus'], { from: 'user' })).rejects.toThrow('exit 2');
    expect(exit).toHaveBeenCalledWith(2);
    expect(String(stderr.mock.calls[0]?.[0])).toMatch(/unknown option '--bogus'/);
  });
});
