import { describe, expect, it } from 'vitest';
import { ListingSchema, WatchlistSnapshotSchema } from '../../../src/matching/watchlist.schema.ts';

describe('WatchlistSnapshotSchema', () => {
  it('parses a minimal file and fills in the defaults', () => {
    const s = WatchlistSnapshotSchema.parse({ version: '1', entries: [{ id: 'm1', kind: 'mark', name: '康师傅' }] });
    expect(s.blacklist).toEqual([]);
    expect(s.markets).toEqual([]);
    expect(s.riskPoints).toEqual([]);
    expect(s.entries[0]).toMatchObject({ aliases: [], niceClasses: [], keywords: [], referencePrices: [], authorisedSellers: [], channels: [], countries: [] });
  });

  it('parses a full GI entry', () => {
    const s = WatchlistSnapshotSchema.parse({
      version: '2', generatedAt: '2026-06-01T00:00:00Z',
      entries: [{ id: 'g1', kind: 'gi', name: '阳澄湖大闸蟹', gi: { regionCodes: ['320507'], category: '水产', seasonMonths: [9, 10], producers: ['某合作社'] } }],
      blacklist: [{ sellerName: 'x', creditCode: '91320500MA1XXXXXX' }], markets: [{ name: '某市场', host: 'm.example' }], riskPoints: [{ channel: 'wholesale', weight: 5 }],
    });
    expect(s.entries[0].gi?.regionCodes).toEqual(['320507']);
  });

  it.each([
    [{ version: '1', entries: [{ id: 'm1', kind: 'mark', name: '' }] }, 'entries.0.name'],
    [{ version: '1', entries: [{ id: 'm1', kind: 'mark', name: 'x', niceClasses: [46] }] }, 'entries.0.niceClasses.0'],
    [{ version: '1', entries: [{ id: 'g1', kind: 'gi', name: 'x', gi: { regionCodes: ['3205'] } }] }, 'entries.0.gi.regionCodes.0'],
    [{ version: '1', entries: [{ id: 'm1', kind: 'mark', name: 'x', referencePrices: [{ currency: 'CNY', min: 10, max: 5 }] }] }, 'entries.0.referencePrices.0'],
    [{ entries: [] }, 'version'],
  ])('rejects an invalid snapshot and points at the field', (input, path) => {
    const r = WatchlistSnapshotSchema.safeParse(input);
    expect(r.success).toBe(false);
    expect(r.error!.issues[0].path.join('.')).toBe(path);
  });
});

describe('ListingSchema', () => {
  it('accepts a numeric id and a null price', () => {
    expect(ListingSchema.parse({ id: 7, title: 't', price: null }).id).toBe('7');
  });

  it('requires a title', () => {
    expect(ListingSchema.safeParse({ id: 'a' }).success).toBe(false);
  });
});
