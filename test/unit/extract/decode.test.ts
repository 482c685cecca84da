import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { charsetFromContentType, decodeBody, detectCharset, normaliseCharset } from '../../../crawlers/fetch/decode.ts';

const gbkPage = (meta: string) => iconv.encode(`<html><head>${meta}<title>创新耳机 正品</title></head><body><p>高仿 A货 原单</p></body></html>`, 'gbk');

describe('decodeBody', () => {
  it('takes the charset from the Content-Type header first', () => {
    const r = decodeBody(gbkPage(''), 'text/html; charset=GBK');
    expect(r.charset).toBe('gb18030');
    expect(r.text).toContain('创新耳机 正品');
  });

  it('then from <meta charset> and from http-equiv', () => {
    expect(decodeBody(gbkPage('<meta charset="gb2312">')).text).toContain('高仿 A货 原单');
    const r = decodeBody(gbkPage('<meta http-equiv="Content-Type" content="text/html; charset=GBK" />'));
    expect(r.charset).toBe('gb18030');
    expect(r.text).toContain('创新耳机');
  });

  it('detects GBK when nothing is declared', () => {
    const r = decodeBody(gbkPage(''));
    expect(r.charset).toBe('gb18030');
    expect(r.text).toContain('原单');
  });

  it('decodes GB18030 four-byte characters', () => {
    const bytes = iconv.encode('<p>𠮷野家 €</p>', 'gb18030');
    expect(decodeBody(bytes, 'text/html; charset=gb18030').text).toBe('<p>𠮷野家 €</p>');
  });

  it('prefers valid UTF-8 over a stale meta declaration, but never over the HTTP header', () => {
    const bytes = Buffer.from('<meta charset="gbk"><p>乳白亚克力外壳</p>', 'utf8');
    expect(decodeBody(bytes)).toEqual({ text: '<meta charset="gbk"><p>乳白亚克力外壳</p>', charset: 'utf-8' });
    expect(decodeBody(bytes, 'text/html; charset=gbk').text).not.toContain('乳白');
  });

  it('honours a byte-order mark and strips it', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<p>ok é</p>')]);
    expect(decodeBody(bytes, 'text/html; charset=iso-8859-1')).toEqual({ text: '<p>ok é</p>', charset: 'utf-8' });
  });

  it('reads plain ASCII and latin-1 sensibly', () => {
    expect(decodeBody(Buffer.from('<p>plain</p>')).charset).toBe('utf-8');
    expect(decodeBody(Buffer.from([0x3c, 0x70, 0x3e, 0x63, 0x61, 0x66, 0xe9])).text).toBe('<p>café');
  });

  it('accepts Uint8Array input and ignores unknown charset labels', () => {
    const bytes = new Uint8Array(Buffer.from('<p>héllo</p>'));
    expect(decodeBody(bytes, 'text/html; charset=x-made-up').text).toBe('<p>héllo</p>');
  });
});

describe('charset helpers', () => {
  it('normalise labels the way browsers alias them', () => {
    expect(normaliseCharset('GB2312')).toBe('gb18030');
    expect(normaliseCharset('x-gbk')).toBe('gb18030');
    expect(normaliseCharset('ISO-8859-1')).toBe('windows-1252');
    expect(normaliseCharset('UTF8')).toBe('utf-8');
    expect(normaliseCharset('nope')).toBeNull();
    expect(charsetFromContentType('text/html;charset="Big5"')).toBe('big5');
    expect(charsetFromContentType('text/html')).toBeNull();
    expect(detectCharset(Buffer.from('abc'))).toBe('utf-8');
  });
});
