// Webhook and report-subscription POSTs go to addresses users typed in: the address is vetted at
// connect time, so a DNS answer that changes after the first check (rebinding) is refused.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postGuarded } from '../../../src/net/guarded-post.ts';
import { classifyAddress } from '../../../src/net/ssrf-guard.ts';

// the same port on two loopback addresses: 127.0.0.1 plays an internal service, 127.0.0.2 a
// public webhook receiver
let internal: http.Server;
let receiver: http.Server;
let port: number;
const received: { at: string; url: string; body: string; signature: string | undefined }[] = [];

function serve(at: string): http.Server {
  return http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      received.push({ at, url: req.url ?? '', body, signature: req.headers['x-ipclue-signature'] as string | undefined });
      res.writeHead(req.url === '/gone' ? 410 : 204).end();
    });
  });
}

beforeAll(async () => {
  internal = serve('internal');
  await new Promise<void>((resolve) => internal.listen(0, '127.0.0.1', resolve));
  port = (internal.address() as AddressInfo).port;
  receiver = serve('receiver');
  await new Promise<void>((resolve) => receiver.listen(port, '127.0.0.2', resolve));
});
afterAll(async () => {
  await new Promise<void>((resolve) => internal.close(() => resolve()));
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

// 127.0.0.2 stands in for a public address (the machine has no other): the judgement is the
// real one except for that address
const classify = (ip: string) => (ip === '127.0.0.2' ? { public: true, range: 'unicast' } : classifyAddress(ip));

describe('guarded POST', () => {
  it('posts the body and headers and returns the status, for a target allowed to be private', async () => {
    received.length = 0;
    const status = await postGuarded(`http://127.0.0.1:${port}/hook`, { 'content-type': 'application/json', 'x-ipclue-signature': 'sig' }, '{"a":1}', { allowPrivate: true });
    expect(status).toBe(204);
    expect(received).toEqual([{ at: 'internal', url: '/hook', body: '{"a":1}', signature: 'sig' }]);
    expect(await postGuarded(`http://127.0.0.1:${port}/gone`, {}, '', { allowPrivate: true })).toBe(410);
  });

  it('refuses a loopback target unless private addresses are allowed', async () => {
    received.length = 0;
    await expect(postGuarded(`http://127.0.0.1:${port}/hook`, {}, 'x', {})).rejects.toMatchObject({ code: 'ssrf' });
    await expect(postGuarded(`http://localhost:${port}/hook`, {}, 'x', {})).rejects.toMatchObject({ code: 'ssrf' });
    expect(received).toHaveLength(0);
  });

  it('reaches a host whose address stays public', async () => {
    received.length = 0;
    const lookupAll = async () => [{ address: '127.0.0.2', family: 4 }];
    expect(await postGuarded(`http://hooks.example:${port}/ok`, {}, 'x', { lookupAll, classifyAddress: classify })).toBe(204);
    expect(received.map((r) => `${r.at} ${r.url}`)).toEqual(['receiver /ok']);
  });

  it('refuses a host that resolves to a public address when checked and to loopback at connect (DNS rebinding)', async () => {
    received.length = 0;
    let calls = 0;
    const lookupAll = async () => (++calls === 1 ? [{ address: '127.0.0.2', family: 4 }] : [{ address: '127.0.0.1', family: 4 }]);
    await expect(postGuarded(`http://rebind.example:${port}/hook`, {}, 'x', { lookupAll, classifyAddress: classify })).rejects.toMatchObject({ code: 'ssrf', message: expect.stringMatching(/127\.0\.0\.1/) });
    expect(calls).toBeGreaterThanOrEqual(2);
    expect(received).toHaveLength(0);
  });
});
