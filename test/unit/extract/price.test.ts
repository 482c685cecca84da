import { describe, expect, it } from 'vitest';
import { detectCurrency, parseAmount, parsePrice } from '../../../crawlers/extract/price.ts';

describe('price parsing', () => {
  it.each([
    ['US $29.99', 29.99, 'USD'],
    ['$38.00 USD', 38, 'USD'],
    ['￥1.74', 1.74, 'CNY'],
    ['¥ 99.00', 99, 'CNY'],
    ['RMB 1,280', 1280, 'CNY'],
    ['128元', 128, 'CNY'],
    ['1.234,56 €', 1234.56, 'EUR'],
    ['€12,50', 12.5, 'EUR'],
    ['£1,299.00', 1299, 'GBP'],
    ['HK$ 88', 88, 'HKD'],
    ['1,234,567', 1234567, null],
    ['2.4万', 24000, null],
  ])('reads %s as %s %s', (text, price, currency) => {
    const p = parsePrice(text);
    expect(p.price).toBe(price);
    expect(p.currency).toBe(currency);
  });

  it('keeps the low end of a range and says so', () => {
    expect(parsePrice('¥149.00 - 159.00')).toEqual({ price: 149, currency: 'CNY', note: 'range 149–159; low end kept' });
    expect(parsePrice('US $5.99 to US $12.99').price).toBe(5.99);
    expect(parsePrice('￥10~20').note).toMatch(/range/);
  });

  it('marks a "from" price', () => {
    expect(parsePrice('$28.50+')).toMatchObject({ price: 28.5, note: expect.stringMatching(/from/) });
  });

  it('returns null, never 0, when there is no price', () => {
    for (const text of [null, undefined, '', '   ', 'Price unavailable', '面议']) {
      expect(parsePrice(text as string | null)).toEqual({ price: null, currency: null });
    }
  });

  it('uses the source default currency for a bare amount and for "$" on dollar sources', () => {
    expect(parsePrice('99.00', 'CNY')).toEqual({ price: 99, currency: 'CNY' });
    expect(detectCurrency('$5', 'CAD')).toBe('CAD');
    expect(detectCurrency('$5', 'CNY')).toBe('USD');
    expect(detectCurrency('¥500', 'JPY')).toBe('JPY');
  });

  it('treats a lone comma group of three digits as thousands, two digits as decimals', () => {
    expect(parseAmount('1,299')).toBe(1299);
    expect(parseAmount('12,99')).toBe(12.99);
  });
});
