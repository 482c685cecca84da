// The ledger in Postgres: append under an advisory lock (so seq is gapless and each record
// sees its predecessor), read, and verify the whole chain plus the artefacts it names.
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Database, EvidenceLedgerTable } from '../db/schema.ts';
import type { ArtefactStore } from './artefact-store.ts';
import {
  GENESIS_HASH,
  checkRecords,
  recordHashOf,
  type ChainProof,
  type LedgerArtefact,
  type LedgerBreak,
  type LedgerRecord,
} from './ledger.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** pg_advisory_xact_lock key of the ledger's append ("ipclue evidence") */
const LEDGER_LOCK = 0x1dc1e7e0;

export interface NewLedgerRecord {
  alertId: string;
  kind: string;
  artefacts: LedgerArtefact[];
  metadata: Record<string, unknown>;
  recordedAt?: Date;
}

function toRecord(r: Selectable<EvidenceLedgerTable>): LedgerRecord {
  return {
    seq: Number(r.seq),
    alertId: String(r.alert_id),
    kind: r.kind,
    artefacts: r.artefacts,
    metadata: r.metadata,
    recordedAt: r.recorded_at.toISOString(),
    prevHash: r.prev_hash,
    recordHash: r.record_hash,
  };
}

/** Appends one record; must run inside a transaction (the lock is held until it commits). */
export async function appendLedgerRecord(trx: Transaction<Database>, input: NewLedgerRecord): Promise<LedgerRecord> {
  await sql`select pg_advisory_xact_lock(${LEDGER_LOCK})`.execute(trx);
  const last = await trx.selectFrom('evidence_ledger').select(['seq', 'record_hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  // jsonb keeps neither key order nor `undefined`: hash exactly what will be read back
  const metadata = JSON.parse(JSON.stringify(input.metadata)) as Record<string, unknown>;
  const artefacts = JSON.parse(JSON.stringify(input.artefacts)) as LedgerArtefact[];
  // timestamptz keeps microseconds, JS dates milliseconds: the ISO string round-trips exactly
  const recordedAt = new Date(Math.floor((input.recordedAt ?? new Date()).getTime()));
  const body = {
    seq: last ? Number(last.seq) + 1 : 1,
    alertId: input.alertId,
    kind: input.kind,
    artefacts,
    metadata,
    recordedAt: recordedAt.toISOString(),
    prevHash: last?.record_hash ?? GENESIS_HASH,
  };
  const recordHash = recordHashOf(body);
  await trx
    .insertInto('evidence_ledger')
    .values({
      seq: body.seq,
      alert_id: body.alertId,
      kind: body.kind,
      artefacts: JSON.stringify(artefacts),
      metadata: JSON.stringify(metadata),
      recorded_at: recordedAt,
      prev_hash: body.prevHash,
      record_hash: recordHash,
    })
    .execute();
  return { ...body, recordHash };
}

/**
 * Appends a capture to the ledger and anchors it in the alert's history (seq and record hash),
 * in one transaction: the anchor is what reveals a deleted newest record.
 */
export async function recordCapture(
  db: Kysely<Database>,
  input: { alertId: string; artefacts: LedgerArtefact[]; metadata: Record<string, unknown>; requestedBy: string | null; note: string; outcome: string },
): Promise<LedgerRecord> {
  return db.transaction().execute(async (trx) => {
    const rec = await appendLedgerRecord(trx, { alertId: input.alertId, kind: 'capture', artefacts: input.artefacts, metadata: input.metadata });
    await trx
      .insertInto('alert_events')
      .values({
        alert_id: input.alertId,
        actor_id: input.requestedBy,
        actor_kind: input.requestedBy ? 'user' : 'system',
        type: 'evidence_captured',
        note: input.note,
        data: JSON.stringify({ seq: rec.seq, recordHash: rec.recordHash, outcome: input.outcome, artefacts: input.artefacts.length }),
      })
      .execute();
    return rec;
  });
}

export async function listLedgerRecords(db: Db, filter: { alertIds: string[] }): Promise<LedgerRecord[]> {
  if (filter.alertIds.length === 0) return [];
  const rows = await db.selectFrom('evidence_ledger').selectAll().where('alert_id', 'in', filter.alertIds).orderBy('seq').execute();
  return rows.map(toRecord);
}

export async function findRecordByJobId(db: Db, alertId: string, jobId: string): Promise<LedgerRecord | undefined> {
  const row = await db
    .selectFrom('evidence_ledger')
    .selectAll()
    .where('alert_id', '=', alertId)
    .where(sql<boolean>`metadata->>'jobId' = ${jobId}`)
    .executeTakeFirst();
  return row ? toRecord(row) : undefined;
}

/** the records that hold an artefact (for access checks and serving) */
export async function recordsWithArtefact(db: Db, sha256: string): Promise<LedgerRecord[]> {
  const rows = await db
    .selectFrom('evidence_ledger')
    .selectAll()
    .where(sql<boolean>`artefacts @> ${JSON.stringify([{ sha256 }])}::jsonb`)
    .orderBy('seq')
    .execute();
  return rows.map(toRecord);
}

/** The stretch of the chain from the first to the last of `seqs`, and the current head. */
export async function chainProof(db: Db, seqs: number[]): Promise<ChainProof> {
  const from = Math.min(...seqs);
  const to = Math.max(...seqs);
  const links = await db
    .selectFrom('evidence_ledger')
    .select(['seq', 'prev_hash', 'record_hash'])
    .where('seq', '>=', String(from))
    .where('seq', '<=', String(to))
    .orderBy('seq')
    .execute();
  const head = await db.selectFrom('evidence_ledger').select(['seq', 'record_hash']).orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
  return {
    genesis: GENESIS_HASH,
    links: links.map((l) => ({ seq: Number(l.seq), prevHash: l.prev_hash, recordHash: l.record_hash })),
    head: { seq: Number(head.seq), recordHash: head.record_hash },
  };
}

export interface LedgerVerification {
  ok: boolean;
  records: number;
  artefacts: number;
  head: { seq: number; recordHash: string } | null;
  firstBreak: LedgerBreak | null;
}

/**
 * Walks the whole chain in seq order (in batches), re-hashing every record and every artefact
 * it names, and reports the first break. Deleting the newest records leaves a shorter but
 * valid chain, so each capture is also anchored in the (equally append-only) alert history:
 * an `evidence_captured` event whose record is gone or different is a break too.
 */
export async function verifyLedger(db: Kysely<Database>, store: ArtefactStore, opts: { batch?: number } = {}): Promise<LedgerVerification> {
  const batch = opts.batch ?? 500;
  const hashToSeq = new Map<string, number>();
  for (const r of await db.selectFrom('evidence_ledger').select(['seq', 'record_hash']).execute()) hashToSeq.set(r.record_hash, Number(r.seq));

  let prev = { seq: 0, recordHash: GENESIS_HASH };
  let records = 0;
  let artefacts = 0;
  const seen = new Map<number, string>();
  const result = (firstBreak: LedgerBreak | null): LedgerVerification => ({
    ok: !firstBreak,
    records,
    artefacts,
    head: prev.seq ? prev : null,
    firstBreak,
  });

  for (;;) {
    const rows = await db.selectFrom('evidence_ledger').selectAll().where('seq', '>', String(prev.seq)).orderBy('seq').limit(batch).execute();
    if (rows.length === 0) break;
    for (const row of rows) {
      const r = toRecord(row);
      const broken = checkRecords([r], prev, (h) => hashToSeq.get(h));
      if (broken) return result(broken);
      for (const a of r.artefacts) {
        const state = await store.check(a.sha256);
        if (state !== 'ok') {
          return result({
            kind: state === 'missing' ? 'artefact_missing' : 'artefact_modified',
            seq: r.seq,
            sha256: a.sha256,
            message: `record ${r.seq}: artefact ${a.name} ${a.sha256} is ${state === 'missing' ? 'missing from the store' : 'modified (its bytes no longer hash to its name)'} (${store.describe(a.sha256)})`,
          });
        }
        artefacts++;
      }
      seen.set(r.seq, r.recordHash);
      records++;
      prev = { seq: r.seq, recordHash: r.recordHash };
    }
  }

  const anchors = await db
    .selectFrom('alert_events')
    .select(['alert_id', 'data'])
    .where('type', '=', 'evidence_captured')
    .orderBy('id')
    .execute();
  for (const a of anchors) {
    const d = a.data as { seq?: number; recordHash?: string };
    if (typeof d.seq !== 'number' || typeof d.recordHash !== 'string') continue;
    const have = seen.get(d.seq);
    if (have === undefined) {
      return result({ kind: 'truncated', seq: d.seq, message: `record ${d.seq} (alert ${a.alert_id}) is named in the alert's history but missing from the ledger (deleted record)` });
    }
    if (have !== d.recordHash) {
      return result({ kind: 'edited_record', seq: d.seq, message: `record ${d.seq} differs from the record_hash the alert's history recorded when it was captured` });
    }
  }
  return result(null);
}
