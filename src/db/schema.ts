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
  // the review decision (migration 0003)
  dismiss_reason: ColumnType<DismissReason | null, DismissReason | null | undefined, DismissReason | null>;
  dismiss_note: ColumnType<string | null, string | null | undefined, string | null>;
  referral: ColumnType<Referral | null, string | null | undefined, string | null>;
  outcome: ColumnType<CloseOutcome | null, CloseOutcome | null | undefined, CloseOutcome | null>;
  holder_flag: ColumnType<'genuine' | 'infringing' | null, 'genuine' | 'infringing' | null | undefined, 'genuine' | 'infringing' | null>;
  holder_note: ColumnType<string | null, string | null | undefined, string | null>;
  decided_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** the listing's source, set by a trigger on insert (migration 0008) */
  source_id: ColumnType<string | null, string | null | undefined, never>;
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

export interface SessionsTable {
  id_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: Generated<Timestamp>;
  expires_at: Timestamp;
}

export interface ApiTokensTable {
  id: Generated<string>;
  user_id: string;
  name: string;
  token_hash: string;
  prefix: string;
  created_at: Generated<Timestamp>;
  last_used_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
}

export interface MarketsTable {
  id: Generated<string>;
  name: string;
  channel: 'ecommerce' | 'exhibition' | 'market';
  platform: string | null;
  host: string | null;
  region_code: string | null;
  country_code: string | null;
  reason: string;
  /** a date column: pg returns it as a Date at local midnight */
  listed_since: ColumnType<Date, string | undefined, string>;
  active: Generated<boolean>;
  created_at: Generated<Timestamp>;
  updated_at: Generated<Timestamp>;
}

export interface RiskPointsTable {
  id: Generated<string>;
  channel: string | null;
  category: string | null;
  region_code: string | null;
  weight: Generated<number>;
  reason: string;
  active: Generated<boolean>;
  created_at: Generated<Timestamp>;
  updated_at: Generated<Timestamp>;
}

export interface BlacklistTable {
  id: Generated<string>;
  platform: string | null;
  seller_id: string | null;
  seller_name: string | null;
  company_name: string | null;
  credit_code: string | null;
  phone: string | null;
  address: string | null;
  reason: string;
  source_kind: 'alert' | 'court' | 'administrative' | 'other';
  source_ref: string | null;
  listed_on: ColumnType<Date, string | undefined, string>;
  lifted_at: NullableTimestamp;
  lifted_reason: string | null;
  created_at: Generated<Timestamp>;
  updated_at: Generated<Timestamp>;
}

export interface WatchlistHistoryTable {
  id: Generated<string>;
  list: string;
  entry_id: string;
  action: string;
  actor_id: string | null;
  note: string | null;
  changes: Json<Record<string, unknown>>;
  created_at: Generated<Timestamp>;
}

export interface EvidenceLedgerTable {
  /** gapless, assigned under an advisory lock: a gap means a deleted record */
  seq: ColumnType<string, string | number, never>;
  alert_id: string;
  kind: string;
  artefacts: Json<{ name: string; sha256: string; size: number; contentType: string }[]>;
  metadata: Json<Record<string, unknown>>;
  recorded_at: Timestamp;
  prev_hash: string;
  record_hash: string;
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
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  markets: MarketsTable;
  risk_points: RiskPointsTable;
  blacklist: BlacklistTable;
  watchlist_history: WatchlistHistoryTable;
  alert_settings: AlertSettingsTable;
  alert_rules: AlertRulesTable;
  clues: CluesTable;
  clue_sellers: ClueSellersTable;
  seller_identities: SellerIdentitiesTable;
  clue_events: ClueEventsTable;
  blacklist_proposals: BlacklistProposalsTable;
  notification_subscriptions: NotificationSubscriptionsTable;
  notification_deliveries: NotificationDeliveriesTable;
  evidence_ledger: EvidenceLedgerTable;
}

export type ListingRow = Selectable<ListingsTable>;
export type NewListing = Insertable<ListingsTable>;
export type AlertRow = Selectable<AlertsTable>;
export type MarkRow = Selectable<MarksTable>;
export type MarkUpdate = Updateable<MarksTable>;
export type SourceRow = Selectable<SourcesTable>;

// --- alert workflow, clues and notifications (migration 0003) ---
export type DismissReason = 'genuine_authorised' | 'not_our_goods' | 'insufficient_evidence' | 'duplicate' | 'other';
export type CloseOutcome = 'case_opened' | 'penalty' | 'platform_takedown' | 'no_action';
export interface Referral {
  unit: string | null;
  regionCode: string | null;
  referenceNo: string;
  referredOn: string;
}

export interface AlertSettingsTable {
  id: number;
  level_high: Generated<number>;
  level_medium: Generated<number>;
  updated_by: string | null;
  updated_at: Generated<Timestamp>;
}

export interface AlertRulesTable {
  id: Generated<string>;
  name: string;
  enabled: Generated<boolean>;
  position: Generated<number>;
  conditions: Json<Record<string, unknown>>;
  action: Json<Record<string, unknown>>;
  created_by: string | null;
  created_at: Generated<Timestamp>;
  updated_at: Generated<Timestamp>;
}

export interface CluesTable {
  id: Generated<string>;
  status: Generated<'open' | 'confirmed' | 'merged'>;
  merged_into: string | null;
  created_at: Generated<Timestamp>;
  updated_at: Generated<Timestamp>;
}

export interface ClueSellersTable {
  seller_id: string;
  clue_id: string;
  added_at: Generated<Timestamp>;
}

export interface SellerIdentitiesTable {
  seller_id: string;
  kind: 'company_name' | 'credit_code' | 'phone' | 'address';
  value: string;
  created_at: Generated<Timestamp>;
}

export interface ClueEventsTable {
  id: Generated<string>;
  clue_id: string;
  actor_id: string | null;
  actor_kind: 'user' | 'system' | 'rule';
  type: string;
  note: string | null;
  data: Json<Record<string, unknown>>;
  created_at: Generated<Timestamp>;
}

export interface BlacklistProposalsTable {
  id: Generated<string>;
  seller_id: string;
  clue_id: string | null;
  confirmed_alerts: number;
  status: Generated<'proposed' | 'accepted' | 'rejected'>;
  note: string | null;
  decided_by: string | null;
  decided_at: NullableTimestamp;
  blacklist_id: string | null;
  created_at: Generated<Timestamp>;
}

export interface NotificationSubscriptionsTable {
  id: Generated<string>;
  user_id: string;
  mark_ids: Json<string[]>;
  channel: 'webhook' | 'email';
  target: string;
  secret: string | null;
  min_level: Generated<'high' | 'medium' | 'low'>;
  digest: Generated<boolean>;
  enabled: Generated<boolean>;
  created_at: Generated<Timestamp>;
}

export interface NotificationDeliveriesTable {
  id: Generated<string>;
  subscription_id: string;
  alert_id: string;
  status: Generated<'pending' | 'sent' | 'failed'>;
  attempts: Generated<number>;
  last_error: string | null;
  created_at: Generated<Timestamp>;
  sent_at: NullableTimestamp;
}
