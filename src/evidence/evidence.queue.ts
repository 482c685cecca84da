// Queueing captures. An automatic capture has the job id `ev-<alertId>`: BullMQ keeps one job
// per id, so a listing matched again (or a retried match job) never captures twice. A capture
// asked for by a user always gets its own job.
import type { Queues } from '../queues/queues.ts';

export async function queueEvidenceCapture(
  queues: Pick<Queues, 'evidence'>,
  alertId: string,
  opts: { reason: 'auto' | 'manual'; requestedBy?: string | null },
): Promise<string> {
  const jobId = opts.reason === 'auto' ? `ev-${alertId}` : `ev-${alertId}-m${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const job = await queues.evidence.add('evidence', { alertId, reason: opts.reason, requestedBy: opts.requestedBy ?? null }, { jobId });
  return job.id ?? jobId;
}
