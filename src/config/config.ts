// All settings in one place: read once from the environment (and an optional .env), checked
// by one zod schema. Nothing else in ipclue reads process.env.
import { existsSync, readFileSync } from 'node:fs';
import { parse as parseDotenv } from 'dotenv';
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const url = (protocols: string[]) =>
  z
    .string()
    .refine((v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    }, `a URL starting with ${protocols.map((p) => p + '//').join(' or ')}`);

export const ConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  /** Public base URL used in printed links and by demo sources; defaults to http://localhost:PORT. */
  PUBLIC_URL: url(['http:', 'https:']).optional(),
  DATABASE_URL: url(['postgres:', 'postgresql:']).optional(),
  REDIS_URL: url(['redis:', 'rediss:']).optional(),
  DATA_DIR: z.string().min(1).default('.data'),
  CHROMIUM_PATH: z.string().min(1).default('/usr/bin/chromium'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** BullMQ key prefix; the braces make it a Redis Cluster hash tag. */
  QUEUE_PREFIX: z.string().min(1).default('{ipclue}'),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  /** threads a worker process parses and extracts pages on; default: one per core beyond the first, at most 2 (0: on the main thread) */
  EXTRACT_THREADS: z.coerce.number().int().min(0).max(16).optional(),
  /** How long (ms) a crashed worker's job stays locked before another worker takes it again. */
  JOB_LOCK_MS: z.coerce.number().int().min(1000).default(30_000),
  DEMO: bool.default(true),
  /** delay (ms) added to every demo-site response, to watch or test a slow crawl */
  DEMO_LATENCY_MS: z.coerce.number().int().min(0).max(60_000).default(0),
  /** alerts at or above this level get an evidence capture when created ('off': only on demand) */
  EVIDENCE_MIN_LEVEL: z.enum(['high', 'medium', 'low', 'off']).default('high'),
  /** where captured artefacts are stored (content-addressed); default ${DATA_DIR}/evidence */
  EVIDENCE_DIR: z.string().min(1).optional(),
  /** deadline (ms) for loading a page for evidence; a page still loading then is captured as partial */
  EVIDENCE_TIMEOUT_MS: z.coerce.number().int().min(1000).max(300_000).default(30_000),
  /** cap (bytes) on the raw response body and the rendered HTML of one capture */
  EVIDENCE_MAX_BYTES: z.coerce.number().int().min(1024).default(20 * 1024 * 1024),
  /** SMTP server for alert e-mails (smtp://user:pass@host:port); without it e-mail subscriptions wait */
  SMTP_URL: url(['smtp:', 'smtps:']).optional(),
  MAIL_FROM: z.string().min(3).default('ipclue <noreply@ipclue.invalid>'),
  /** let alert webhooks reach private/loopback addresses (tests, an intranet receiver) */
  NOTIFY_ALLOW_PRIVATE: bool.default(false),
});

export type Config = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Reads .env (if present) under the real environment, which wins. */
export function readEnv(env: NodeJS.ProcessEnv = process.env, dotenvPath = '.env'): Record<string, string | undefined> {
  const fromFile = existsSync(dotenvPath) ? parseDotenv(readFileSync(dotenvPath)) : {};
  const merged: Record<string, string | undefined> = { ...fromFile };
  for (const key of Object.keys(ConfigSchema.shape)) {
    const v = env[key];
    if (v !== undefined) merged[key] = v;
  }
  // an empty variable means "not set", as in most twelve-factor tools
  for (const [k, v] of Object.entries(merged)) if (v === '') delete merged[k];
  return merged;
}

export function loadConfig(raw: Record<string, string | undefined> = readEnv()): Config {
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue.path[0] ?? '?');
    throw new ConfigError(`invalid setting ${name}=${JSON.stringify(raw[name] ?? '')}: expected ${issue.message}`);
  }
  return parsed.data;
}
