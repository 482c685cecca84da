// Clue summaries, confirming a clue, and the blacklist proposals a reviewer decides.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import { listAlerts, type AlertListItem, type AlertScope } from '../alerts/alert.repository.ts';
import { applyActionIn, type Actor } from '../alerts/alert.service.ts';
import { setChange } from '../watchlists/actor.ts';
import { addSellerIdentities, ensureClueForSeller, insertClueEvent, maybeProposeBlacklist, type IdentityAttrs } from './clue.repository.ts';

export interface ClueSeller {
  id: string;
  platform: string;
  externalId: string;
  name: string | null;
  location: string | null;
  identities: { kind: string; value: string }[];
}

export interface ClueSummary {
  id: string;
  status: 'open' | 'confirmed' | 'merged';
  mergedInto: string | null;
  sellers: ClueSeller[];
  alertCount: number;
  listingCount: number;
  openCount: number;
  confirmedCount: number;
  maxScore: number | null;
  priceRange: { min: string | null; max: string | null; currency: string | null };
  marks: { id: string; name: string; n: number }[];
  sources: { id: string; name: string; channel: string; n: number }[];
  alerts: AlertListItem[];
  history: { id: string; actorKind: string; actorName: string | null; type: string; note: string | null; data: Record<string, unknown>; createdAt: Date }[];
  proposals: { id: string; sellerId: string; confirmedAlerts: number; status: string; note: string | null; createdAt: Date }[];
}

const scopeSql = (scope: AlertScope) =>
  scope.rightsHolderId ? sql`and m.rights_holder_id = ${scope.rightsHolderId}::bigint` : sql``;

export async function getClueSummary(db: Kysely<Database>, clueId: string, scope: AlertScope = {}): Promise<ClueSummary> {
  const clue = await db.selectFrom('clues').selectAll().where('id', '=', clueId).executeTakeFirst();
  if (!clue) throw new AppError('not_found', `clue ${clueId} not found`);
  const stats = await sql<{
    alerts: string; listings: string; open: string; confirmed: string; max_score: number | null; min_price: string | null; max_price: string | null; currency: string | null;
  }>`
    select count(*) as alerts, count(distinct l.id) as listings,
      count(*) filter (where a.status in ('new','in_review')) as open,
      count(*) filter (where a.status in ('confirmed','referred','closed')) as confirmed,
      max(a.score) as max_score, min(l.price)::text as min_price, max(l.price)::text as max_price,
      min(l.currency) as currency
    from clue_sellers cs
    join listings l on l.seller_id = cs.seller_id
    join alerts a on a.listing_id = l.id
    join marks m on m.id = a.mark_id
    where cs.clue_id = ${clueId}::bigint ${scopeSql(scope)}`.execute(db);
  const st = stats.rows[0];
  // a rights holder sees a clue only through alerts on its own marks
  if (scope.rightsHolderId && Number(st.alerts) === 0) throw new AppError('not_found', `clue ${clueId} not found`);
  const sellers = await db
    .selectFrom('clue_sellers as cs')
    .innerJoin('sellers as s', 's.id', 'cs.seller_id')
    .select(['s.id', 's.platform', 's.external_id', 's.name', 's.location'])
    .where('cs.clue_id', '=', clueId)
    .orderBy('s.id')
    .execute();
  const idents = sellers.length
    ? await db.selectFrom('seller_identities').select(['seller_id', 'kind', 'value']).where('seller_id', 'in', sellers.map((s) => s.id)).orderBy('kind').execute()
    : [];
  const marks = await sql<{ id: string; name: string; n: string }>`
    select m.id, m.name, count(*) as n from clue_sellers cs join listings l on l.seller_id = cs.seller_id
    join alerts a on a.listing_id = l.id join marks m on m.id = a.mark_id
    where cs.clue_id = ${clueId}::bigint ${scopeSql(scope)} group by m.id, m.name order by n desc, m.id`.execute(db);
  const sources = await sql<{ id: string; name: string; channel: string; n: string }>`
    select s.id, s.name, s.channel, count(*) as n from clue_sellers cs join listings l on l.seller_id = cs.seller_id
    join alerts a on a.listing_id = l.id join marks m on m.id = a.mark_id join sources s on s.id = l.source_id
    where cs.clue_id = ${clueId}::bigint ${scopeSql(scope)} group by s.id, s.name, s.channel order by n desc, s.id`.execute(db);
  const alerts = await listAlerts(db, { clueId, limit: 200 }, scope);
  const history = await db
    .selectFrom('clue_events as e')
    .leftJoin('users as u', 'u.id', 'e.actor_id')
    .select(['e.id', 'e.actor_kind', 'u.name as actor_name', 'e.type', 'e.note', 'e.data', 'e.created_at'])
    .where('e.clue_id', '=', clueId)
    .orderBy('e.id')
    .execute();
  const proposals = scope.rightsHolderId
    ? []
    : await db.selectFrom('blacklist_proposals').selectAll().where('clue_id', '=', clueId).orderBy('id').execute();
  return {
    id: String(clue.id),
    status: clue.status,
    mergedInto: clue.merged_into === null ? null : String(clue.merged_into),
    sellers: sellers.map((s) => ({
      id: String(s.id), platform: s.platform, externalId: s.external_id, name: s.name, location: s.location,
      identities: idents.filter((i) => String(i.seller_id) === String(s.id)).map((i) => ({ kind: i.kind, value: i.value })),
    })),
    alertCount: Number(st.alerts),
    listingCount: Number(st.listings),
    openCount: Number(st.open),
    confirmedCount: Number(st.confirmed),
    maxScore: st.max_score,
    priceRange: { min: st.min_price, max: st.max_price, currency: st.currency },
    marks: marks.rows.map((m) => ({ id: String(m.id), name: m.name, n: Number(m.n) })),
    sources: sources.rows.map((s) => ({ id: String(s.id), name: s.name, channel: s.channel, n: Number(s.n) })),
    alerts: alerts.items,
    history: history.map((h) => ({
      id: String(h.id), actorKind: h.actor_kind, actorName: h.actor_name, type: h.type, note: h.note, data: h.data, createdAt: h.created_at,
    })),
    proposals: proposals.map((p) => ({
      id: String(p.id), sellerId: String(p.seller_id), confirmedAlerts: p.confirmed_alerts, status: p.status, note: p.note, createdAt: p.created_at,
    })),
  };
}

export interface ClueListItem {
  id: string;
  status: string;
  sellerNames: string[];
  platforms: string[];
  alertCount: number;
  openCount: number;
  maxScore: number;
}

/**
 * Clues, riskiest first. The open list is drawn from the riskiest open alerts (the queue's own
 * index) rather than by aggregating every alert, so it stays fast with millions of alerts; the
 * confirmed list is the most recently confirmed clues.
 */
export async function listClues(db: Kysely<Database>, opts: { limit: number; status?: 'open' | 'confirmed' }, scope: AlertScope = {}): Promise<ClueListItem[]> {
  const candidates =
    opts.status === 'confirmed'
      ? sql`select id as clue_id from clues where status = 'confirmed' order by updated_at desc, id desc limit ${opts.limit}`
      : sql`select distinct cs.clue_id
          from (select a.listing_id from alerts a join marks m on m.id = a.mark_id
                where a.status in ('new','in_review') ${scopeSql(scope)}
                order by a.score desc, a.id desc limit ${opts.limit * 50}) t
          join listings l on l.id = t.listing_id
          join clue_sellers cs on cs.seller_id = l.seller_id`;
  const rows = await sql<{ id: string; status: string; sellers: string[]; platforms: string[]; alerts: string; open: string; max_score: number }>`
    with cand as (${candidates})
    select c.id, c.status,
      array_agg(distinct coalesce(se.name, se.external_id)) as sellers, array_agg(distinct se.platform) as platforms,
      count(a.id) as alerts, count(a.id) filter (where a.status in ('new','in_review')) as open, max(a.score) as max_score
    from cand
    join clues c on c.id = cand.clue_id
    join clue_sellers cs on cs.clue_id = c.id
    join sellers se on se.id = cs.seller_id
    join listings l on l.seller_id = cs.seller_id
    join alerts a on a.listing_id = l.id
    join marks m on m.id = a.mark_id
    where c.status <> 'merged' ${opts.status ? sql`and c.status = ${opts.status}` : sql``} ${scopeSql(scope)}
    group by c.id, c.status
    order by max(a.score) filter (where a.status in ('new','in_review')) desc nulls last, max(a.score) desc, c.id desc
    limit ${opts.limit}`.execute(db);
  return rows.rows.map((r) => ({
    id: String(r.id), status: r.status, sellerNames: r.sellers, platforms: r.platforms, alertCount: Number(r.alerts), openCount: Number(r.open), maxScore: r.max_score,
  }));
}

/** confirming a clue confirms every open alert of it, each with its own event */
export async function confirmClue(db: Kysely<Database>, clueId: string, actor: Actor & { kind: 'user' }, note?: string): Promise<{ confirmed: number }> {
  return db.transaction().execute(async (trx) => {
    const clue = await trx.selectFrom('clues').select(['id', 'status', 'merged_into']).where('id', '=', clueId).forUpdate().executeTakeFirst();
    if (!clue) throw new AppError('not_found', `clue ${clueId} not found`);
    if (clue.status === 'merged') throw new AppError('conflict', `clue ${clueId} was merged into clue ${clue.merged_into}`);
    const open = await trx
      .selectFrom('alerts as a')
      .innerJoin('listings as l', 'l.id', 'a.listing_id')
      .innerJoin('clue_sellers as cs', 'cs.seller_id', 'l.seller_id')
      .select('a.id')
      .where('cs.clue_id', '=', clueId)
      .where('a.status', 'in', ['new', 'in_review'])
      .orderBy('a.id')
      .execute();
    for (const a of open) {
      await applyActionIn(trx, String(a.id), { action: 'confirm', note: note ?? `线索 #${clueId} 确认` }, actor, {}, { clueId });
    }
    await trx.updateTable('clues').set({ status: 'confirmed', updated_at: new Date() }).where('id', '=', clueId).execute();
    await insertClueEvent(trx, { clueId, actorKind: 'user', actorId: actor.id, type: 'confirmed', note: note ?? null, data: { alerts: open.length } });
    return { confirmed: open.length };
  });
}

/** identity attributes of a seller known from elsewhere (business licence, a complaint): may merge clues */
export async function setSellerIdentity(db: Kysely<Database>, sellerId: string, attrs: IdentityAttrs): Promise<{ clueId: string; added: number }> {
  return db.transaction().execute(async (trx) => {
    const s = await trx.selectFrom('sellers').select('id').where('id', '=', sellerId).executeTakeFirst();
    if (!s) throw new AppError('not_found', `seller ${sellerId} not found`);
    const added = await addSellerIdentities(trx, sellerId, attrs);
    const clueId = await ensureClueForSeller(trx, sellerId);
    return { clueId, added };
  });
}

export interface Proposal {
  id: string;
  sellerId: string;
  sellerName: string | null;
  platform: string;
  clueId: string | null;
  confirmedAlerts: number;
  status: string;
  note: string | null;
  blacklistId: string | null;
  createdAt: Date;
}

export async function listProposals(db: Kysely<Database>, status?: 'proposed' | 'accepted' | 'rejected'): Promise<Proposal[]> {
  let q = db
    .selectFrom('blacklist_proposals as p')
    .innerJoin('sellers as s', 's.id', 'p.seller_id')
    .select(['p.id', 'p.seller_id', 's.name', 's.platform', 'p.clue_id', 'p.confirmed_alerts', 'p.status', 'p.note', 'p.blacklist_id', 'p.created_at'])
    .orderBy('p.id', 'desc')
    .limit(500);
  if (status) q = q.where('p.status', '=', status);
  return (await q.execute()).map((p) => ({
    id: String(p.id), sellerId: String(p.seller_id), sellerName: p.name, platform: p.platform, clueId: p.clue_id === null ? null : String(p.clue_id),
    confirmedAlerts: p.confirmed_alerts, status: p.status, note: p.note, blacklistId: p.blacklist_id === null ? null : String(p.blacklist_id), createdAt: p.created_at,
  }));
}

/** a reviewer's decision on a proposal; accepting lists the seller (with its known identity) */
export async function decideProposal(
  db: Kysely<Database>,
  proposalId: string,
  decision: 'accept' | 'reject',
  note: string,
  actor: { id: string },
): Promise<{ status: string; blacklistId: string | null }> {
  return db.transaction().execute(async (trx) => {
    const p = await trx.selectFrom('blacklist_proposals').selectAll().where('id', '=', proposalId).forUpdate().executeTakeFirst();
    if (!p) throw new AppError('not_found', `proposal ${proposalId} not found`);
    if (p.status !== 'proposed') throw new AppError('conflict', `proposal ${proposalId} was already ${p.status}`);
    let blacklistId: string | null = null;
    if (decision === 'accept') {
      const s = await trx.selectFrom('sellers').selectAll().where('id', '=', p.seller_id).executeTakeFirstOrThrow();
      const ids = await trx.selectFrom('seller_identities').select(['kind', 'value']).where('seller_id', '=', p.seller_id).execute();
      const first = (k: string) => ids.find((i) => i.kind === k)?.value ?? null;
      await setChange(trx, { actorId: actor.id, action: 'insert', note });
      const row = await trx
        .insertInto('blacklist')
        .values({
          platform: s.platform,
          seller_id: s.external_id,
          seller_name: s.name,
          company_name: first('company_name'),
          credit_code: first('credit_code'),
          phone: first('phone'),
          address: first('address'),
          reason: `重复侵权：已确认预警 ${p.confirmed_alerts} 条${note ? `；${note}` : ''}`,
          source_kind: 'alert',
          source_ref: p.clue_id ? `clue:${p.clue_id}` : `seller:${p.seller_id}`,
          lifted_at: null,
          lifted_reason: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      blacklistId = String(row.id);
    }
    const status = decision === 'accept' ? 'accepted' : 'rejected';
    await trx
      .updateTable('blacklist_proposals')
      .set({ status, note, decided_by: actor.id, decided_at: new Date(), blacklist_id: blacklistId })
      .where('id', '=', proposalId)
      .execute();
    if (p.clue_id) {
      await insertClueEvent(trx, {
        clueId: String(p.clue_id), actorKind: 'user', actorId: actor.id, type: `blacklist_${status}`, note,
        data: { proposalId, sellerId: String(p.seller_id), blacklistId },
      });
    }
    return { status, blacklistId };
  });
}

export { maybeProposeBlacklist };
