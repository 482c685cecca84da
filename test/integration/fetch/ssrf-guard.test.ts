import { describe, expect, it } from 'vitest';
import { PermanentFetchError } from '../../../src/net/errors.ts';
import { classifyAddress, createGuardedLookup, guardUrl, isHostAllowed, resolveAndVet } from '../../../src/net/ssrf-guard.ts';

describe('ssrf guard', () => {
  it('refuses private, loopback, link-local, unique-local, CGNAT, multicast and unspecified addresses', () => {
    const refused = [
      '127.0.0.1', '127.8.9.10', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254',
      '100.64.0.1', '100.127.255.254', '224.0.0.1', '239.255.255.250', '0.0.0.0', '255.255.255.255',
      '::1', '::', 'fe80::1', 'fc00::1', 'fd12:3456::1', 'ff02::1',
      // the same addresses dressed as IPv6
      '::ffff:127.0.0.1', '::ffff:10.0.0.1', '::ffff:169.254.169.254', '64:ff9b::7f00:1',
    ];
    for (const ip of refused) expect(classifyAddress(ip).public, ip).toBe(false);
  });

  it('lets public addresses through, including public IPv4 behind NAT64', () => {
    for (const ip of ['8.8.8.8', '1.1.1.1', '203.119.0.1', '2400:3200::1', '2606:4700:4700::1111', '::ffff:8.8.8.8', '64:ff9b::808:808']) {
      expect(classifyAddress(ip).public, ip).toBe(true);
    }
  });

  it('refuses localhost by name, and the loopback literal in any of its url spellings', async () => {
    await expect(resolveAndVet('localhost')).rejects.toMatchObject({ code: 'ssrf' });
    for (const url of ['http://127.0.0.1/', 'http://2130706433/', 'http://0x7f.1/', 'http://[::1]/', 'http://[::ffff:7f00:1]/']) {
      await expect(guardUrl(url, {}), url).rejects.toBeInstanceOf(PermanentFetchError);
    }
  });

  it('allows private addresses for a source marked local', async () => {
    await expect(resolveAndVet('localhost', { allowPrivate: true })).resolves.not.toHaveLength(0);
    await expect(guardUrl('http://127.0.0.1:8080/x', { allowPrivate: true })).resolves.toBeInstanceOf(URL);
  });

  it('refuses a host that resolves to one public and one private address', async () => {
    const lookupAll = async () => [{ address: '93.184.216.34', family: 4 }, { address: '10.0.0.5', family: 4 }];
    await expect(guardUrl('http://mixed.example/', { lookupAll })).rejects.toMatchObject({ code: 'ssrf' });
  });

  it('refuses hosts outside the source and urls that are not plain http(s)', async () => {
    expect(isHostAllowed('shop.example.com', ['shop.example.com'])).toBe(true);
    expect(isHostAllowed('SHOP.example.com.', ['shop.example.com'])).toBe(true);
    expect(isHostAllowed('evil.com', ['shop.example.com'])).toBe(false);
    expect(isHostAllowed('a.b.example.com', ['*.example.com'])).toBe(true);
    expect(isHostAllowed('example.com', ['*.example.com'])).toBe(false);
    expect(isHostAllowed('notexample.com', ['*.example.com'])).toBe(false);
    await expect(guardUrl('http://evil.com/', { allowedHosts: ['shop.example.com'] })).rejects.toMatchObject({ code: 'host_not_allowed' });
    await expect(guardUrl('file:///etc/passwd', {})).rejects.toMatchObject({ code: 'bad_url' });
    await expect(guardUrl('http://user:pw@8.8.8.8/', {})).rejects.toMatchObject({ code: 'bad_url' });
  });

  it('vets the addresses again at connect time, so a rebinding answer is refused', async () => {
    const lookup = createGuardedLookup({ lookupAll: async () => [{ address: '127.0.0.1', family: 4 }] });
    const err = await new Promise<NodeJS.ErrnoException | null>((resolve) => lookup('rebind.example', { all: true }, (e) => resolve(e)));
    expect(err).toBeInstanceOf(PermanentFetchError);
    const ok = await new Promise<unknown>((resolve) =>
      createGuardedLookup({ lookupAll: async () => [{ address: '8.8.8.8', family: 4 }] })('pub.example', {}, (_e, address) => resolve(address)),
    );
    expect(ok).toBe('8.8.8.8');
  });
});
