/**
 * Helpers for the end-to-end tests: Debian Chromium through playwright-core, a context that lets
 * requests reach 127.0.0.1 only, and bounded polling. Nothing here waits for a fixed time.
 */
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { browserArgs, findBrowser, MISSING_BROWSER } from '../../scripts/find-browser.mjs';

export const ARTIFACTS = new URL('../../.artifacts/', import.meta.url);

/** Starts headless Chromium (the one `scripts/find-browser.mjs` finds). */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = findBrowser();
  if (!executablePath) throw new Error(MISSING_BROWSER);
  return chromium.launch({ executablePath, args: browserArgs(), timeout: 30_000 });
}

export interface Watched {
  context: BrowserContext;
  page: Page;
  /** Uncaught page errors and requests refused because they left 127.0.0.1. */
  problems: string[];
}

/**
 * A fresh context and page. Every HTTP request that is not to 127.0.0.1 (or a data: URL) is
 * aborted and recorded; uncaught exceptions in the page are recorded too.
 */
export async function openPage(browser: Browser): Promise<Watched> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  await context.route(
    (url) => url.hostname !== '127.0.0.1' && url.protocol !== 'data:',
    (route) => {
      problems.push(`request outside 127.0.0.1 refused: ${route.request().url()}`);
      return route.abort('blockedbyclient');
    },
  );
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  return { context, page, problems };
}

/** Resolves with the first truthy value of `check()`; polls every 50 ms; fails after `timeoutMs`. */
export async function until<T>(
  check: () => Promise<T | null | undefined | false> | T | null | undefined | false,
  label: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${label}${last ? ` (last error: ${last})` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
