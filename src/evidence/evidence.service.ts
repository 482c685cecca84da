// Evidence for an alert: capture the listing page, store the artefacts, append a ledger record
// and note it in the alert's history, all or nothing (the artefacts are content-addressed, so
// a failed append leaves at most unreferenced files, never a dangling record).
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { Browser } from 'playwright-core';
import type { Config } from '../config/config.ts';
import type { Database } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import { FsArtefactStore, type ArtefactStore } from './artefact-store.ts';
import { capturePage, type CaptureResult } from './capture.ts';
import { findRecordByJobId, listLedgerRecords, recordCapture } from './ledger.repository.ts';
import { captureTarget } from './dossier.repository.ts';
import type { LedgerArtefact, LedgerRecord } from './ledger.ts';

export const ALERT_LEVEL_RANK = { low: 1, medium: 2, high: 3 } as const;

export function evidenceDir(config: Pick<Config, 'EVIDENCE_DIR' | 'DATA_DIR'>): string {
  return config.EVIDENCE_DIR ?? path.join(config.DATA_DIR, 'evidence');
}

export function createArtefactStore(config: Pick<Config, 'EVIDENCE_DIR' | 'DATA_DIR'>): ArtefactStore {
  return new FsArtefactStore(evidenceDir(config));
}

/** whether an alert of this level is captured automatically when it is created */
export function shouldAutoCapture(config: Pick<Config, 'EVIDENCE_MIN_LEVEL'>, level: 'high' | 'medium' | 'low'): boolean {
  const min = config.EVIDENCE_MIN_LEVEL;
  return min !== 'off' && ALERT_LEVEL_RANK[level] >= ALERT_LEVEL_RANK[min];
}

export interface CaptureRequest {
  alertId: string;
  reason: 'auto' | 'manual';
  /** the user who asked (manual captures from the console) */
  requestedBy?: string | null;
  /** the queue job: a retried job finds its own record instead of capturing again */
  jobId?: string;
}

export interface EvidenceDeps {
  db: Kysely<Database>;
  config: Config;
  store: ArtefactStore;
  browser?: Browser;
}

export interface AlertCapture {
  record: LedgerRecord;
  capture: { outcome: CaptureResult['outcome']; partialReasons: string[]; goneReason: string | null; finalUrl: string | null; status: number | null };
  repeated: boolean;
}

export async function captureAlertEvidence(deps: EvidenceDeps, req: CaptureRequest): Promise<AlertCapture> {
  const { db, config, store } = deps;
  const target = await captureTarget(db, req.alertId);
  if (!target) throw new AppError('not_found', `no alert ${req.alertId}`);

  if (req.jobId) {
    const done = await findRecordByJobId(db, req.alertId, req.jobId);
    if (done) {
      const c = (done.metadata.capture ?? {}) as AlertCapture['capture'];
      return { record: done, capture: c, repeated: true };
    }
  }

  const cap = await capturePage(target.url, {
    executablePath: config.CHROMIUM_PATH,
    timeoutMs: config.EVIDENCE_TIMEOUT_MS,
    maxBytes: config.EVIDENCE_MAX_BYTES,
    // demo and test sources live on this machine; everything else must be a public address
    allowPrivate: target.local,
    browser: deps.browser,
  });

  const artefacts: LedgerArtefact[] = [];
  for (const a of cap.artefacts) {
    const put = await store.put(a.bytes);
    artefacts.push({ name: a.name, sha256: put.sha256, size: put.size, contentType: a.contentType });
  }
  const capture = {
    outcome: cap.outcome,
    requestedUrl: cap.requestedUrl,
    finalUrl: cap.finalUrl,
    status: cap.status,
    redirects: cap.redirects,
    goneReason: cap.goneReason ?? null,
    partialReasons: cap.partialReasons,
    capturedAt: cap.capturedAt,
    finishedAt: cap.finishedAt,
    clock: cap.clock,
    browser: cap.browser,
  };
  const record = await recordCapture(db, {
    alertId: req.alertId,
    artefacts,
    requestedBy: req.requestedBy ?? null,
    note: captureNote(cap),
    outcome: cap.outcome,
    metadata: {
      jobId: req.jobId ?? null,
      reason: req.reason,
      requestedBy: req.requestedBy ?? null,
      // the listing as ipclue knew it at capture time, bound into the record's hash
      listing: {
        id: String(target.listing_id),
        url: target.url,
        title: target.title,
        price: target.price,
        currency: target.currency,
        sellerName: target.seller_name,
        source: target.source_slug,
      },
      capture,
    },
  });
  return { record, capture, repeated: false };
}

function captureNote(cap: CaptureResult): string {
  if (cap.outcome === 'gone') return `页面已失效 (page gone: ${cap.goneReason})`;
  if (cap.outcome === 'partial') return `部分取证 (partial capture: ${cap.partialReasons.join(', ')})`;
  return '取证完成 (captured)';
}

export interface EvidenceListItem {
  seq: number;
  recordHash: string;
  recordedAt: string;
  reason: string;
  outcome: string;
  capturedAt: string | null;
  finalUrl: string | null;
  partialReasons: string[];
  goneReason: string | null;
  artefacts: { name: string; sha256: string; size: number; contentType: string }[];
}

export async function listAlertEvidence(db: Kysely<Database>, alertId: string): Promise<EvidenceListItem[]> {
  const records = await listLedgerRecords(db, { alertIds: [alertId] });
  return records.map((r) => {
    const c = (r.metadata.capture ?? {}) as Record<string, any>;
    return {
      seq: r.seq,
      recordHash: r.recordHash,
      recordedAt: r.recordedAt,
      reason: String(r.metadata.reason ?? ''),
      outcome: String(c.outcome ?? ''),
      capturedAt: c.capturedAt ?? null,
      finalUrl: c.finalUrl ?? null,
      partialReasons: c.partialReasons ?? [],
      goneReason: c.goneReason ?? null,
      artefacts: r.artefacts,
    };
  });
}
