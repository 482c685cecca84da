// The matcher's input: one compiled, versioned snapshot of every active watchlist entry.
// The version comes from watchlist_state, which a trigger bumps on any change to the lists.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { BlacklistEntry, MarketOfConcern, RiskPoint } from '../matching/watchlist.schema.ts';

export interface SnapshotEntry {
  id: string;
  kind: 'mark' | 'gi';
  name: string;
  aliases: string[];
  registrationNo?: string;
  niceClasses: number[];
  owner?: string;
  keywords: string[];
  referencePrices: { currency: string; min: number; max: number }[];
  authorisedSellers: { platform?: string; sellerId?: string; sellerName?: string }[];
  channels: string[];
  countries: string[];
  gi?: { regionCodes: string[]; category?: string; seasonMonths?: number[]; producers?: string[] };
}

export interface Snapshot {
  version: string;
  generatedAt: string;
  entries: SnapshotEntry[];
  blacklist: BlacklistEntry[];
  markets: MarketOfConcern[];
  riskPoints: RiskPoint[];
}

export async function getWatchlistVersion(db: Kysely<Database>): Promise<string> {
  const row = await db.selectFrom('watchlist_state').select('version').where('id', '=', 1).executeTakeFirst();
  return String(row?.version ?? '0');
}

export async function buildSnapshot(db: Kysely<Database>): Promise<Snapshot> {
  return db.transaction().execute(async (trx) => {
    // one consistent view of version and rows
    await sql`set transaction isolation level repeatable read`.execute(trx);
    const version = await getWatchlistVersion(trx);
    const rows = await trx
      .selectFrom('marks')
      .leftJoin('rights_holders', 'rights_holders.id', 'marks.rights_holder_id')
      .select([
        'marks.id', 'marks.kind', 'marks.name', 'marks.aliases', 'marks.registration_no', 'marks.nice_classes',
        'marks.details', 'rights_holders.name as owner',
      ])
      .where('marks.status', '=', 'active')
      .orderBy('marks.id')
      .execute();
    const entries: SnapshotEntry[] = rows.map((r) => {
      const d = r.details as Partial<SnapshotEntry>;
      return {
        id: String(r.id),
        kind: r.kind,
        name: r.name,
        aliases: r.aliases ?? [],
        registrationNo: r.registration_no ?? undefined,
        niceClasses: r.nice_classes ?? [],
        owner: r.owner ?? undefined,
        keywords: d.keywords ?? [],
        referencePrices: d.referencePrices ?? [],
        authorisedSellers: d.authorisedSellers ?? [],
        channels: d.channels ?? [],
        countries: d.countries ?? [],
        gi: d.gi,
      };
    });
    // the other lists: entries in force only (a lifted blacklist entry, a retired market, no)
    const opt = (v: string | null) => v ?? undefined;
    const blacklist: BlacklistEntry[] = (
      await trx.selectFrom('blacklist').selectAll().where('lifted_at', 'is', null).orderBy('id').execute()
    ).map((b) => ({
      platform: opt(b.platform), sellerId: opt(b.seller_id), sellerName: opt(b.seller_name), companyName: opt(b.company_name),
      creditCode: opt(b.credit_code), phone: opt(b.phone), reason: b.reason,
    }));
    const markets: MarketOfConcern[] = (
      await trx.selectFrom('markets').selectAll().where('active', '=', true).orderBy('id').execute()
    ).map((m) => ({ name: m.name, channel: m.channel, platform: opt(m.platform), host: opt(m.host), reason: m.reason }));
    const riskPoints: RiskPoint[] = (
      await trx.selectFrom('risk_points').selectAll().where('active', '=', true).orderBy('id').execute()
    ).map((r) => ({ channel: opt(r.channel), category: opt(r.category), regionCode: opt(r.region_code), weight: r.weight, reason: r.reason }));
    return { version, generatedAt: new Date().toISOString(), entries, blacklist, markets, riskPoints };
  });
}

/**
 * Loads a watchlist file (the snapshot format) as registrations, e.g. the demo watchlist.
 * Idempotent: an entry already registered (same kind, name and owner) is updated, not doubled.
 */
export async function importSnapshotEntries(
  db: Kysely<Database>,
  entries: SnapshotEntry[],
  opts: { status: 'pending' | 'active' },
): Promise<number> {
  let n = 0;
  await db.transaction().execute(async (trx) => {
    for (const e of entries) {
      let holderId: string | null = null;
      if (e.owner) {
        const h = await trx
          .insertInto('rights_holders')
          .values({ name: e.owner })
          .onConflict((oc) => oc.column('name').doUpdateSet({ name: e.owner! }))
          .returning('id')
          .executeTakeFirstOrThrow();
        holderId = String(h.id);
      }
      const details = {
        keywords: e.keywords ?? [],
        referencePrices: e.referencePrices ?? [],
        authorisedSellers: e.authorisedSellers ?? [],
        channels: e.channels ?? [],
        countries: e.countries ?? [],
        gi: e.gi,
        seedId: e.id,
      };
      await sql`
        insert into marks (kind, name, aliases, registration_no, nice_classes, rights_holder_id, status, details)
        values (${e.kind}, ${e.name}, ${JSON.stringify(e.aliases ?? [])}::jsonb, ${e.registrationNo ?? null},
                ${JSON.stringify(e.niceClasses ?? [])}::jsonb, ${holderId}, ${opts.status}, ${JSON.stringify(details)}::jsonb)
        on conflict (kind, name, coalesce(rights_holder_id, 0)) do update set
          aliases = excluded.aliases, registration_no = excluded.registration_no, nice_classes = excluded.nice_classes,
          details = excluded.details, updated_at = now()`.execute(trx);
      n++;
    }
  });
  return n;
}
