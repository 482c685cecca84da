import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importReferenceGis } from '../../../src/watchlists/gi-seed-import.ts';
import { loadGiSeeds } from '../../../src/regions/gi-seeds.ts';
import { getRegion } from '../../../src/regions/index.ts';
import { call, createWorld, type World } from './setup.ts';

let w: World;
beforeAll(async () => {
  w = await createWorld();
});
afterAll(async () => {
  await w?.close();
});

describe('the reference GI list as a starting watchlist', () => {
  it('loads every reference GI once, as a pending GI whose regions resolve to the named places', async () => {
    const seeds = loadGiSeeds();
    expect(seeds.length).toBeGreaterThanOrEqual(30);
    const first = await importReferenceGis(w.ctx.db, w.users.admin.id);
    expect(first).toEqual({ added: seeds.length, existing: 0 });
    const again = await importReferenceGis(w.ctx.db);
    expect(again).toEqual({ added: 0, existing: seeds.length });
    const gis = (await call(w, 'reviewer', 'GET', '/api/gis?limit=500')).json();
    expect(gis.total).toBe(seeds.length);
    expect(gis.items.every((g: { status: string }) => g.status === 'pending')).toBe(true);
    const xinyang = gis.items.find((g: { name: string }) => g.name === '信阳毛尖');
    expect(xinyang.gi.regionCodes.map((c: string) => getRegion(c)?.name)).toContain('浉河区');
    const seedByName = new Map(seeds.map((s) => [s.name, s]));
    for (const g of gis.items as { name: string; gi: { regionCodes: string[] } }[]) {
      expect(g.gi.regionCodes.map((c) => getRegion(c)?.name)).toEqual(seedByName.get(g.name)!.regions.map((r) => r.name));
    }
    const h = (await call(w, 'reviewer', 'GET', `/api/gis/${xinyang.id}/history`)).json().items;
    expect(h[0]).toMatchObject({ action: 'seed', actor: { id: w.users.admin.id } });
    // pending GIs are not matched until a reviewer approves them
    expect((await call(w, 'reviewer', 'GET', '/api/watchlist/export')).json().entries).toEqual([]);
  });
});
