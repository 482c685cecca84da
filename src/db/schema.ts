// The typed shape of the database, as Kysely sees it. Column names are snake_case here and
// only here: repositories map rows to camelCase domain objects.
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

type Timestamp = Date;
type NullableTimestamp = Date | null;
type Json<T = unknown> = ColumnType<T, T | string, T | string>;
/** numeric columns come back from pg as strings: keep money exact */
type Numeric = ColumnType<string, string | number, string | number>;

export interface UsersTable {
  id: Generated<string>;
  email: string;
  name: string;
  role: 'admin' | 'reviewer' | 'rights_holder';
  password_hash: string | null;
  rights_holder_id: string | null;
  created_at: Generated<Timestamp>;
  disabled_at: NullableTimestamp;
}

export interface RightsHoldersTable {
  id: Generated<string>;
  name: string;
  credit_code: string | null;
  contact: string | null;
  created_at: Generated<Timestamp>;
}

export interface MarksTable {
  id: Generated<string>;
  kind: 'mark' | 'gi';
  name: string;
  aliases: Json<string[]>;
  registration_no: string | null;
  nice_classes: Json<number[]>;
  rights_holder_id: string | null;
  status: 'pending' | 'active' | 'suspended' | 'rejected';
  status_reason: string | null;
  /** the rest of the registration: keywords, reference prices, authorised sellers, GI region… */
  details: Json<Record<string, unknown>>;
  created_at: Generated<Timestamp>;
  updated_at: Generated<Timestamp>;
}

export interface SourcesTable {
  id: Generated<string>;
  slug: string;
  name: string;
  channel: string;
  country: string;
  enabled: Generated<boolean>;
  local: Generated<boolean>;
  definition: Json<Record<string, unknown>>;
  created_at: Generated<Timestamp>;
  updated_at: Generated<Timestamp>;
}

export interface SellersTable {
  id: Generated<string>;
  platform: string;
  external_id: string;
  name: string | null;
  location: string | null;
  region_code: string | null;
  country_code: string | null;
  first_seen_at: Generated<Timestamp>;
  last_seen_at: Generated<Timestamp>;
}

export interface ListingsTable {
  id: Generated<string>;
  source_id: string;
  external_id: string;
  url: string;
  title: string;
  price: Numeric | null;
  currency: string | null;
  seller_id: string | null;
  seller_name: string | null;
  region_code: string | null;
  country_code: string | null;
  images: Json<string[]>;
  category: string | null;
  raw: Json<Record<string, unknown>>;
  content_hash: string;
  first_seen_at: Generated<Timestamp>;
  last_seen_at: Generated<Timestamp>;
  gone_at: NullableTimestamp;
}

export interface ListingChangesTable {
  id: Generated<string>;
  listing_id: string;
  field: string;
  old_value: string | null;
  new_value: string | null;
  changed_at: Generated<Timestamp>;
}

export interface AlertsTable {
  id: Generated<string>;
  listing_id: string;
  mark_id: string;
  score: number;
  level: 'high' | 'medium' | 'low';
  status: Generated<'new' | 'in_review' | 'confirmed' | 'dismissed' | 'referred' | 'closed'>;
  match_kind: string;
  matched_text: string;
  reasons: Json<{ code: string; points: number; text: string }[]>;
  assignee_id: string | null;
  created_at: Generated<Timestamp>;
  updated_at: Generated<Timestamp>;
}

export interface AlertEventsTable {
  id: Generated<string>;
  alert_id: string;
  actor_id: string | null;
  actor_kind: 'user' | 'system' | 'rule';
  type: string;
  from_status: string | null;
  to_status: string | null;
  note: string | null;
  data: Json<Record<string, unknown>>;
  created_at: Generated<Timestamp>;
}

export interface CrawlRunsTable {
  id: Generated<string>;
  source_id: string;
  job_id: string | null;
  status: Generated<'running' | 'finished' | 'failed'>;
  pages_queued: Generated<number>;
  pages: Generated<number>;
  listings: Generated<number>;
  errors: Generated<number>;
  error_samples: Json<string[]>;
  started_at: Generated<Timestamp>;
  finished_at: NullableTimestamp;
}

export interface CrawlRunPagesTable {
  run_id: string;
  page_key: string;
  url: string;
  status: 'queued' | 'ok' | 'failed';
  snapshot_sha256: string | null;
  listings: Generated<number>;
  error: string | null;
  queued_at: Generated<Timestamp>;
  done_at: NullableTimestamp;
}

export interface PageSnapshotsTable {
  sha256: string;
  url: string;
  content_type: string | null;
  bytes: number;
  body: Buffer;
  fetched_at: Generated<Timestamp>;
}

export interface WatchlistStateTable {
  id: number;
  version: ColumnType<string, string | number, string | number>;
  changed_at: Generated<Timestamp>;
}

export interface Database {
  watchlist_state: WatchlistStateTable;
  users: UsersTable;
  rights_holders: RightsHoldersTable;
  marks: MarksTable;
  sources: SourcesTable;
  sellers: SellersTable;
  listings: ListingsTable;
  listing_changes: ListingChangesTable;
  alerts: AlertsTable;
  alert_events: AlertEventsTable;
  crawl_runs: CrawlRunsTable;
  crawl_run_pages: CrawlRunPagesTable;
  page_snapshots: PageSnapshotsTable;
}

export type ListingRow = Selectable<ListingsTable>;
export type NewListing = Insertable<ListingsTable>;
export type AlertRow = Selectable<AlertsTable>;
export type MarkRow = Selectable<MarksTable>;
export type MarkUpdate = Updateable<MarksTable>;
export type SourceRow = Selectable<SourcesTable>;
