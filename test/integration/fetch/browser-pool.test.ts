import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserPool } from '../../../crawlers/fetch/browser-pool.ts';
import { PermanentFetchError } from '../../../src/net/errors.ts';
import { closeFetchAgents } from '../../../crawlers/fetch/http-fetcher.ts';
import { startServer, type TestServer } from './servers.ts';

let site: TestServer;
let other: TestServer;
let pool: BrowserPool;
let guard: { allowPrivate: boolean; allowedHosts: string[] };

const jsPage = `<!doctype html><html><head><meta charset="utf-8"><title>商品</title></head><body>
<ul id="items"></ul>
<script>
  fetch('/api/items').then((r) => r.json()).then((items) => {
    for (const it of items) {
      const li = document.createElement('li');
      li.className = 'item';
      li.textContent = it.title + ' ¥' + it.price;
      document.getElementById('items').append(li);
    }
  });
</script></body></html>`;

beforeAll(async () => {
  other = await startServer((_req, res) => res.end('console.log("should never load")'));
  site = await startServer((req, res) => {
    const path = req.url ?? '/';
    if (path === '/api/items') {
      res.setHeader('content-type', 'application/json');
      return res.end(JSON.stringify([{ title: '耐克 Air 高仿', price: 99 }, { title: '正品 手袋', price: 1999 }]));
    }
    if (path === '/redirect-away') {
      res.writeHead(302, { location: `http://localhost:${other.port}/landing` });
      return res.end();
    }
    if (path === '/redirect-home') {
      res.writeHead(302, { location: '/js' });
      return res.end();
    }
    if (path === '/foreign-script') {
      res.setHeader('content-type', 'text/html');
      return res.end(`<html><body><p id="x">static</p><script src="http://localhost:${other.port}/evil.js"></script></body></html>`);
    }
    if (path === '/missing') {
      res.writeHead(404);
      return res.end('gone');
    }
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(path.startsWith('/js') ? jsPage : `<html><body><h1>${path}</h1></body></html>`);
  });
  guard = { allowPrivate: true, allowedHosts: ['127.0.0.1'] };
  pool = new BrowserPool({ maxPages: 2, restartAfterPages: 3 });
});

afterAll(async () => {
  await pool?.close();
  await Promise.all([site?.close(), other?.close(), closeFetchAgents()]);
});

// the Chromium processes this test process started (Debian's wrapper execs the real binary)
function chromiumChildren(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [, comm, rest] = /^\d+ \((.*)\) (.*)$/s.exec(stat) ?? [];
      const ppid = Number(rest?.split(' ')[1]);
      if (ppid === process.pid && comm?.includes('chrom')) pids.push(Number(entry));
    } catch {
      // the process went away while we looked
    }
  }
  return pids;
}

describe('browser pool', () => {
  it('renders a page whose listings are built by JavaScript', async () => {
    const page = await pool.renderPage(`${site.origin}/js`, { ...guard, waitFor: '#items li.item', timeoutMs: 20_000 });
    expect(page.status).toBe(200);
    expect(page.url).toBe(`${site.origin}/js`);
    expect(page.html).toContain('耐克 Air 高仿 ¥99');
    expect(page.html).toContain('正品 手袋 ¥1999');
    expect(page.headers['content-type']).toContain('text/html');
  });

  it('reuses pages and restarts the browser after N renders', async () => {
    const before = pool.stats();
    for (let i = 0; i < 6; i++) {
      const page = await pool.renderPage(`${site.origin}/p${i}`, { ...guard, timeoutMs: 20_000 });
      expect(page.html).toContain(`<h1>/p${i}</h1>`);
    }
    const after = pool.stats();
    // 3 renders per browser: the 1 earlier render plus 6 here span three browsers
    expect(after.launches - before.launches).toBe(2);
    // one page per browser, reused for each of its renders
    expect(after.pagesCreated - before.pagesCreated).toBe(2);
  });

  it('follows redirects on allowed hosts, and blocks requests to hosts the source does not own', async () => {
    const redirected = await pool.renderPage(`${site.origin}/redirect-home`, { ...guard, waitFor: '#items li', timeoutMs: 20_000 });
    expect(redirected.url).toBe(`${site.origin}/js`);
    expect(redirected.redirects).toEqual([`${site.origin}/redirect-home`]);

    const withScript = await pool.renderPage(`${site.origin}/foreign-script`, { ...guard, timeoutMs: 20_000 });
    expect(withScript.html).toContain('static');

    const away = await pool.renderPage(`${site.origin}/redirect-away`, { ...guard, timeoutMs: 20_000 }).catch((e) => e);
    expect(away).toBeInstanceOf(PermanentFetchError);
    expect(away.code).toBe('host_not_allowed');
    expect(other.hits).toEqual([]);
  });

  it('refuses private addresses for a source that is not local, and maps 404 to a permanent error', async () => {
    const before = site.hits.length;
    const refused = await pool.renderPage(`${site.origin}/js`, { allowedHosts: ['127.0.0.1'], timeoutMs: 20_000 }).catch((e) => e);
    expect(refused).toBeInstanceOf(PermanentFetchError);
    expect(refused.code).toBe('ssrf');
    expect(site.hits.length).toBe(before);
    const missing = await pool.renderPage(`${site.origin}/missing`, { ...guard, timeoutMs: 20_000 }).catch((e) => e);
    expect(missing).toMatchObject({ code: 'client_error', status: 404 });
  });

  it('recovers when the browser process is killed', async () => {
    await pool.renderPage(`${site.origin}/before-crash`, { ...guard, timeoutMs: 20_000 });
    const launches = pool.stats().launches;
    const pids = chromiumChildren();
    expect(pids.length).toBeGreaterThan(0);
    for (const pid of pids) process.kill(pid, 'SIGKILL');
    await expect.poll(() => pool.stats().connected, { timeout: 10_000 }).toBe(false);
    const page = await pool.renderPage(`${site.origin}/after-crash`, { ...guard, timeoutMs: 20_000 });
    expect(page.html).toContain('<h1>/after-crash</h1>');
    expect(pool.stats().launches).toBe(launches + 1);
  });
});
