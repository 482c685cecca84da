// match: score one new or changed listing against the active watchlist and upsert its alerts.
// Cost: pure CPU on a compiled index (rebuilt in the background when the watchlist version
// moves). Idempotent: alerts are unique per (listing, entry) and only change when the score does.
import type { Job } from 'bullmq';
import { parsePayload } from '../src/queues/queues.ts';
import { getListing } from '../src/listings/listing.repository.ts';
import { ingestAlert } from '../src/alerts/alert.service.ts';
import { enqueueAlertNotifications } from '../src/alerts/notification.service.ts';
import { shouldAutoCapture } from '../src/evidence/evidence.service.ts';
import { queueEvidenceCapture } from '../src/evidence/evidence.queue.ts';
import type { JobDeps } from './deps.ts';

export async function processMatch(job: Job, deps: JobDeps): Promise<{ listings: number; alerts: number; skipped: number }> {
  const p = parsePayload('match', job.data);
  let alerts = 0;
  let skipped = 0;
  // one job per page's changed listings: queueing is per page, scoring per listing; a retry
  // re-scores the batch, which the alert upsert makes harmless
  for (const item of p.listings) {
    const r = await matchOne(item, deps);
    alerts += r.alerts;
    if (r.skipped) skipped++;
  }
  return { listings: p.listings.length, alerts, skipped };
}

async function matchOne(p: { listingId: string; contentHash: string }, deps: JobDeps): Promise<{ alerts: number; skipped?: string }> {
  const { db } = deps.ctx;
  const listing = await getListing(db, p.listingId);
  if (!listing) return { alerts: 0, skipped: 'listing not found' };
  // a newer crawl changed the listing again: its own match job will score the new content
  if (listing.content_hash !== p.contentHash) return { alerts: 0, skipped: 'stale content' };
  const matcher = await deps.matchers.get();
  const def = listing.definition as { platform?: string };
  const raw = listing.raw as Record<string, string | undefined>;
  const results = matcher.matchListing({
    id: String(listing.id),
    title: listing.title,
    description: raw.description,
    price: listing.price === null ? null : Number(listing.price),
    currency: listing.currency ?? undefined,
    seller: listing.seller_name ?? undefined,
    sellerId: raw.sellerId,
    platform: def.platform ?? listing.source_slug,
    location: raw.sellerLocation,
    regionCode: listing.region_code ?? undefined,
    category: listing.category ?? undefined,
    channel: listing.channel,
    host: safeHost(listing.url),
  });
  let n = 0;
  for (const r of results) {
    if (!r.alert || r.level === 'none') continue;
    // level from the configured thresholds, the seller's clue and the admin rules: one transaction
    const saved = await ingestAlert(db, {
      listingId: String(listing.id),
      markId: r.entryId,
      score: r.score,
      level: r.level,
      matchKind: r.kind,
      matchedText: r.matchedText,
      reasons: r.reasons,
    });
    if (saved.created) await enqueueAlertNotifications(deps.ctx, saved.id);
    // evidence before the page changes or disappears: captured once, for alerts at or above EVIDENCE_MIN_LEVEL
    if (saved.created && shouldAutoCapture(deps.ctx.config, saved.level)) await queueEvidenceCapture(deps.ctx.queues, saved.id, { reason: 'auto' });
    n++;
  }
  return { alerts: n };
}

function safeHost(url: string): string | undefined {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}
