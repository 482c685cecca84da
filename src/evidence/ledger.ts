// The evidence ledger's hashing and checking, with no database: the same code checks the
// chain in Postgres (ledger.repository.ts) and the chain copied into a referral package
// (package-verify.ts), so a package can be checked by someone who does not trust ipclue.
//
// record_hash = SHA-256 of the canonical JSON of
//   { v: 1, seq, alertId, kind, artefacts, metadata, recordedAt, prevHash }
// and the first record's prevHash is 64 zeros. Editing any field of a record changes its
// hash; deleting or moving a record breaks the prev_hash link of the one after it.
import { canonicalJson, sha256Hex } from './canonical-json.ts';

export const GENESIS_HASH = '0'.repeat(64);
export const LEDGER_FORMAT = 1;

export interface LedgerArtefact {
  /** screenshot, rendered_html, response_body, response_headers */
  name: string;
  sha256: string;
  size: number;
  contentType: string;
}

export interface LedgerRecord {
  seq: number;
  alertId: string;
  kind: string;
  artefacts: LedgerArtefact[];
  metadata: Record<string, unknown>;
  /** ISO 8601 UTC */
  recordedAt: string;
  prevHash: string;
  recordHash: string;
}

export type LedgerBreakKind =
  | 'missing_record'
  | 'reordered'
  | 'broken_link'
  | 'edited_record'
  | 'artefact_missing'
  | 'artefact_modified'
  | 'truncated';

export interface LedgerBreak {
  kind: LedgerBreakKind;
  /** the record where the break shows */
  seq: number;
  message: string;
  sha256?: string;
}

export function recordHashOf(r: Omit<LedgerRecord, 'recordHash'>): string {
  return sha256Hex(
    canonicalJson({
      v: LEDGER_FORMAT,
      seq: r.seq,
      alertId: r.alertId,
      kind: r.kind,
      artefacts: r.artefacts,
      metadata: r.metadata,
      recordedAt: r.recordedAt,
      prevHash: r.prevHash,
    }),
  );
}

/**
 * Walks records in seq order and returns the first break, or null. `prev` is the record before
 * the first one given (for walking in batches); `hashIsKnown` answers whether a hash belongs to
 * some other record of the ledger, which tells a reordering from an edit.
 */
export function checkRecords(
  records: readonly LedgerRecord[],
  prev: { seq: number; recordHash: string } = { seq: 0, recordHash: GENESIS_HASH },
  hashIsKnown: (hash: string) => number | undefined = () => undefined,
): LedgerBreak | null {
  let last = prev;
  for (const r of records) {
    const expected = last.seq + 1;
    if (r.seq > expected) {
      const range = r.seq - 1 === expected ? `${expected}` : `${expected}–${r.seq - 1}`;
      return { kind: 'missing_record', seq: r.seq, message: `record ${range} is missing: the chain jumps from ${last.seq} to ${r.seq} (deleted record)` };
    }
    if (r.seq < expected) {
      return { kind: 'reordered', seq: r.seq, message: `record ${r.seq} appears after record ${last.seq} (records out of order)` };
    }
    const intact = recordHashOf(r) === r.recordHash;
    if (r.prevHash !== last.recordHash) {
      const other = hashIsKnown(r.prevHash);
      if (other !== undefined && other !== last.seq) {
        return { kind: 'reordered', seq: r.seq, message: `record ${r.seq} links to record ${other}, not to record ${last.seq}: records have been reordered` };
      }
      if (intact) {
        return { kind: 'broken_link', seq: r.seq, message: `record ${r.seq} does not link to record ${last.seq} (its prev_hash is ${r.prevHash.slice(0, 12)}…, record ${last.seq} hashes to ${last.recordHash.slice(0, 12)}…): a record before it was edited or replaced` };
      }
    }
    if (!intact) {
      return { kind: 'edited_record', seq: r.seq, message: `record ${r.seq} has been edited: its content no longer hashes to its record_hash` };
    }
    last = { seq: r.seq, recordHash: r.recordHash };
  }
  return null;
}

/** A contiguous stretch of the chain: enough to show that the given records sit in it. */
export interface ChainLink {
  seq: number;
  prevHash: string;
  recordHash: string;
}

export interface ChainProof {
  genesis: string;
  /** links from the first to the last record of the package, in order */
  links: ChainLink[];
  /** the head of the whole ledger when the package was made */
  head: { seq: number; recordHash: string };
}

/** Checks records against a chain proof (every record intact, in the links, links contiguous). */
export function checkChainProof(records: readonly LedgerRecord[], proof: ChainProof): string | null {
  if (records.length === 0) return 'the package holds no ledger records';
  const bySeq = new Map<number, ChainLink>();
  for (let i = 0; i < proof.links.length; i++) {
    const l = proof.links[i];
    if (i > 0) {
      const p = proof.links[i - 1];
      if (l.seq !== p.seq + 1) return `chain proof: link ${l.seq} follows link ${p.seq} (a gap or reordering)`;
      if (l.prevHash !== p.recordHash) return `chain proof: link ${l.seq} does not link to link ${p.seq}`;
    } else if (l.seq === 1 && l.prevHash !== proof.genesis) {
      return 'chain proof: record 1 does not start from the genesis hash';
    }
    bySeq.set(l.seq, l);
  }
  const tail = proof.links[proof.links.length - 1];
  if (tail && tail.seq > proof.head.seq) return `chain proof: link ${tail.seq} lies beyond the recorded head ${proof.head.seq}`;
  if (tail && tail.seq === proof.head.seq && tail.recordHash !== proof.head.recordHash) return 'chain proof: the last link is not the recorded head';
  for (const r of records) {
    if (recordHashOf(r) !== r.recordHash) return `ledger record ${r.seq} has been edited: its content no longer hashes to its record_hash`;
    const link = bySeq.get(r.seq);
    if (!link) return `ledger record ${r.seq} is not in the chain proof`;
    if (link.recordHash !== r.recordHash || link.prevHash !== r.prevHash) return `ledger record ${r.seq} does not match its link in the chain proof`;
  }
  return null;
}
