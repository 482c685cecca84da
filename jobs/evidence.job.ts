// evidence: capture one alert's listing page as evidence (screenshot, rendered HTML, raw
// response, hashes) and append it to the hash-chained evidence ledger.
// Cadence: once per alert at or above EVIDENCE_MIN_LEVEL when it is created (jobId
// `ev-<alertId>`, so a re-matched listing does not capture twice), and on demand from the
// console. Cost: one page load in Chromium per capture (up to EVIDENCE_TIMEOUT_MS) on a browser
// kept warm per process while captures keep coming. Locking: ledger appends take a
// Postgres advisory lock; a retried job finds its own record (by job id) and does not capture
// again.
import { UnrecoverableError, type Job } from 'bullmq';
import { parsePayload } from '../src/queues/queues.ts';
import { AppError } from '../src/errors.ts';
import { CaptureError } from '../src/evidence/capture.ts';
import { captureAlertEvidence, createArtefactStore } from '../src/evidence/evidence.service.ts';
import { SharedBrowser } from '../src/evidence/shared-browser.ts';
import type { JobDeps } from './deps.ts';

const browsers = new Map<string, SharedBrowser>();

export async function processEvidence(
  job: Job,
  deps: JobDeps,
): Promise<{ seq: number; recordHash: string; outcome: string; repeated: boolean }> {
  const p = parsePayload('evidence', job.data);
  const { db, config } = deps.ctx;
  try {
    let shared = browsers.get(config.CHROMIUM_PATH);
    if (!shared) browsers.set(config.CHROMIUM_PATH, (shared = new SharedBrowser(config.CHROMIUM_PATH)));
    const res = await shared.use((browser) =>
      captureAlertEvidence(
        { db, config, store: createArtefactStore(config), browser },
        { alertId: p.alertId, reason: p.reason, requestedBy: p.requestedBy ?? null, jobId: job.id },
      ),
    );
    return { seq: res.record.seq, recordHash: res.record.recordHash, outcome: res.capture.outcome, repeated: res.repeated };
  } catch (err) {
    if (err instanceof AppError && err.code === 'not_found') throw new UnrecoverableError(err.message);
    if (err instanceof CaptureError && !err.retryable) throw new UnrecoverableError(err.message);
    throw err;
  }
}

/** closes the warm browsers now (tests; a worker process simply exits) */
export async function closeEvidenceBrowsers(): Promise<void> {
  const all = [...browsers.values()];
  browsers.clear();
  await Promise.all(all.map((b) => b.close()));
}
