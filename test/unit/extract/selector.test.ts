import { describe, expect, it } from 'vitest';
import * as cheerio from 'cheerio';
import type { AnyNode, Element } from 'domhandler';
import { compileSelector, descendantElements } from '../../../crawlers/extract/selector.ts';

const html = `<!DOCTYPE html><html><head><title>t</title></head><body>
<div class="page"><ul class="list">
  <li class="card" id="c1"><div class="card"><a class="t" href="/1">一</a></div><span class="p">1</span><span class="p">2</span></li>
  <li class="card" id="c2"><a class="t" href="/2">二</a><em class="ad">广告</em><span class="p">3</span></li>
  <li class="card" id="c3"><p><a class="t" href="/3">三</a></p></li>
</ul></div></body></html>`;

// every selector here is run both ways and must give the same elements as cheerio
const selectors = [
  'a.t', '.card a.t', 'li.card a', '> a', '> div > a', 'div a', ':scope > span', 'span:first', 'span:eq(1)', 'span:last',
  ':has(em)', 'li:has(em)', 'ul > li', '.page .card', 'a[href="/2"]', 'span:not(:first)', 'li.card, a.t', '+ li', '~ li',
];

describe('compiled selectors', () => {
  const $ = cheerio.load(html);
  const scopes: [string, AnyNode][] = [
    ['the document', $.root()[0]!],
    ['<html>', $('html')[0]!],
    ...$('li.card').toArray().map((el, i): [string, AnyNode] => [`item ${i + 1}`, el]),
  ];
  for (const sel of selectors) {
    it(`finds what cheerio finds: ${sel}`, () => {
      for (const [label, scope] of scopes) {
        const expected = $(scope).find(sel).toArray();
        expect(compileSelector(sel).findAll(scope, $), `${sel} under ${label}`).toEqual(expected);
        // the same answer from the scope's element list walked once for several selectors
        expect(compileSelector(sel).findAll(scope, $, descendantElements(scope)), `${sel} under ${label}, listed`).toEqual(expected);
        // each() visits the same elements in the same order, and stops when told
        const visited: Element[] = [];
        compileSelector(sel).each(scope, $, (el) => (visited.push(el), false), descendantElements(scope));
        expect(visited, `${sel} under ${label}, each`).toEqual(expected);
        const firstOnly: Element[] = [];
        compileSelector(sel).each(scope, $, (el) => (firstOnly.push(el), true));
        expect(firstOnly, `${sel} under ${label}, first`).toEqual(expected.slice(0, 1));
      }
    });
  }

  it('lists the elements under a scope in document order, as cheerio finds them', () => {
    for (const scope of [$.root()[0]!, ...$('li.card').toArray()]) {
      expect(descendantElements(scope)).toEqual($(scope).find('*').toArray());
    }
  });

  it('tests elements as cheerio.is does', () => {
    for (const sel of ['li.card', '.card', 'li:has(em)', 'li:first', '#c2', 'div li']) {
      for (const el of $('li, div, a').toArray() as Element[]) {
        expect(compileSelector(sel).matches(el, $), `${sel} on ${el.name}`).toBe($(el).is(sel));
      }
    }
  });

  it('throws on an invalid selector when compiled', () => {
    expect(() => compileSelector('a[[[')).toThrow();
    expect(() => compileSelector('li:eq(1) a[[[')).toThrow();
  });
});
