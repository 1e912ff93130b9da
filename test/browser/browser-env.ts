// Shared set-up for browser tests: one static server and one Chromium per test file.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../../tools/browser/chromium';
import { startStaticServer, type StaticServer } from '../../tools/browser/static-server';

export type LocalrecModule = typeof import('../../src/index');
/** What test pages put on `window`. */
export type TestWindow = Window & { localrec: LocalrecModule };

export interface BrowserEnv {
  browser: Browser;
  server: StaticServer;
  /** A fresh context (own IndexedDB) with one page opened on a test page, ready to use. */
  open(page: 'esm' | 'script-tag', context?: BrowserContext): Promise<{ context: BrowserContext; page: Page }>;
  close(): Promise<void>;
}

export async function startBrowserEnv(): Promise<BrowserEnv> {
  const server = await startStaticServer();
  const browser = await launchChromium();
  return {
    browser,
    server,
    async open(kind, existing) {
      const context = existing ?? (await browser.newContext());
      const page = await context.newPage();
      page.on('pageerror', (error) => console.error(`[page error] ${error.message}`));
      await page.goto(`${server.url}/test/pages/${kind}.html`);
      await page.waitForFunction(() => document.body.dataset.ready === 'true');
      return { context, page };
    },
    async close() {
      await browser.close();
      await server.close();
    },
  };
}
