// Outgoing POSTs to addresses users typed in (alert webhooks, report subscriptions). The URL is
// vetted before the request (scheme, credentials, IP literals) and every address again at
// connect time by the agent's lookup, so the address that was checked is the one connected to:
// a DNS answer that flips to an internal address in between (rebinding) cannot slip through.
// Redirects are not followed.
import { request } from 'undici';
import { guardedAgent } from './guarded-agent.ts';
import { guardUrl, type GuardOptions, type ResolverOptions } from './ssrf-guard.ts';

export interface GuardedPostOptions extends GuardOptions, ResolverOptions {
  /** whole request, connect to end of body (default 10 s) */
  timeoutMs?: number;
}

/** POSTs `body` to `target` and returns the HTTP status (the answer's body is read and dropped) */
export async function postGuarded(target: string, headers: Record<string, string>, body: string, opts: GuardedPostOptions): Promise<number> {
  const url = await guardUrl(target, opts);
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const { agent, shared } = guardedAgent(!!opts.allowPrivate, timeoutMs, { lookupAll: opts.lookupAll, classifyAddress: opts.classifyAddress });
  try {
    const res = await request(url, {
      method: 'POST', headers, body, dispatcher: agent,
      headersTimeout: timeoutMs, bodyTimeout: timeoutMs, signal: AbortSignal.timeout(timeoutMs),
    });
    await res.body.dump();
    return res.statusCode;
  } finally {
    if (!shared) await agent.close();
  }
}
