// HTTP agents whose every new connection goes through the SSRF guard's lookup (ssrf-guard.ts):
// one keep-alive agent per (allowPrivate, connect timeout), shared by the crawler's fetches and
// the outgoing webhook POSTs; a caller with a custom resolver (tests) gets an agent of its own,
// which it closes after its request.
import { Agent } from 'undici';
import { createGuardedLookup, type ResolverOptions } from './ssrf-guard.ts';

const agents = new Map<string, Agent>();

export function hasCustomResolver(r: ResolverOptions): boolean {
  return r.lookupAll !== undefined || r.classifyAddress !== undefined;
}

/** the agent for these options; `shared` is false for a custom resolver's own agent (close it after use) */
export function guardedAgent(allowPrivate: boolean, connectTimeoutMs: number, resolver: ResolverOptions = {}): { agent: Agent; shared: boolean } {
  const make = () =>
    new Agent({
      connect: { timeout: connectTimeoutMs, lookup: createGuardedLookup({ allowPrivate, ...resolver }) },
      keepAliveTimeout: 4_000,
      connections: 16,
    });
  if (hasCustomResolver(resolver)) return { agent: make(), shared: false };
  const key = `${allowPrivate}:${connectTimeoutMs}`;
  let agent = agents.get(key);
  if (!agent) agents.set(key, (agent = make()));
  return { agent, shared: true };
}

/** closes the pooled keep-alive connections (for graceful shutdown and tests) */
export async function closeGuardedAgents(): Promise<void> {
  const all = [...agents.values()];
  agents.clear();
  await Promise.all(all.map((a) => a.close()));
}
