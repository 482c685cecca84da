// A listing's content hash is stored with it and compared at every crawl: the same listing must
// hash to the same value whatever computes it, or every listing would be re-queued for matching.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { listingContentHash, type ListingInput } from '../../../src/listings/listing.repository.ts';

const listing = (over: Partial<ListingInput>): ListingInput => ({
  externalId: '680000005923', url: 'http://127.0.0.1/item/680000005923.html', title: '老干爹风味豆豉 油辣椒 280g*3瓶', price: 12.9,
  currency: 'CNY', sellerName: '中原食品批发部', sellerId: '300302', sellerLocation: '河南 周口', regionCode: '411600', countryCode: 'CN',
  images: [], category: null, raw: {}, ...over,
});

describe('listingContentHash', () => {
  it('is the first 32 hex digits of the sha-256 of the tracked fields as JSON, as stored so far', () => {
    const cases = [listing({}), listing({ price: null, currency: null }), listing({ title: 'N1KE \ud83d\ude00 \ud800', sellerId: null, category: '食品' }), listing({ price: 1299 })];
    for (const l of cases) {
      const key = JSON.stringify([l.title, l.price, l.currency, l.sellerName, l.sellerId, l.regionCode, l.countryCode, l.category]);
      expect(listingContentHash(l)).toBe(createHash('sha256').update(key).digest('hex').slice(0, 32));
    }
    // a value stored by earlier versions
    expect(listingContentHash(listing({}))).toMatchInlineSnapshot(`"21e000b8ad2cd6da51455644c817c620"`);
    // fields matching does not depend on do not change it
    expect(listingContentHash(listing({ url: 'x', images: ['y'], raw: { a: 'b' }, sellerLocation: null }))).toBe(listingContentHash(listing({})));
  });
});
