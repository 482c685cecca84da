import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

export type ListName = 'marks' | 'markets' | 'risk_points' | 'blacklist';

export interface HistoryItem {
  id: string;
  at: Date;
  action: string;
  actor: { id: string; name: string; email: string } | null;
  note: string | null;
  /** on insert the whole entry; on update {column: {from, to}} */
  changes: Record<string, unknown>;
}

export async function listHistory(db: Kysely<Database>, list: ListName, entryId: string): Promise<HistoryItem[]> {
  const rows = await db
    .selectFrom('watchlist_history as h')
    .leftJoin('users as u', 'u.id', 'h.actor_id')
    .select(['h.id', 'h.created_at', 'h.action', 'h.note', 'h.changes', 'u.id as uid', 'u.name as uname', 'u.email as uemail'])
    .where('h.list', '=', list)
    .where('h.entry_id', '=', entryId)
    .orderBy('h.id')
    .execute();
  return rows.map((r) => ({
    id: String(r.id),
    at: r.created_at,
    action: r.action,
    actor: r.uid ? { id: String(r.uid), name: r.uname ?? '', email: r.uemail ?? '' } : null,
    note: r.note,
    changes: r.changes,
  }));
}
