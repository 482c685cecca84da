// Each worker keeps one compiled matcher per watchlist version. The version is checked at most
// every few seconds; when it moves, the new index is built in the background while the old one
// keeps serving, so a watchlist change never stops matching and never needs a restart.
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../db/schema.ts';
import { compileMatcher, type Matcher } from '../matching/index.ts';
import type { WatchlistSnapshot } from '../matching/watchlist.schema.ts';
import { buildSnapshot, getWatchlistVersion } from './snapshot.ts';

export class MatcherCache {
  private current?: { version: string; matcher: Matcher };
  private building?: Promise<void>;
  private checkedAt = 0;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly logger?: Logger,
    private readonly checkEveryMs = 2000,
  ) {}

  async get(): Promise<Matcher> {
    const now = Date.now();
    if (this.current && now - this.checkedAt < this.checkEveryMs) return this.current.matcher;
    this.checkedAt = now;
    const version = await getWatchlistVersion(this.db);
    if (this.current?.version === version) return this.current.matcher;
    this.building ??= this.rebuild().finally(() => (this.building = undefined));
    if (this.current) return this.current.matcher; // serve the old index meanwhile
    await this.building;
    return this.current!.matcher;
  }

  get version(): string | undefined {
    return this.current?.version;
  }

  private async rebuild(): Promise<void> {
    const started = Date.now();
    const snap = await buildSnapshot(this.db);
    const matcher = compileMatcher(snap as unknown as WatchlistSnapshot);
    this.current = { version: snap.version, matcher };
    this.logger?.info({ version: snap.version, entries: snap.entries.length, ms: Date.now() - started }, 'matcher index built');
  }
}
