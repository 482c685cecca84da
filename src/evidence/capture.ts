// Capture of one listing page as evidence, in the system Chromium: a full-page screenshot, the
// rendered HTML, the raw body and headers of the main document, the final URL after
// redirects, the capture time (UTC, with the clock it came from) and the browser's version
// and user agent. What cannot be had is said, not hidden: a page still loading at the
// deadline is captured as it stands and marked partial, a huge page is capped (and marked),
// and a page that is gone (404, 410, unknown host) yields a capture saying so.
//
// Every request the page makes passes the SSRF guard first (public addresses only unless the
// source is local), like the crawler's. Chromium follows redirects without asking the
// interceptor, so each hop of the main document is checked again afterwards, and a chain
// through a refused address throws away the capture.
import os from 'node:os';
import type { Browser, Page, Response } from 'playwright-core';
import { DEFAULT_USER_AGENT } from '../net/user-agent.ts';
import { guardUrl, type LookupAll } from '../net/ssrf-guard.ts';
import { isFetchError } from '../net/errors.ts';

export { CHROMIUM_ARGS as EVIDENCE_CHROMIUM_ARGS } from '../net/chromium.ts';
import { CHROMIUM_ARGS as EVIDENCE_CHROMIUM_ARGS } from '../net/chromium.ts';

export type ArtefactName = 'screenshot' | 'rendered_html' | 'response_body' | 'response_headers';

export interface CapturedArtefact {
  name: ArtefactName;
  contentType: string;
  bytes: Buffer;
}

export type CaptureOutcome = 'complete' | 'partial' | 'gone';

export interface CaptureResult {
  outcome: CaptureOutcome;
  requestedUrl: string;
  /** the URL the browser ended on, after redirects; null when nothing answered */
  finalUrl: string | null;
  status: number | null;
  redirects: { url: string; status: number | null; location: string | null }[];
  /** why the page counts as gone: http_404, http_410, dns_not_found */
  goneReason?: string;
  /** what is missing or cut: timeout, response_body_unavailable, response_body_capped, html_capped, screenshot_capped… */
  partialReasons: string[];
  /** ISO 8601 UTC, when navigation started */
  capturedAt: string;
  finishedAt: string;
  clock: { source: string; host: string; serverDate: string | null };
  browser: { name: 'chromium'; version: string; userAgent: string };
  artefacts: CapturedArtefact[];
}

export interface CaptureOptions {
  executablePath: string;
  /** deadline for loading the page; what is there then is captured as partial */
  timeoutMs: number;
  /** cap on the raw body and on the rendered HTML */
  maxBytes: number;
  /** screenshots taller than this (px) are cut here; default 16 000 */
  maxScreenshotHeight?: number;
  allowPrivate?: boolean;
  /** a running browser to use (closed by its owner); otherwise one is launched for this capture */
  browser?: Browser;
  lookupAll?: LookupAll;
}

/** The capture cannot be made (refused URL, unreachable server): a retry may or may not help. */
export class CaptureError extends Error {
  override readonly name = 'CaptureError';
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

const VIEWPORT = { width: 1280, height: 900 };
const CLOCK_SOURCE = 'system clock of the capturing host (Node.js Date, UTC)';

export async function launchEvidenceBrowser(executablePath: string): Promise<Browser> {
  // loaded on first use: most processes never start a browser
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath,
    args: EVIDENCE_CHROMIUM_ARGS,
    timeout: 30_000,
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
}

export async function capturePage(url: string, opts: CaptureOptions): Promise<CaptureResult> {
  const started = new Date();
  const guard = { allowPrivate: opts.allowPrivate, lookupAll: opts.lookupAll };
  const base = {
    requestedUrl: url,
    capturedAt: started.toISOString(),
    clock: { source: CLOCK_SOURCE, host: os.hostname(), serverDate: null as string | null },
  };

  try {
    await guardUrl(url, guard);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOTFOUND') {
      return gone(base, 'dns_not_found', { name: 'chromium', version: 'not started', userAgent: 'not used' });
    }
    if (isFetchError(err)) throw new CaptureError(`refusing to capture ${url}: ${err.message}`, false);
    throw new CaptureError(`cannot resolve ${url}: ${(err as Error).message}`, true);
  }

  const browser = opts.browser ?? (await launchEvidenceBrowser(opts.executablePath));
  const version = browser.version();
  const context = await browser.newContext({
    viewport: VIEWPORT,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    userAgent: `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${version} Safari/537.36 ${DEFAULT_USER_AGENT}`,
    serviceWorkers: 'block',
    acceptDownloads: false,
  });
  try {
    const page = await context.newPage();
    const verdicts = new Map<string, Promise<boolean>>();
    await page.route('**/*', async (route, request) => {
      const u = request.url();
      if (!/^https?:/.test(u)) return route.continue().catch(() => undefined);
      const origin = new URL(u).origin;
      let ok = verdicts.get(origin);
      if (!ok) {
        ok = guardUrl(u, guard).then(() => true, () => false);
        verdicts.set(origin, ok);
      }
      if (await ok) return route.continue().catch(() => undefined);
      return route.abort('blockedbyclient').catch(() => undefined);
    });
    await page.routeWebSocket(/.*/, (ws) => ws.close({ code: 1008, reason: 'blocked by ipclue' }));

    let mainResponse: Response | null = null;
    page.on('response', (r) => {
      try {
        if (r.request().isNavigationRequest() && r.frame() === page.mainFrame()) mainResponse = r;
      } catch {
        // a detached frame: not the main document
      }
    });

    const deadline = Date.now() + opts.timeoutMs;
    const partial: string[] = [];
    try {
      const r = await page.goto(url, { waitUntil: 'load', timeout: opts.timeoutMs });
      if (r) mainResponse = r;
      // give late scripts a moment; a page that keeps polling just gets captured as it is
      await page.waitForLoadState('networkidle', { timeout: Math.min(2_000, Math.max(1, deadline - Date.now())) }).catch(() => undefined);
    } catch (err) {
      const msg = (err as Error).message ?? String(err);
      if ((err as Error).name === 'TimeoutError') {
        partial.push('timeout');
      } else if (/ERR_NAME_NOT_RESOLVED/.test(msg)) {
        return gone(base, 'dns_not_found', { name: 'chromium', version, userAgent: await userAgentOf(page) });
      } else if (/ERR_BLOCKED_BY_CLIENT/.test(msg)) {
        throw new CaptureError(`refusing to capture ${url}: the address is not one ipclue may reach`, false);
      } else if (!mainResponse) {
        throw new CaptureError(`cannot load ${url}: ${msg.split('\n')[0]}`, true);
      } else {
        partial.push('navigation_error');
      }
    }

    const response = mainResponse as Response | null;
    const status = response ? response.status() : null;
    if (status !== null && (status >= 500 || status === 429)) {
      throw new CaptureError(`${url} answered ${status}: try again later`, true);
    }
    const redirects = await redirectChain(response);
    for (const hop of [...redirects.map((h) => h.url), response?.url() ?? page.url()]) {
      if (!/^https?:/.test(hop)) continue;
      try {
        await guardUrl(hop, guard);
      } catch (err) {
        throw new CaptureError(`refusing the capture of ${url}: it redirected to ${hop} (${(err as Error).message})`, false);
      }
    }

    const artefacts: CapturedArtefact[] = [];
    let serverDate: string | null = null;
    if (response) {
      const headers = await withTimeout(response.headersArray(), 2_000).catch(() => []);
      serverDate = headers.find((h) => h.name.toLowerCase() === 'date')?.value ?? null;
      const head = {
        url: response.url(),
        status: response.status(),
        statusText: response.statusText(),
        headers,
        redirects,
      };
      artefacts.push({ name: 'response_headers', contentType: 'application/json', bytes: Buffer.from(JSON.stringify(head, null, 2)) });
      const body = await withTimeout(response.body(), Math.max(1_000, Math.min(5_000, deadline - Date.now()))).catch(() => undefined);
      if (body === undefined) partial.push('response_body_unavailable');
      else {
        const contentType = headers.find((h) => h.name.toLowerCase() === 'content-type')?.value ?? 'application/octet-stream';
        if (body.length > opts.maxBytes) partial.push('response_body_capped');
        artefacts.push({ name: 'response_body', contentType, bytes: body.length > opts.maxBytes ? body.subarray(0, opts.maxBytes) : body });
      }
    } else {
      partial.push('no_response');
    }

    const html = await withTimeout(page.content(), 5_000).catch(() => undefined);
    if (html === undefined) partial.push('html_unavailable');
    else {
      let bytes = Buffer.from(html, 'utf8');
      if (bytes.length > opts.maxBytes) {
        bytes = bytes.subarray(0, opts.maxBytes);
        partial.push('html_capped');
      }
      artefacts.push({ name: 'rendered_html', contentType: 'text/html; charset=utf-8', bytes });
    }

    const shot = await screenshot(page, opts.maxScreenshotHeight ?? 16_000).catch(() => undefined);
    if (!shot) partial.push('screenshot_failed');
    else {
      if (shot.capped) partial.push('screenshot_capped');
      artefacts.push({ name: 'screenshot', contentType: 'image/png', bytes: shot.png });
    }

    const isGone = status === 404 || status === 410;
    if (status !== null && status >= 400 && !isGone) partial.push(`http_${status}`);
    return {
      ...base,
      outcome: isGone ? 'gone' : partial.length ? 'partial' : 'complete',
      goneReason: isGone ? `http_${status}` : undefined,
      finalUrl: response?.url() ?? (page.url() === 'about:blank' ? null : page.url()),
      status,
      redirects,
      partialReasons: partial,
      finishedAt: new Date().toISOString(),
      clock: { ...base.clock, serverDate },
      browser: { name: 'chromium', version, userAgent: await userAgentOf(page) },
      artefacts,
    };
  } finally {
    await context.close().catch(() => undefined);
    if (!opts.browser) await browser.close().catch(() => undefined);
  }
}

function gone(
  base: Pick<CaptureResult, 'requestedUrl' | 'capturedAt' | 'clock'>,
  reason: string,
  browser: CaptureResult['browser'],
): CaptureResult {
  return {
    ...base,
    outcome: 'gone',
    goneReason: reason,
    finalUrl: null,
    status: null,
    redirects: [],
    partialReasons: [],
    finishedAt: new Date().toISOString(),
    browser: { ...browser, name: 'chromium' },
    artefacts: [],
  };
}

async function userAgentOf(page: Page): Promise<string> {
  return withTimeout(page.evaluate(() => navigator.userAgent), 2_000).catch(() => 'unknown');
}

async function redirectChain(response: Response | null): Promise<CaptureResult['redirects']> {
  const hops: CaptureResult['redirects'] = [];
  let req = response?.request().redirectedFrom() ?? null;
  while (req) {
    const r = await withTimeout(req.response(), 2_000).catch(() => null);
    hops.unshift({ url: req.url(), status: r?.status() ?? null, location: r ? ((await r.headerValue('location').catch(() => null)) ?? null) : null });
    req = req.redirectedFrom();
  }
  return hops;
}

async function screenshot(page: Page, maxHeight: number): Promise<{ png: Buffer; capped: boolean }> {
  const height = await withTimeout(
    page.evaluate(() => Math.max(document.documentElement?.scrollHeight ?? 0, document.body?.scrollHeight ?? 0)),
    3_000,
  ).catch(() => 0);
  const capped = height > maxHeight;
  const png = await page.screenshot({
    fullPage: true,
    clip: capped ? { x: 0, y: 0, width: VIEWPORT.width, height: maxHeight } : undefined,
    timeout: 10_000,
    animations: 'disabled',
    caret: 'hide',
  });
  return { png, capped };
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
