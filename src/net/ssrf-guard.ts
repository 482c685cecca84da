// The SSRF guard: a source may fetch only its own hosts, and only public addresses unless it is
// marked local (the demo sites and the tests). Addresses are vetted at connect time by the
// lookup the HTTP agent uses, so the address that was checked is the address connected to: a
// DNS answer that flips to 127.0.0.1 between a check and the connect (rebinding) cannot slip
// through. IP literals never reach a lookup, so they are checked up front.
import dns from 'node:dns';
import net from 'node:net';
import ipaddr from 'ipaddr.js';
import { PermanentFetchError } from './errors.ts';

export interface GuardOptions {
  /**
   * hosts the source may fetch: `shop.example.com` matches exactly, `*.example.com` any
   * subdomain (not the apex). Undefined means no host restriction (the address rules still apply).
   */
  allowedHosts?: readonly string[];
  /** allow private, loopback and link-local addresses (sources marked local) */
  allowPrivate?: boolean;
}

export type LookupAddress = { address: string; family: number };
export type LookupAll = (hostname: string) => Promise<LookupAddress[]>;

/** how an address is judged; `classifyAddress` unless a test stands in a loopback address for a public one */
export type AddressClassifier = (ip: string) => AddressVerdict;

/** the resolver and the address judgement; both replaceable (custom resolvers, tests) */
export interface ResolverOptions {
  lookupAll?: LookupAll;
  classifyAddress?: AddressClassifier;
}

const defaultLookupAll: LookupAll = (hostname) => dns.promises.lookup(hostname, { all: true, verbatim: true });

export function normalizeHost(host: string): string {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (h.endsWith('.')) h = h.slice(0, -1);
  return h;
}

export function isHostAllowed(hostname: string, allowedHosts: readonly string[] | undefined): boolean {
  if (allowedHosts === undefined) return true;
  const host = normalizeHost(hostname);
  return allowedHosts.some((entry) => {
    const pattern = normalizeHost(entry);
    if (pattern.startsWith('*.')) return host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1;
    return host === pattern;
  });
}

export interface AddressVerdict {
  public: boolean;
  /** ipaddr.js range name, e.g. `loopback`, `private`, `uniqueLocal`, `unicast` */
  range: string;
}

/** whether an IP address is publicly routable; IPv4 embedded in IPv6 is judged as IPv4 */
export function classifyAddress(ip: string): AddressVerdict {
  if (!ipaddr.isValid(ip)) return { public: false, range: 'invalid' };
  let addr = ipaddr.parse(ip);
  if (addr.kind() === 'ipv6') {
    const v6 = addr as ipaddr.IPv6;
    const range = v6.range();
    if (range === 'ipv4Mapped' || range === 'rfc6145') {
      addr = v6.toIPv4Address();
    } else if (range === 'rfc6052') {
      // NAT64 (DNS64 hands these out for public IPv4 hosts on IPv6-only networks)
      const parts = v6.parts;
      addr = new ipaddr.IPv4([parts[6] >> 8, parts[6] & 0xff, parts[7] >> 8, parts[7] & 0xff]);
    } else {
      // 6to4, teredo and the rest of the special ranges are refused outright
      return { public: range === 'unicast', range };
    }
  }
  const range = addr.range();
  return { public: range === 'unicast', range };
}

function refuse(url: string, message: string): PermanentFetchError {
  return new PermanentFetchError(message, { code: 'ssrf', url });
}

/** resolves `hostname` (all addresses) and throws a PermanentFetchError('ssrf') if any is not public */
export async function resolveAndVet(
  hostname: string,
  opts: { allowPrivate?: boolean; url?: string } & ResolverOptions = {},
): Promise<LookupAddress[]> {
  const host = normalizeHost(hostname);
  const url = opts.url ?? host;
  let addresses: LookupAddress[];
  if (net.isIP(host)) {
    addresses = [{ address: host, family: net.isIP(host) }];
  } else {
    try {
      addresses = await (opts.lookupAll ?? defaultLookupAll)(host);
    } catch (err) {
      throw Object.assign(err as Error, { url });
    }
    if (addresses.length === 0) throw Object.assign(new Error(`no address for ${host}`), { code: 'ENOTFOUND' });
  }
  if (!opts.allowPrivate) {
    // one bad address refuses the host: the connect may pick any of them
    const classify = opts.classifyAddress ?? classifyAddress;
    for (const { address } of addresses) {
      const verdict = classify(address);
      if (!verdict.public) throw refuse(url, `${host} resolves to ${address} (${verdict.range}), which this source may not reach`);
    }
  }
  return addresses;
}

/**
 * Checks a URL before a request: http(s) only, host among the allowed hosts, and (for IP
 * literals, which bypass DNS lookups) a public address. Hostnames are vetted again at connect
 * time by `createGuardedLookup`.
 */
export async function guardUrl(rawUrl: string | URL, opts: GuardOptions & ResolverOptions): Promise<URL> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new PermanentFetchError(`not a url: ${String(rawUrl)}`, { code: 'bad_url', url: String(rawUrl) });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new PermanentFetchError(`only http and https are fetched, not ${url.protocol}`, { code: 'bad_url', url: url.href });
  }
  if (url.username || url.password) {
    throw new PermanentFetchError('urls with credentials are not fetched', { code: 'bad_url', url: url.href });
  }
  if (!isHostAllowed(url.hostname, opts.allowedHosts)) {
    throw new PermanentFetchError(`${url.hostname} is not one of this source's hosts`, { code: 'host_not_allowed', url: url.href });
  }
  await resolveAndVet(url.hostname, { allowPrivate: opts.allowPrivate, lookupAll: opts.lookupAll, classifyAddress: opts.classifyAddress, url: url.href });
  return url;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for net/tls connect (and so for undici's connector) that resolves all addresses,
 * refuses the connection if any is not public, and hands the vetted addresses to the socket.
 */
export function createGuardedLookup(opts: { allowPrivate?: boolean } & ResolverOptions = {}) {
  return function guardedLookup(hostname: string, options: dns.LookupOptions | number, callback: LookupCallback): void {
    const o: dns.LookupOptions = typeof options === 'number' ? { family: options } : (options ?? {});
    resolveAndVet(hostname, opts).then(
      (all) => {
        const family = o.family === 'IPv4' ? 4 : o.family === 'IPv6' ? 6 : o.family;
        const wanted = family === 4 || family === 6 ? all.filter((a) => a.family === family) : all;
        if (wanted.length === 0) {
          callback(Object.assign(new Error(`no IPv${family} address for ${hostname}`), { code: 'ENOTFOUND' }), '', 0);
        } else if (o.all) {
          callback(null, wanted);
        } else {
          callback(null, wanted[0].address, wanted[0].family);
        }
      },
      (err: NodeJS.ErrnoException) => callback(err, '', 0),
    );
  };
}
