// One Chromium per worker process for evidence captures, launched on first use and closed
// after a minute without captures (the timer does not keep the process alive; Playwright
// kills the browser when the process exits). Each capture gets its own browser context, so
// nothing carries over between captures; the browser is replaced after 100 captures, or at
// once if it crashed.
import type { Browser } from 'playwright-core';
import { launchEvidenceBrowser } from './capture.ts';

export class SharedBrowser {
  private browser: Promise<Browser> | undefined;
  private users = 0;
  private uses = 0;
  private idle: NodeJS.Timeout | undefined;

  constructor(
    private readonly executablePath: string,
    private readonly opts: { idleMs?: number; restartAfter?: number } = {},
  ) {}

  async use<T>(fn: (browser: Browser) => Promise<T>): Promise<T> {
    clearTimeout(this.idle);
    this.users++;
    try {
      return await fn(await this.get());
    } finally {
      this.users--;
      this.uses++;
      if (this.users === 0) {
        if (this.uses >= (this.opts.restartAfter ?? 100)) void this.close();
        else this.idle = setTimeout(() => void this.close(), this.opts.idleMs ?? 60_000).unref();
      }
    }
  }

  private async get(): Promise<Browser> {
    const current = this.browser ? await this.browser.catch(() => undefined) : undefined;
    if (current?.isConnected()) return current;
    const launching = launchEvidenceBrowser(this.executablePath);
    this.browser = launching;
    launching.catch(() => {
      if (this.browser === launching) this.browser = undefined;
    });
    return launching;
  }

  async close(): Promise<void> {
    clearTimeout(this.idle);
    const b = this.browser;
    this.browser = undefined;
    this.uses = 0;
    if (b) await (await b.catch(() => undefined))?.close().catch(() => undefined);
  }
}
