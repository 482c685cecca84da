// The extractor checks the listings it builds by hand (listingIssue) instead of parsing each with
// zod: the two must agree on every listing, valid or not.
import { describe, expect, it } from 'vitest';
import { listingIssue, listingSchema, type Listing } from '../../../crawlers/extract/listing.schema.ts';

const valid: Listing = {
  sourceId: 'demo',
  externalId: '680000005923',
  url: 'https://shop.example.com/item/1.html',
  title: '老干爹风味豆豉 280g*3瓶',
  price: 12.9,
  currency: 'CNY',
  sellerName: '中原食品批发部',
  sellerId: '300302',
  sellerLocation: '河南 周口',
  regionCode: '411600',
  countryCode: 'CN',
  images: ['https://shop.example.com/img/1.jpg'],
  category: null,
  raw: { title: '老干爹', price: '¥12.90' },
};

// one field changed at a time, to values the schema takes and values it refuses
const variants: Record<string, unknown[]> = {
  sourceId: [undefined, 'x', 3],
  externalId: ['a', '', ' ', null, 7],
  url: ['', 'relative', null, 1],
  title: ['', null],
  price: [null, 0, 1e11, -0.01, -1, Infinity, -Infinity, NaN, '12', 0.005],
  currency: [null, 'USD', 'usd', 'US', 'USDT', '', 'US1', 5],
  sellerName: [null, '', 'x', 1],
  sellerId: [null, 'x', 2],
  sellerLocation: [null, 'x', {}],
  regionCode: [null, '330100', '33010', '3301000', 'abcdef', '33010a', 330100],
  countryCode: [null, 'US', 'us', 'USA', 'U', '', 1],
  images: [[], ['a', 'b'], [1], ['a', null], 'a', null],
  category: [null, '', 'x', 0],
  raw: [{}, { a: 'b' }, { a: 1 }, { a: null }, [], null, 'x', { a: undefined }],
};

describe('listingIssue', () => {
  it('accepts a well-formed listing and returns it unchanged', () => {
    expect(listingIssue(valid)).toBeNull();
    expect(listingSchema.parse(valid)).toEqual(valid);
  });

  for (const [field, values] of Object.entries(variants)) {
    it(`agrees with the listing schema on ${field}`, () => {
      for (const v of values) {
        const l = { ...valid, [field]: v } as Listing;
        if (v === undefined) delete (l as Record<string, unknown>)[field];
        const zodOk = listingSchema.safeParse(l).success;
        const issue = listingIssue(l);
        expect(issue === null, `${field} = ${JSON.stringify(v)}: zod ${zodOk ? 'accepts' : 'refuses'}, listingIssue says ${issue}`).toBe(zodOk);
        if (issue !== null) expect(issue.startsWith(field)).toBe(true);
      }
    });
  }
});
