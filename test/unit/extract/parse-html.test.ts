// The fast parse path must build exactly the tree parse5 builds, or step aside: every page here
// is parsed both ways and the trees compared node by node.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as cheerio from 'cheerio';
import type { AnyNode } from 'domhandler';
import { describe, expect, it } from 'vitest';
import { loadHtml, parsedStrictly } from '../../../crawlers/extract/parse-html.ts';
import { decodeBody } from '../../../crawlers/fetch/decode.ts';
import { demoSites } from '../../../seeds/demo-sites/index.ts';

function dump(node: AnyNode): unknown {
  const n = node as AnyNode & Record<string, any>;
  return {
    type: n.type,
    name: n.name,
    data: n.data,
    attribs: n.attribs ? { ...n.attribs } : undefined,
    ns: n.namespace,
    attrNs: n.attribs ? Object.keys(n.attribs).map((k) => [n['x-attribsNamespace'][k], n['x-attribsPrefix'][k]]) : undefined,
    doctype: n['x-name'],
    children: n.children?.map(dump),
  };
}
const tree = ($: cheerio.CheerioAPI) => dump($.root()[0]!);

const page = (body: string) => `<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8"><title>t &amp; u</title>\n</head>\n<body>\n${body}\n</body>\n</html>\n`;

describe('strict fast parse', () => {
  const demoPages: [string, string][] = [];
  for (const [name, site] of Object.entries(demoSites)) {
    for (const p of ['/', '/list?page=3', '/search?q=%E8%8C%85%E5%8F%B0', '/item/680000008902.html']) {
      const [pathname, query = ''] = p.split('?');
      const res = site.handle(pathname!, new URLSearchParams(query));
      if (res?.status === 200 && /html/.test(String(res.headers['content-type'] ?? ''))) {
        demoPages.push([`${name}${p}`, decodeBody(Buffer.from(res.body), String(res.headers['content-type'])).text]);
      }
    }
  }

  it('builds the same tree as parse5 for the demo sites, and takes the fast path for the mall', () => {
    expect(demoPages.length).toBeGreaterThan(4);
    for (const [label, html] of demoPages) expect(tree(loadHtml(html)), label).toEqual(tree(cheerio.load(html)));
    expect(parsedStrictly(demoPages.find(([l]) => l === 'mall/list?page=3')![1])).toBe(true);
  });

  const realDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/real-pages');
  it.runIf(existsSync(realDir))('builds the same tree as parse5 for every saved real page', () => {
    for (const site of readdirSync(realDir, { withFileTypes: true }).filter((d) => d.isDirectory())) {
      for (const file of readdirSync(path.join(realDir, site.name)).filter((f) => f.endsWith('.html'))) {
        const html = decodeBody(readFileSync(path.join(realDir, site.name, file)), 'text/html').text;
        expect(tree(loadHtml(html)), `${site.name}/${file}`).toEqual(tree(cheerio.load(html)));
      }
    }
  });

  it('keeps well-formed documents on the fast path', () => {
    for (const html of [
      page('<ul class="l"><li class="c" data-id="1"><a href="/i/1?a=1&amp;b=2&copy=3">一 &nbsp;号</a><img src="x.png"><br></li></ul>'),
      page('<table><thead><tr><th>a</th></tr></thead><tbody>\n<tr><td><div>x</div></td></tr></tbody></table><p>x<b>y</b></p>'),
      page('<script>var a = "</" + "div>"; if (a < 2) {}</script><style>p>a{}</style>').replace('\n', '\r\n'),
      '<!-- c --><!doctype html><html><head></head><body><div>x</div></body></html><!-- after -->\n\n',
      // closed <p>, <a>, <form>, <button> may be followed by blocks and by their own kind again
      page('<p>x</p><div><a href="1">a</a><a href="2"><span>b</span></a><form><button>b</button><button>c</button></form><form></form></div><p>y</p><ul><li>1</li><li>2</li></ul><h1><span><h2>h</h2></span></h1>'),
      // elements named like Object.prototype members are just elements
      page('<constructor><div>x</div></constructor><tostring>z</tostring><div><constructor>w</constructor></div>'),
    ]) {
      expect(parsedStrictly(html), html).toBe(!html.includes('"</"'));
      expect(tree(loadHtml(html)), html).toEqual(tree(cheerio.load(html)));
    }
  });

  it('leaves to parse5 whatever the standard would restructure', () => {
    const cases = [
      '<ul><li class="card"><a class="t" href="/item/1.html">一号<li class="card"><a class="t">二号</ul></div></span><p><<<>',
      page('<p><div>block in p</div></p>'),
      page('<p><span><ul><li>x</li></ul></span></p>'),
      page('<a href="1"><div><a href="2">x</a></div></a>'),
      page('<a href="1">x</a><a href="2"><span><a href="3">y</a></span></a>'),
      page('<form><div><form>x</form></div></form>'),
      page('<button><span><button>x</button></span></button>'),
      page('<p>a</p><p><span><div>b</div></span></p>'),
      page('<h1><h2>x</h2></h1>'),
      page('<constructor><td>x</td></constructor>'),
      page('<li>a<span><li>b</li></span></li>'),
      page('<table><tr><td>x</td></tr></table>'),
      page('<table>text<tbody><tr><td>x</td></tr></tbody></table>'),
      page('<div><td>x</td></div>'),
      page('<b>x<i>y</b>z</i>'),
      page('<div>x</span></div>'),
      page('<template><li>x</li></template>'),
      page('<noscript><img src="x"></noscript>'),
      page('<svg viewBox="0 0 1 1"><path d="M0"/></svg>'),
      page('<pre>\nx</pre>'),
      page('<!-->x'),
      page('<? pi ?>'),
      page('<script><!--<script>x</script>--></script>'),
      '<html><head></head><body>no doctype</body></html>',
      '<!DOCTYPE html><html><head><div>in head</div></head><body></body></html>',
      '<!DOCTYPE html><html><head></head><body>x</body></html><p>after</p>',
      '<!DOCTYPE html><html><head></head><body><div>unclosed</body></html>',
      '<!DOCTYPE html><p>fragment</p>',
    ];
    for (const html of cases) {
      expect(parsedStrictly(html), html).toBe(false);
      expect(tree(loadHtml(html)), html).toEqual(tree(cheerio.load(html)));
    }
  });
});

describe('one cheerio instance behind every page', () => {
  it('gives each page its own $ over one shared instance: no cheerio.load, hence no new class, a page', () => {
    const a = loadHtml(page('<ul class="l"><li>a1</li><li>a2</li></ul>'));
    const b = loadHtml(page('<ul class="l"><li>b1</li></ul>'));
    // a class made per page is what kept every page's tree alive through young collections
    expect(a.fn).toBe(b.fn);
    // the parse5 path (a page the fast path refuses) gets the same front
    const refused = loadHtml('<!DOCTYPE html><p>unclosed <b>bold');
    expect(refused.fn).toBe(a.fn);
    expect(refused('b').text()).toBe('bold');
    expect(a('li').map((_i, el) => a(el).text()).get()).toEqual(['a1', 'a2']);
    expect(b('li').text()).toBe('b1');
    expect(a.root()[0]).not.toBe(b.root()[0]);
    // the static methods read the page they belong to
    expect(b.html()).toContain('<li>b1</li>');
    expect(a.text()).toContain('a1a2');
    expect(b('ul', b.root()).length).toBe(1);
  });

  it('roots selections made from selections in their own page, so traversal filters work', () => {
    const $ = loadHtml(page('<div id="x"><ul><li><a href="/1">1</a></li><li class="s">2</li></ul></div><ol><li>3</li></ol>'));
    const items = $('ul').find('li');
    expect(items.length).toBe(2);
    // cheerio-select runs a positional filter with a combinator (ul > li:first) from the
    // selection's root: rooted in any other document, these match nothing
    expect(items.filter('ul > li:first').text()).toBe('1');
    expect(items.filter('ul > li:last').text()).toBe('2');
    expect(items.find('a').closest('div > ul:first').length).toBe(1);
    expect(items.find('a').parents('div#x > ul:first').length).toBe(1);
    expect(items.filter('div > ul > li.s').text()).toBe('2');
    // and another page's selections are not confused with this one's
    const other = loadHtml(page('<div id="x"><ul><li class="s">other</li></ul></div>'));
    expect(other('ul').find('li').filter('ul > li:first').text()).toBe('other');
    expect(items.filter('ul > li:first').text()).toBe('1');
  });
});
