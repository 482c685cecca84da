// The demo sites ipclue serves itself (under /demo/<name>/) so that a new user sees the whole
// flow — crawl, extract, match, alert — with no internet. Each site is a pure function from a
// request path to a response: deterministic, no I/O besides reading its own JSON data files.

export type DemoChannel = 'ecommerce' | 'exhibition' | 'market' | 'trademark-gazette' | 'case-docket';

export interface DemoResponse {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}

export interface DemoSite {
  /** the path segment the site is mounted under: /demo/<name>/ */
  name: string;
  channel: DemoChannel;
  title: string;
  /**
   * `path` is the part after /demo/<name>, starting with "/" ("/list", "/item/1.html"); null
   * means "not mine" (the server answers 404 itself). Sites answer their own 404 pages too.
   */
  handle(path: string, query: URLSearchParams): DemoResponse | null;
}

export type DemoLabel = 'counterfeit' | 'genuine' | 'innocent';

/** Ground truth for one listing a site serves (what an extractor should find, and its label). */
export interface DemoListing {
  site: string;
  externalId: string;
  title: string;
  /** the price an extractor should parse: the low end of a range; null when none is shown */
  price: number | null;
  currency: string | null;
  sellerName: string;
  sellerId: string | null;
  sellerLocation: string;
  label: DemoLabel;
  /** the watchlist entry a counterfeit infringes, or a genuine listing belongs to */
  entryId?: string;
  sponsored?: boolean;
}
