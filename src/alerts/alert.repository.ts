import { sql, type Kysely, type SelectQueryBuilder, type Transaction } from 'kysely';
import type { CloseOutcome, Database, DismissReason, Referral } from '../db/schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

export type AlertLevel = 'high' | 'medium' | 'low';
export type AlertStatus = 'new' | 'in_review' | 'confirmed' | 'dismissed' | 'referred' | 'closed';
export type Reason = { code: string; points: number; text: string };

export interface AlertUpsert {
  listingId: string;
  markId: string;
  score: number;
  level: AlertLevel;
  matchKind: string;
  matchedText: string;
  reasons: Reason[];
}

export interface UpsertResult {
  id: string;
  created: boolean;
  updated: boolean;
}

/**
 * One alert per (listing, entry): a re-crawl updates score and reasons in place and records
 * the change as an event; a retried match job writes nothing new.
 */
export async function upsertAlert(db: Kysely<Database>, a: AlertUpsert): Promise<UpsertResult> {
  return db.transaction().execute((trx) => upsertAlertIn(trx, a));
}

/** upsertAlert inside the caller's transaction (the service adds rules and clues to it) */
export async function upsertAlertIn(trx: Transaction<Database>, a: AlertUpsert): Promise<UpsertResult> {
  const prev = await trx
    .selectFrom('alerts')
    .select(['id', 'score', 'level', 'reasons'])
    .where('listing_id', '=', a.listingId)
    .where('mark_id', '=', a.markId)
    .forUpdate()
    .executeTakeFirst();
  const reasons = JSON.stringify(a.reasons);
  if (!prev) {
    const row = await trx
      .insertInto('alerts')
      .values({
        listing_id: a.listingId,
        mark_id: a.markId,
        score: a.score,
        level: a.level,
        match_kind: a.matchKind,
        matched_text: a.matchedText,
        reasons,
      })
      .onConflict((oc) => oc.columns(['listing_id', 'mark_id']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!row) return { id: '', created: false, updated: false }; // a concurrent insert won
    await trx
      .insertInto('alert_events')
      .values({ alert_id: row.id, actor_kind: 'system', type: 'created', to_status: 'new', data: JSON.stringify({ score: a.score, level: a.level }) })
      .execute();
    return { id: String(row.id), created: true, updated: false };
  }
  // jsonb does not keep key order: compare reasons field by field
  const same = (x: Reason[]) => JSON.stringify(x.map((r) => [r.code, r.points, r.text]));
  if (prev.score === a.score && prev.level === a.level && same(prev.reasons) === same(a.reasons)) {
    return { id: String(prev.id), created: false, updated: false };
  }
  await trx
    .updateTable('alerts')
    .set({ score: a.score, level: a.level, match_kind: a.matchKind, matched_text: a.matchedText, reasons, updated_at: new Date() })
    .where('id', '=', prev.id)
    .execute();
  await trx
    .insertInto('alert_events')
    .values({
      alert_id: prev.id,
      actor_kind: 'system',
      type: 'rescored',
      data: JSON.stringify({ from: { score: prev.score, level: prev.level }, to: { score: a.score, level: a.level } }),
    })
    .execute();
  return { id: String(prev.id), created: false, updated: true };
}

export interface AlertFilter {
  status?: AlertStatus[];
  level?: AlertLevel[];
  markId?: string;
  sourceId?: string;
  channel?: string;
  /** GB/T 2260 code prefix of the listing's region */
  region?: string;
  /** created on or after / on or before, YYYY-MM-DD (China time) */
  from?: string;
  to?: string;
  /** a user id, or 'none' for unassigned */
  assigneeId?: string;
  sellerId?: string;
  clueId?: string;
}

/** who may see what: a rights holder sees alerts on its own organisation's marks only */
export interface AlertScope {
  rightsHolderId?: string;
}

export interface AlertListItem {
  id: string;
  score: number;
  level: AlertLevel;
  status: AlertStatus;
  matchKind: string;
  matchedText: string;
  reasons: Reason[];
  assigneeId: string | null;
  holderFlag: 'genuine' | 'infringing' | null;
  createdAt: Date;
  updatedAt: Date;
  mark: { id: string; name: string; kind: string };
  listing: {
    id: string; title: string; url: string; price: string | null; currency: string | null; sellerId: string | null;
    sellerName: string | null; regionCode: string | null; goneAt: Date | null;
  };
  source: { id: string; slug: string; name: string; channel: string };
}

type Q = SelectQueryBuilder<any, any, any>;

function applyFilter<T extends Q>(q: T, f: AlertFilter, scope: AlertScope): T {
  let r = q as Q;
  if (f.status?.length) r = r.where('a.status', 'in', f.status);
  if (f.level?.length) r = r.where('a.level', 'in', f.level);
  if (f.markId) r = r.where('a.mark_id', '=', f.markId);
  if (f.sourceId) r = r.where('l.source_id', '=', f.sourceId);
  if (f.channel) r = r.where('s.channel', '=', f.channel);
  if (f.region) r = r.where('l.region_code', 'like', `${f.region}%`);
  if (f.from) r = r.where(sql<boolean>`a.created_at >= (${f.from}::date::timestamp at time zone 'Asia/Shanghai')`);
  if (f.to) r = r.where(sql<boolean>`a.created_at < ((${f.to}::date + 1)::timestamp at time zone 'Asia/Shanghai')`);
  if (f.assigneeId === 'none') r = r.where('a.assignee_id', 'is', null);
  else if (f.assigneeId) r = r.where('a.assignee_id', '=', f.assigneeId);
  if (f.sellerId) r = r.where('l.seller_id', '=', f.sellerId);
  if (f.clueId) r = r.where(sql<boolean>`l.seller_id in (select seller_id from clue_sellers where clue_id = ${f.clueId}::bigint)`);
  if (scope.rightsHolderId) r = r.where('m.rights_holder_id', '=', scope.rightsHolderId);
  return r as T;
}

function baseQuery(db: Db) {
  return db
    .selectFrom('alerts as a')
    .innerJoin('listings as l', 'l.id', 'a.listing_id')
    .innerJoin('marks as m', 'm.id', 'a.mark_id')
    .innerJoin('sources as s', 's.id', 'l.source_id');
}

const listColumns = [
  'a.id', 'a.score', 'a.level', 'a.status', 'a.match_kind', 'a.matched_text', 'a.reasons', 'a.assignee_id', 'a.holder_flag',
  'a.created_at', 'a.updated_at',
  'm.id as mark_id', 'm.name as mark_name', 'm.kind as mark_kind',
  'l.id as listing_id', 'l.title', 'l.url', 'l.price', 'l.currency', 'l.seller_id', 'l.seller_name', 'l.region_code', 'l.gone_at',
  's.id as source_id', 's.slug as source_slug', 's.name as source_name', 's.channel',
] as const;

function toListItem(r: any): AlertListItem {
  return {
    id: String(r.id),
    score: r.score,
    level: r.level,
    status: r.status,
    matchKind: r.match_kind,
    matchedText: r.matched_text,
    reasons: r.reasons,
    assigneeId: r.assignee_id === null ? null : String(r.assignee_id),
    holderFlag: r.holder_flag,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    mark: { id: String(r.mark_id), name: r.mark_name, kind: r.mark_kind },
    listing: {
      id: String(r.listing_id), title: r.title, url: r.url, price: r.price, currency: r.currency,
      sellerId: r.seller_id === null ? null : String(r.seller_id), sellerName: r.seller_name, regionCode: r.region_code, goneAt: r.gone_at,
    },
    source: { id: String(r.source_id), slug: r.source_slug, name: r.source_name, channel: r.channel },
  };
}

/** The review queue: highest risk first, keyset-paginated on (score desc, id desc). */
export async function listAlerts(
  db: Db,
  f: AlertFilter & { after?: { score: number; id: string }; limit: number },
  scope: AlertScope = {},
): Promise<{ items: AlertListItem[]; next: string | null }> {
  let q = applyFilter(baseQuery(db).select(listColumns), f, scope)
    .orderBy('a.score', 'desc')
    .orderBy('a.id', 'desc')
    .limit(f.limit + 1);
  if (f.after) {
    const { score, id } = f.after;
    q = q.where(sql<boolean>`(a.score, a.id) < (${score}, ${id}::bigint)`);
  }
  const rows = await q.execute();
  const page = rows.slice(0, f.limit);
  const last = page[page.length - 1];
  return { next: rows.length > f.limit && last ? `${last.score}:${last.id}` : null, items: page.map(toListItem) };
}

/** ids of every alert matching a filter (for bulk actions and exports), capped */
export async function selectAlertIds(db: Db, f: AlertFilter, scope: AlertScope, cap: number): Promise<string[]> {
  const rows = await applyFilter(baseQuery(db).select('a.id'), f, scope).orderBy('a.score', 'desc').orderBy('a.id', 'desc').limit(cap).execute();
  return rows.map((r) => String(r.id));
}

/** the filtered selection with the columns an export needs, streamed in keyset pages */
export async function* iterateAlerts(db: Db, f: AlertFilter, scope: AlertScope, cap: number): AsyncGenerator<AlertListItem> {
  let after: { score: number; id: string } | undefined;
  let n = 0;
  while (n < cap) {
    const page = await listAlerts(db, { ...f, after, limit: Math.min(500, cap - n) }, scope);
    for (const it of page.items) yield it;
    n += page.items.length;
    if (!page.next) return;
    after = parseCursor(page.next);
  }
}

export function parseCursor(cursor: string | undefined): { score: number; id: string } | undefined {
  if (!cursor) return undefined;
  const m = /^(\d{1,3}):(\d{1,19})$/.exec(cursor);
  if (!m) return undefined;
  return { score: Number(m[1]), id: m[2] };
}

export async function alertCounts(db: Db, scope: AlertScope = {}): Promise<{ status: string; level: string; n: number }[]> {
  let q = db
    .selectFrom('alerts as a')
    .select(['a.status', 'a.level', (eb) => eb.fn.countAll<string>().as('n')])
    .groupBy(['a.status', 'a.level']);
  if (scope.rightsHolderId) {
    q = q.where('a.mark_id', 'in', db.selectFrom('marks').select('id').where('rights_holder_id', '=', scope.rightsHolderId));
  }
  const rows = await q.execute();
  return rows.map((r) => ({ status: r.status, level: r.level, n: Number(r.n) }));
}

export interface Dashboard {
  byStatus: Record<string, number>;
  byLevel: Record<string, number>;
  newToday: number;
  oldestUnreviewed: { id: string; createdAt: Date; title: string } | null;
  byChannel: { channel: string; n: number; open: number }[];
}

export async function dashboard(db: Db, scope: AlertScope = {}): Promise<Dashboard> {
  // status × level × source in one scan of the alerts (the alert keeps its listing's source)
  let grouped = db
    .selectFrom('alerts as a')
    .select(['a.source_id', 'a.status', 'a.level', (eb) => eb.fn.countAll<string>().as('n')])
    .groupBy(['a.source_id', 'a.status', 'a.level']);
  if (scope.rightsHolderId) {
    grouped = grouped.where('a.mark_id', 'in', db.selectFrom('marks').select('id').where('rights_holder_id', '=', scope.rightsHolderId));
  }
  const scoped = <T extends Q>(q: T) => (scope.rightsHolderId ? (q.where('m.rights_holder_id', '=', scope.rightsHolderId) as T) : q);
  const [rows, sources, today, oldest] = await Promise.all([
    grouped.execute(),
    db.selectFrom('sources').select(['id', 'channel']).execute(),
    scoped(
      db.selectFrom('alerts as a').innerJoin('marks as m', 'm.id', 'a.mark_id').select((eb) => eb.fn.countAll<string>().as('n'))
        .where(sql<boolean>`a.created_at >= (date_trunc('day', now() at time zone 'Asia/Shanghai') at time zone 'Asia/Shanghai')`),
    ).executeTakeFirstOrThrow(),
    scoped(baseQuery(db).select(['a.id', 'a.created_at', 'l.title']).where('a.status', '=', 'new').orderBy('a.created_at').orderBy('a.id').limit(1)).executeTakeFirst(),
  ]);
  const channelOf = new Map(sources.map((x) => [String(x.id), x.channel]));
  const byStatus: Record<string, number> = {};
  const byLevel: Record<string, number> = {};
  const byChannel = new Map<string, { channel: string; n: number; open: number }>();
  for (const r of rows) {
    const n = Number(r.n);
    byStatus[r.status] = (byStatus[r.status] ?? 0) + n;
    byLevel[r.level] = (byLevel[r.level] ?? 0) + n;
    const channel = (r.source_id === null ? undefined : channelOf.get(String(r.source_id))) ?? '?';
    const c = byChannel.get(channel) ?? { channel, n: 0, open: 0 };
    c.n += n;
    if (r.status === 'new' || r.status === 'in_review') c.open += n;
    byChannel.set(channel, c);
  }
  return {
    byStatus,
    byLevel,
    newToday: Number(today.n),
    oldestUnreviewed: oldest ? { id: String(oldest.id), createdAt: oldest.created_at, title: oldest.title } : null,
    byChannel: [...byChannel.values()].sort((x, y) => x.channel.localeCompare(y.channel)),
  };
}

export interface AlertRowForUpdate {
  id: string;
  status: AlertStatus;
  level: AlertLevel;
  score: number;
  reasons: Reason[];
  markId: string;
  listingId: string;
  assigneeId: string | null;
  rightsHolderId: string | null;
  sellerId: string | null;
  channel: string;
}

/** the alert row locked for a state change; undefined if absent or outside the scope */
export async function lockAlert(trx: Transaction<Database>, id: string, scope: AlertScope = {}): Promise<AlertRowForUpdate | undefined> {
  let q = trx
    .selectFrom('alerts as a')
    .innerJoin('marks as m', 'm.id', 'a.mark_id')
    .innerJoin('listings as l', 'l.id', 'a.listing_id')
    .innerJoin('sources as s', 's.id', 'l.source_id')
    .select(['a.id', 'a.status', 'a.level', 'a.score', 'a.reasons', 'a.mark_id', 'a.listing_id', 'a.assignee_id', 'm.rights_holder_id', 'l.seller_id', 's.channel'])
    .where('a.id', '=', id)
    .forUpdate('a');
  if (scope.rightsHolderId) q = q.where('m.rights_holder_id', '=', scope.rightsHolderId);
  const r = await q.executeTakeFirst();
  if (!r) return undefined;
  return {
    id: String(r.id), status: r.status, level: r.level, score: r.score, reasons: r.reasons, markId: String(r.mark_id),
    listingId: String(r.listing_id), assigneeId: r.assignee_id === null ? null : String(r.assignee_id),
    rightsHolderId: r.rights_holder_id === null ? null : String(r.rights_holder_id),
    sellerId: r.seller_id === null ? null : String(r.seller_id), channel: r.channel,
  };
}

export interface AlertChange {
  status?: AlertStatus;
  level?: AlertLevel;
  assigneeId?: string | null;
  dismissReason?: DismissReason | null;
  dismissNote?: string | null;
  referral?: Referral | null;
  outcome?: CloseOutcome | null;
  holderFlag?: 'genuine' | 'infringing' | null;
  holderNote?: string | null;
  decidedAt?: Date | null;
}

export async function updateAlert(trx: Transaction<Database>, id: string, c: AlertChange): Promise<void> {
  await trx
    .updateTable('alerts')
    .set({
      status: c.status,
      level: c.level,
      assignee_id: c.assigneeId,
      dismiss_reason: c.dismissReason,
      dismiss_note: c.dismissNote,
      referral: c.referral === undefined ? undefined : c.referral === null ? null : JSON.stringify(c.referral),
      outcome: c.outcome,
      holder_flag: c.holderFlag,
      holder_note: c.holderNote,
      decided_at: c.decidedAt,
      updated_at: new Date(),
    })
    .where('id', '=', id)
    .execute();
}

export interface NewAlertEvent {
  alertId: string;
  actorKind: 'user' | 'system' | 'rule';
  actorId?: string | null;
  type: string;
  fromStatus?: string | null;
  toStatus?: string | null;
  note?: string | null;
  data?: Record<string, unknown>;
}

export async function insertAlertEvent(trx: Db, e: NewAlertEvent): Promise<void> {
  await trx
    .insertInto('alert_events')
    .values({
      alert_id: e.alertId,
      actor_kind: e.actorKind,
      actor_id: e.actorId ?? null,
      type: e.type,
      from_status: e.fromStatus ?? null,
      to_status: e.toStatus ?? null,
      note: e.note ?? null,
      data: JSON.stringify(e.data ?? {}),
    })
    .execute();
}

export interface AlertEvent {
  id: string;
  actorKind: 'user' | 'system' | 'rule';
  actorId: string | null;
  actorName: string | null;
  type: string;
  fromStatus: string | null;
  toStatus: string | null;
  note: string | null;
  data: Record<string, unknown>;
  createdAt: Date;
}

export async function listAlertEvents(db: Db, alertId: string): Promise<AlertEvent[]> {
  const rows = await db
    .selectFrom('alert_events as e')
    .leftJoin('users as u', 'u.id', 'e.actor_id')
    .select(['e.id', 'e.actor_kind', 'e.actor_id', 'u.name as actor_name', 'e.type', 'e.from_status', 'e.to_status', 'e.note', 'e.data', 'e.created_at'])
    .where('e.alert_id', '=', alertId)
    .orderBy('e.id')
    .execute();
  return rows.map((r) => ({
    id: String(r.id), actorKind: r.actor_kind, actorId: r.actor_id === null ? null : String(r.actor_id), actorName: r.actor_name,
    type: r.type, fromStatus: r.from_status, toStatus: r.to_status, note: r.note, data: r.data, createdAt: r.created_at,
  }));
}

export interface AlertDetail extends AlertListItem {
  dismissReason: DismissReason | null;
  dismissNote: string | null;
  referral: Referral | null;
  outcome: CloseOutcome | null;
  holderNote: string | null;
  assigneeName: string | null;
  markDetails: { registrationNo: string | null; rightsHolderId: string | null; rightsHolderName: string | null; referencePrices: unknown[] };
  listingImages: string[];
  listingFirstSeenAt: Date;
  listingLastSeenAt: Date;
  seller: { id: string; platform: string; externalId: string; name: string | null; location: string | null } | null;
  clueId: string | null;
  priceHistory: { field: string; oldValue: string | null; newValue: string | null; changedAt: Date }[];
}

export async function getAlertDetail(db: Db, id: string, scope: AlertScope = {}): Promise<AlertDetail | undefined> {
  const r = await applyFilter(
    baseQuery(db)
      .leftJoin('users as u', 'u.id', 'a.assignee_id')
      .leftJoin('rights_holders as rh', 'rh.id', 'm.rights_holder_id')
      .leftJoin('sellers as se', 'se.id', 'l.seller_id')
      .leftJoin('clue_sellers as cs', 'cs.seller_id', 'l.seller_id')
      .select(listColumns)
      .select([
        'a.dismiss_reason', 'a.dismiss_note', 'a.referral', 'a.outcome', 'a.holder_note', 'u.name as assignee_name',
        'm.registration_no', 'm.rights_holder_id', 'rh.name as rights_holder_name', 'm.details as mark_details',
        'l.images', 'l.first_seen_at', 'l.last_seen_at',
        'se.platform as seller_platform', 'se.external_id as seller_external_id', 'se.name as seller_real_name', 'se.location as seller_location',
        'cs.clue_id',
      ])
      .where('a.id', '=', id),
    {},
    scope,
  ).executeTakeFirst();
  if (!r) return undefined;
  const changes = await db
    .selectFrom('listing_changes')
    .select(['field', 'old_value', 'new_value', 'changed_at'])
    .where('listing_id', '=', r.listing_id)
    .orderBy('id')
    .execute();
  const details = (r.mark_details ?? {}) as { referencePrices?: unknown[] };
  return {
    ...toListItem(r),
    dismissReason: r.dismiss_reason,
    dismissNote: r.dismiss_note,
    referral: r.referral,
    outcome: r.outcome,
    holderNote: r.holder_note,
    assigneeName: r.assignee_name,
    markDetails: {
      registrationNo: r.registration_no,
      rightsHolderId: r.rights_holder_id === null ? null : String(r.rights_holder_id),
      rightsHolderName: r.rights_holder_name,
      referencePrices: Array.isArray(details.referencePrices) ? details.referencePrices : [],
    },
    listingImages: r.images ?? [],
    listingFirstSeenAt: r.first_seen_at,
    listingLastSeenAt: r.last_seen_at,
    seller: r.seller_id
      ? { id: String(r.seller_id), platform: r.seller_platform!, externalId: r.seller_external_id!, name: r.seller_real_name, location: r.seller_location }
      : null,
    clueId: r.clue_id === null || r.clue_id === undefined ? null : String(r.clue_id),
    priceHistory: changes.map((c) => ({ field: c.field, oldValue: c.old_value, newValue: c.new_value, changedAt: c.changed_at })),
  };
}

export async function getLevelThresholds(db: Db): Promise<{ high: number; medium: number }> {
  const r = await db.selectFrom('alert_settings').select(['level_high', 'level_medium']).where('id', '=', 1).executeTakeFirst();
  return { high: r?.level_high ?? 70, medium: r?.level_medium ?? 50 };
}

export async function setLevelThresholds(db: Db, t: { high: number; medium: number }, userId: string | null): Promise<void> {
  await db
    .insertInto('alert_settings')
    .values({ id: 1, level_high: t.high, level_medium: t.medium, updated_by: userId })
    .onConflict((oc) => oc.column('id').doUpdateSet({ level_high: t.high, level_medium: t.medium, updated_by: userId, updated_at: new Date() }))
    .execute();
}

/** the open alert just before or after (score, id) in queue order: j/k in the console */
export async function neighbourAlert(db: Db, at: { score: number; id: string }, dir: 'next' | 'prev', scope: AlertScope = {}): Promise<string | null> {
  let q = db
    .selectFrom('alerts as a')
    .innerJoin('marks as m', 'm.id', 'a.mark_id')
    .select('a.id')
    .where('a.status', 'in', ['new', 'in_review'])
    .limit(1);
  q = dir === 'next'
    ? q.where(sql<boolean>`(a.score, a.id) < (${at.score}, ${at.id}::bigint)`).orderBy('a.score', 'desc').orderBy('a.id', 'desc')
    : q.where(sql<boolean>`(a.score, a.id) > (${at.score}, ${at.id}::bigint)`).orderBy('a.score', 'asc').orderBy('a.id', 'asc');
  if (scope.rightsHolderId) q = q.where('m.rights_holder_id', '=', scope.rightsHolderId);
  const r = await q.executeTakeFirst();
  return r ? String(r.id) : null;
}

/** choices for the console's filter and assignment menus */
export async function filterChoices(db: Db, scope: AlertScope = {}) {
  let marks = db.selectFrom('marks').select(['id', 'name', 'kind']).where('status', '=', 'active').orderBy('name').limit(2000);
  if (scope.rightsHolderId) marks = marks.where('rights_holder_id', '=', scope.rightsHolderId);
  const [m, s, u] = await Promise.all([
    marks.execute(),
    db.selectFrom('sources').select(['id', 'name']).orderBy('name').execute(),
    db.selectFrom('users').select(['id', 'name']).where('role', 'in', ['admin', 'reviewer']).where('disabled_at', 'is', null).orderBy('name').execute(),
  ]);
  return {
    marks: m.map((r) => ({ value: String(r.id), label: r.kind === 'gi' ? `${r.name}（地理标志）` : r.name })),
    sources: s.map((r) => ({ value: String(r.id), label: r.name })),
    assignees: u.map((r) => ({ value: String(r.id), label: r.name })),
  };
}
