import { describe, expect, it } from 'vitest';
import { runIpclue } from '../helpers/process.ts';
import { suiteUrls } from '../helpers/services.ts';

// A user's mistakes end the process with one clear line and a non-zero exit, never a stack trace.
describe('start-up errors', () => {
  const lines = (s: string) => s.split('\n').filter((l) => l.trim() && !/nodedir|npm warn/.test(l));

  it('a malformed environment variable names the variable and exits 2', async () => {
    const p = runIpclue(['start'], { PORT: 'abc' });
    const { code } = await p.exited;
    expect(code).toBe(2);
    expect(lines(p.stderr())).toEqual([expect.stringMatching(/^ipclue: invalid setting PORT="abc"/)]);
  });

  it('an unreachable Postgres says so in one line and exits 1', async () => {
    const p = runIpclue(['start'], { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', REDIS_URL: suiteUrls().redisUrl, PORT: '0' });
    const { code } = await p.exited;
    expect(code).toBe(1);
    expect(lines(p.stderr())).toEqual([expect.stringMatching(/^ipclue: cannot reach Postgres at postgres:\/\/nobody@127\.0\.0\.1:1\/none/)]);
  });

  it('an unreachable Redis says so in one line and exits 1', async () => {
    const p = runIpclue(['start'], { DATABASE_URL: suiteUrls().databaseUrl, REDIS_URL: 'redis://127.0.0.1:1', PORT: '0' });
    const { code } = await p.exited;
    expect(code).toBe(1);
    expect(lines(p.stderr())).toEqual([expect.stringMatching(/^ipclue: cannot reach Redis at redis:\/\/127\.0\.0\.1:1/)]);
  });

  it('the CLI lists its commands, and a command has --help', async () => {
    const top = runIpclue(['--help'], {});
    expect((await top.exited).code).toBe(0);
    for (const cmd of ['start', 'server', 'worker', 'scheduler', 'migrate', 'crawl', 'match', 'similar', 'extract', 'evidence', 'user']) {
      expect(top.stdout()).toMatch(new RegExp(`\\n  ${cmd}\\b`));
    }
    const sub = runIpclue(['worker', '--help'], {});
    expect((await sub.exited).code).toBe(0);
    expect(sub.stdout()).toContain('Usage: ipclue worker');
    expect(sub.stdout()).toContain('--queues');
  });
});
