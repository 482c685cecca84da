// Every write to a list runs in a transaction that names its actor: the history trigger
// (migration 0002) reads these transaction-local settings into watchlist_history.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';

export interface ChangeContext {
  /** the user making the change; null for the system (seeds, CLI imports without --as) */
  actorId: string | null;
  /** what the change is called in the history (approve, lift, import…); default insert/update */
  action?: string;
  /** why: a status reason, a lift reason */
  note?: string;
}

export async function withChange<T>(db: Kysely<Database>, change: ChangeContext, fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await setChange(trx, change);
    return fn(trx);
  });
}

export async function setChange(trx: Transaction<Database>, change: ChangeContext): Promise<void> {
  await sql`select set_config('ipclue.actor_id', ${change.actorId ?? ''}, true),
                   set_config('ipclue.action', ${change.action ?? ''}, true),
                   set_config('ipclue.note', ${change.note ?? ''}, true)`.execute(trx);
}
