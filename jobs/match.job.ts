// match: score one new or changed listing against the active watchlist and upsert its alerts.
// Cost: pure CPU on a compiled index (rebuilt in the background when the watchlist version
// moves). Idempotent: alerts are unique per (listing, entry) and only change when the score does.
import type { Job } from 'bullmq';
import { parsePayload } from '../src/queues/queues.ts';
import { getListing } from '../src/listings/listing.repository.ts';
import { upsertAlert } from '../src/alerts/alert.repository.ts';
import type { JobDeps } from './deps.ts';

export async function processMatch(job: Job, deps: JobDeps): Promise<{ alerts: number; skipped?: string }> {
  const p = parsePayload('match', job.data);
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
    await upsertAlert(db, {
      listingId: String(listing.id),
      markId: r.entryId,
      score: r.score,
      level: r.level,
      matchKind: r.kind,
      matchedText: r.matchedText,
      reasons: r.reasons,
    });
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
