// The demo sites, each structured differently (see each site.ts): four marketplaces (mall, fair,
// wholesale, overseas) plus a foreign trademark gazette and a foreign court docket for the
// overseas report's squatting and litigation watches. ipclue's
// HTTP server mounts each at /demo/<name>/ and the seeder points the demo sources at them.
import { site as docket } from './docket/site.ts';
import { site as fair, fairDefaultCrawl } from './fair/site.ts';
import { site as gazette } from './gazette/site.ts';
import { site as mall, mallDefaultCrawl } from './mall/site.ts';
import { site as overseas, overseasDefaultCrawl } from './overseas/site.ts';
import type { DemoListing, DemoSite } from './types.ts';
import { site as wholesale, wholesaleDefaultCrawl } from './wholesale/site.ts';

export type { DemoListing, DemoResponse, DemoSite } from './types.ts';

export const demoSites: Record<string, DemoSite> = { mall, fair, wholesale, overseas, gazette, docket };

/**
 * Ground truth for every listing the default crawl of each site sees (mall: pages 1..5), in
 * page order. labels.jsonl is written from this by write-labels.ts. The gazette and docket are
 * not labelled marketplaces (filings and defendants, not goods); their tests hold their truth.
 */
export function demoGroundTruth(): DemoListing[] {
  return [...mallDefaultCrawl(), ...fairDefaultCrawl(), ...wholesaleDefaultCrawl(), ...overseasDefaultCrawl()];
}

/** One labels.jsonl line per listing: { site, externalId, title, label, entryId? }. */
export function demoLabelsJsonl(): string {
  return (
    demoGroundTruth()
      .map((l) => JSON.stringify({ site: l.site, externalId: l.externalId, title: l.title, label: l.label, ...(l.entryId ? { entryId: l.entryId } : {}) }))
      .join('\n') + '\n'
  );
}
