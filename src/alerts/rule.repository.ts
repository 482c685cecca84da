// Admin-configured alert rules: JSON conditions and one action, applied in position order.
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import { ruleActionSchema, ruleConditionsSchema, type RuleAction, type RuleConditions, type RuleInput } from './alert.schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

export interface AlertRule {
  id: string;
  name: string;
  enabled: boolean;
  position: number;
  conditions: RuleConditions;
  action: RuleAction;
  createdAt: Date;
  updatedAt: Date;
}

function toRule(r: { id: string; name: string; enabled: boolean; position: number; conditions: unknown; action: unknown; created_at: Date; updated_at: Date }): AlertRule {
  return {
    id: String(r.id),
    name: r.name,
    enabled: r.enabled,
    position: r.position,
    // stored rows were validated on the way in; parse again so a hand-edited row cannot misfire
    conditions: ruleConditionsSchema.parse(r.conditions),
    action: ruleActionSchema.parse(r.action),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export async function listRules(db: Db, opts: { enabledOnly?: boolean } = {}): Promise<AlertRule[]> {
  let q = db.selectFrom('alert_rules').selectAll().orderBy('position').orderBy('id');
  if (opts.enabledOnly) q = q.where('enabled', '=', true);
  return (await q.execute()).map(toRule);
}

export async function getRule(db: Db, id: string): Promise<AlertRule | undefined> {
  const r = await db.selectFrom('alert_rules').selectAll().where('id', '=', id).executeTakeFirst();
  return r && toRule(r);
}

export async function createRule(db: Db, input: RuleInput, userId: string | null): Promise<AlertRule> {
  const r = await db
    .insertInto('alert_rules')
    .values({
      name: input.name,
      enabled: input.enabled,
      position: input.position,
      conditions: JSON.stringify(input.conditions),
      action: JSON.stringify(input.action),
      created_by: userId,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toRule(r);
}

export async function updateRule(db: Db, id: string, input: RuleInput): Promise<AlertRule | undefined> {
  const r = await db
    .updateTable('alert_rules')
    .set({
      name: input.name,
      enabled: input.enabled,
      position: input.position,
      conditions: JSON.stringify(input.conditions),
      action: JSON.stringify(input.action),
      updated_at: new Date(),
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  return r && toRule(r);
}

export async function deleteRule(db: Db, id: string): Promise<boolean> {
  const r = await db.deleteFrom('alert_rules').where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}
