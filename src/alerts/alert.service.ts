// The review workflow. An alert moves new → in_review → confirmed | dismissed, then
// confirmed → referred (移送) → closed; a dismissal can be reopened. Every change is one
// alert_events row written in the same transaction as the change: who (a user, a rule or the
// system), when, from → to, and why.
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import {
  getLevelThresholds,
  insertAlertEvent,
  lockAlert,
  selectAlertIds,
  updateAlert,
  upsertAlertIn,
  type AlertFilter,
  type AlertLevel,
  type AlertRowForUpdate,
  type AlertScope,
  type AlertStatus,
  type AlertUpsert,
  type UpsertResult,
} from './alert.repository.ts';
import type { AlertAction, RuleConditions } from './alert.schema.ts';
import { listRules, type AlertRule } from './rule.repository.ts';
import { addSellerIdentities, ensureClueForSeller, identityFromRaw, maybeProposeBlacklist } from '../clues/clue.repository.ts';

export type Actor =
  | { kind: 'user'; id: string; role?: string }
  | { kind: 'rule'; ruleId: string; ruleName: string }
  | { kind: 'system' };

const actorCols = (a: Actor) => ({
  actorKind: a.kind,
  actorId: a.kind === 'user' ? a.id : null,
});
const actorData = (a: Actor): Record<string, unknown> => (a.kind === 'rule' ? { ruleId: a.ruleId, ruleName: a.ruleName } : {});

export function levelFor(score: number, t: { high: number; medium: number }): AlertLevel {
  return score >= t.high ? 'high' : score >= t.medium ? 'medium' : 'low';
}

/**
 * A scored listing becomes (or updates) its alert: level from the configured thresholds, the
 * seller joins its clue, and the admin rules run; all in one transaction.
 */
export async function ingestAlert(db: Kysely<Database>, a: AlertUpsert): Promise<UpsertResult & { level: AlertLevel }> {
  return db.transaction().execute(async (trx) => {
    const level = levelFor(a.score, await getLevelThresholds(trx));
    const res = await upsertAlertIn(trx, { ...a, level });
    if (!res.id || (!res.created && !res.updated)) return { ...res, level };
    const listing = await trx.selectFrom('listings').select(['seller_id', 'raw']).where('id', '=', a.listingId).executeTakeFirst();
    if (listing?.seller_id) {
      await addSellerIdentities(trx, String(listing.seller_id), identityFromRaw(listing.raw ?? {}));
      await ensureClueForSeller(trx, String(listing.seller_id));
    }
    const after = await applyRulesIn(trx, res.id);
    return { ...res, level: after?.level ?? level };
  });
}

async function sellerBlacklisted(trx: Transaction<Database>, sellerId: string | null): Promise<boolean> {
  if (!sellerId) return false;
  const s = await trx.selectFrom('sellers').select(['platform', 'external_id', 'name']).where('id', '=', sellerId).executeTakeFirst();
  if (!s) return false;
  const hit = await trx
    .selectFrom('blacklist')
    .select('id')
    .where('lifted_at', 'is', null)
    .where((eb) =>
      eb.or([
        eb.and([eb('platform', '=', s.platform), eb('seller_id', '=', s.external_id)]),
        ...(s.name ? [eb('seller_name', '=', s.name)] : []),
        eb(
          'credit_code',
          'in',
          eb.selectFrom('seller_identities').select('value').where('seller_id', '=', sellerId).where('kind', '=', 'credit_code'),
        ),
      ]),
    )
    .limit(1)
    .executeTakeFirst();
  return Boolean(hit);
}

export function ruleMatches(c: RuleConditions, a: AlertRowForUpdate, facts: { blacklisted: boolean }): boolean {
  const codes = new Set(a.reasons.map((r) => r.code));
  if (c.scoreGte !== undefined && a.score < c.scoreGte) return false;
  if (c.scoreLt !== undefined && a.score >= c.scoreLt) return false;
  if (c.levels && !c.levels.includes(a.level)) return false;
  if (c.reasonCodes && !c.reasonCodes.every((x) => codes.has(x))) return false;
  if (c.sellerAuthorised !== undefined && codes.has('seller.authorised') !== c.sellerAuthorised) return false;
  if (c.sellerBlacklisted !== undefined && (codes.has('seller.blacklisted') || facts.blacklisted) !== c.sellerBlacklisted) return false;
  if (c.channels && !c.channels.includes(a.channel)) return false;
  if (c.markIds && !c.markIds.includes(a.markId)) return false;
  return true;
}

/** runs the enabled rules on one alert; their changes are recorded with actor_kind 'rule' */
export async function applyRulesIn(trx: Transaction<Database>, alertId: string, rules?: AlertRule[]): Promise<AlertRowForUpdate | undefined> {
  const list = rules ?? (await listRules(trx, { enabledOnly: true }));
  let a = await lockAlert(trx, alertId);
  if (!a || list.length === 0) return a;
  const blacklisted = list.some((r) => r.conditions.sellerBlacklisted !== undefined) ? await sellerBlacklisted(trx, a.sellerId) : false;
  for (const rule of list) {
    if (!ruleMatches(rule.conditions, a, { blacklisted })) continue;
    const actor: Actor = { kind: 'rule', ruleId: rule.id, ruleName: rule.name };
    const act = rule.action;
    // a rule decides only what no person has decided yet
    if (act.type === 'dismiss' && a.status === 'new') {
      await updateAlert(trx, a.id, { status: 'dismissed', dismissReason: act.reason, dismissNote: act.note, decidedAt: new Date() });
      await insertAlertEvent(trx, {
        alertId: a.id, ...actorCols(actor), type: 'dismissed', fromStatus: 'new', toStatus: 'dismissed',
        note: `规则“${rule.name}”：${act.note}`, data: { ...actorData(actor), reason: act.reason },
      });
    } else if (act.type === 'set_level' && a.level !== act.level) {
      await updateAlert(trx, a.id, { level: act.level });
      await insertAlertEvent(trx, {
        alertId: a.id, ...actorCols(actor), type: 'level_changed', note: `规则“${rule.name}”`,
        data: { ...actorData(actor), from: a.level, to: act.level },
      });
    } else if (act.type === 'assign' && a.assigneeId === null) {
      await updateAlert(trx, a.id, { assigneeId: act.assigneeId });
      await insertAlertEvent(trx, { alertId: a.id, ...actorCols(actor), type: 'assigned', note: `规则“${rule.name}”`, data: { ...actorData(actor), to: act.assigneeId } });
    } else {
      continue;
    }
    a = (await lockAlert(trx, alertId))!;
  }
  return a;
}

const transitions: Record<'start_review' | 'confirm' | 'dismiss' | 'refer' | 'close' | 'reopen', { from: AlertStatus[]; to: AlertStatus; type: string }> = {
  start_review: { from: ['new'], to: 'in_review', type: 'review_started' },
  confirm: { from: ['in_review'], to: 'confirmed', type: 'confirmed' },
  dismiss: { from: ['in_review'], to: 'dismissed', type: 'dismissed' },
  refer: { from: ['confirmed'], to: 'referred', type: 'referred' },
  close: { from: ['referred'], to: 'closed', type: 'closed' },
  reopen: { from: ['dismissed'], to: 'in_review', type: 'reopened' },
};

export const statusWords: Record<AlertStatus, string> = {
  new: '待处理', in_review: '审核中', confirmed: '已确认', dismissed: '已排除', referred: '已移送', closed: '已办结',
};

/** a rule must not name a user who cannot take alerts: it would fail every match it applies to */
export async function validateRule(db: Kysely<Database>, action: { type: string; assigneeId?: string }): Promise<void> {
  if (action.type === 'assign' && action.assigneeId) {
    await db.transaction().execute((trx) => assertAssignable(trx, action.assigneeId!, 'action.assigneeId'));
  }
}

async function assertAssignable(trx: Transaction<Database>, userId: string, field = 'assigneeId'): Promise<void> {
  const u = await trx.selectFrom('users').select(['role', 'disabled_at']).where('id', '=', userId).executeTakeFirst();
  if (!u || u.disabled_at) throw new AppError('bad_request', `user ${userId} does not exist`, field);
  if (u.role === 'rights_holder') throw new AppError('bad_request', 'alerts are assigned to reviewers or administrators', field);
}

/** one action on one alert inside the caller's transaction */
export async function applyActionIn(
  trx: Transaction<Database>,
  alertId: string,
  action: AlertAction,
  actor: Actor,
  scope: AlertScope = {},
  extra: Record<string, unknown> = {},
): Promise<{ id: string; status: AlertStatus }> {
  const a = await lockAlert(trx, alertId, scope);
  if (!a) throw new AppError('not_found', `alert ${alertId} not found`);
  const who = actorCols(actor);
  const data = { ...actorData(actor), ...extra };

  if (action.action === 'comment') {
    await insertAlertEvent(trx, { alertId: a.id, ...who, type: 'comment', note: action.note, data });
    return { id: a.id, status: a.status };
  }
  if (action.action === 'assign') {
    if (action.assigneeId) await assertAssignable(trx, action.assigneeId);
    if (a.assigneeId === action.assigneeId) return { id: a.id, status: a.status };
    await updateAlert(trx, a.id, { assigneeId: action.assigneeId });
    await insertAlertEvent(trx, { alertId: a.id, ...who, type: 'assigned', note: action.note ?? null, data: { ...data, from: a.assigneeId, to: action.assigneeId } });
    return { id: a.id, status: a.status };
  }

  const t = transitions[action.action];
  let from = a.status;
  // confirming or dismissing a new alert is a review in one step: both steps are recorded
  if ((action.action === 'confirm' || action.action === 'dismiss') && from === 'new') {
    await updateAlert(trx, a.id, { status: 'in_review' });
    await insertAlertEvent(trx, { alertId: a.id, ...who, type: 'review_started', fromStatus: 'new', toStatus: 'in_review', data });
    from = 'in_review';
  }
  if (!t.from.includes(from)) {
    throw new AppError('conflict', `cannot ${action.action.replace('_', ' ')} an alert that is ${from} (${statusWords[from]})`, 'action');
  }
  const now = new Date();
  switch (action.action) {
    case 'start_review':
      // the reviewer who opens it takes it, unless it is already someone's
      await updateAlert(trx, a.id, { status: t.to, assigneeId: a.assigneeId ?? (actor.kind === 'user' ? actor.id : null) });
      break;
    case 'confirm':
      await updateAlert(trx, a.id, { status: t.to, decidedAt: now, dismissReason: null, dismissNote: null });
      break;
    case 'dismiss':
      await updateAlert(trx, a.id, { status: t.to, decidedAt: now, dismissReason: action.reason, dismissNote: action.note });
      break;
    case 'refer':
      await updateAlert(trx, a.id, {
        status: t.to,
        referral: {
          unit: action.referral.unit ?? null,
          regionCode: action.referral.regionCode ?? null,
          referenceNo: action.referral.referenceNo,
          referredOn: action.referral.referredOn,
        },
      });
      break;
    case 'close':
      await updateAlert(trx, a.id, { status: t.to, outcome: action.outcome });
      break;
    case 'reopen':
      await updateAlert(trx, a.id, { status: t.to, decidedAt: null });
      break;
  }
  const eventData: Record<string, unknown> = { ...data };
  if (action.action === 'dismiss') eventData.reason = action.reason;
  if (action.action === 'refer') eventData.referral = action.referral;
  if (action.action === 'close') eventData.outcome = action.outcome;
  await insertAlertEvent(trx, { alertId: a.id, ...who, type: t.type, fromStatus: from, toStatus: t.to, note: action.note ?? null, data: eventData });
  if (action.action === 'confirm' && a.sellerId) await maybeProposeBlacklist(trx, a.sellerId);
  return { id: a.id, status: t.to };
}

export async function applyAction(db: Kysely<Database>, alertId: string, action: AlertAction, actor: Actor, scope: AlertScope = {}) {
  return db.transaction().execute((trx) => applyActionIn(trx, alertId, action, actor, scope));
}

/** a rights holder's own judgement on an alert on its marks: recorded, shown to reviewers */
export async function flagByHolder(
  db: Kysely<Database>,
  alertId: string,
  flag: 'genuine' | 'infringing',
  note: string | undefined,
  actor: { id: string },
  scope: AlertScope,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const a = await lockAlert(trx, alertId, scope);
    if (!a) throw new AppError('not_found', `alert ${alertId} not found`);
    await updateAlert(trx, a.id, { holderFlag: flag, holderNote: note ?? null });
    await insertAlertEvent(trx, {
      alertId: a.id, actorKind: 'user', actorId: actor.id, type: 'holder_flag',
      note: note ?? null, data: { flag },
    });
  });
}

export const BULK_CAP = 1000;

export interface BulkResult {
  matched: number;
  applied: number;
  skipped: { id: string; reason: string }[];
}

/**
 * One action over the queue's filtered selection (at most BULK_CAP alerts). Each alert changes
 * in its own transaction with its own event; alerts the action does not apply to are skipped
 * and reported, the rest go through.
 */
export async function bulkAction(db: Kysely<Database>, filter: AlertFilter, action: AlertAction, actor: Actor, scope: AlertScope = {}): Promise<BulkResult> {
  const ids = await selectAlertIds(db, filter, scope, BULK_CAP);
  const out: BulkResult = { matched: ids.length, applied: 0, skipped: [] };
  for (const id of ids) {
    try {
      await db.transaction().execute((trx) => applyActionIn(trx, id, action, actor, scope, { bulk: true }));
      out.applied++;
    } catch (err) {
      if (err instanceof AppError && (err.code === 'conflict' || err.code === 'not_found')) out.skipped.push({ id, reason: err.message });
      else throw err;
    }
  }
  return out;
}
