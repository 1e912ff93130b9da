import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from 'vite';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../tools/browser/chromium';
import { startStaticServer, type StaticServer } from '../../tools/browser/static-server';

// The built demo (what a store deploys), with localrec's service worker registered by the page.
let browser: Browser;
let demo: StaticServer;
let out: string;

beforeAll(async () => {
  browser = await launchChromium();
  out = mkdtempSync(join(tmpdir(), 'localrec-offline-'));
  await build({ configFile: 'demo/vite.config.ts', logLevel: 'error', build: { outDir: out, emptyOutDir: true } });
  demo = await startStaticServer(out);
});
afterAll(async () => {
  await browser?.close();
  await demo?.close();
  if (out) rmSync(out, { recursive: true, force: true });
});

const eventsStored = (n: number) => `^${n} ${n === 1 ? 'event' : 'events'} stored`;

describe('offline, after the first visit', () => {
  it('reloads, recommends, searches, explains and tracks with the network off', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${demo.url}/`);
    await page.waitForSelector('#content .card', { timeout: 60_000 });
    expect(await page.textContent('#backend')).toBe('wasm · VAE + content');
    // The service worker has installed (runtime files, page assets, catalog cached) and controls the page.
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 60_000 });
    await page.click('#content .card >> nth=0');
    await page.waitForSelector('.product h1');
    await page.waitForFunction((re) => new RegExp(re).test(document.getElementById('privacy-summary')?.textContent ?? ''), eventsStored(1));

    await context.setOffline(true);
    await page.goto(`${demo.url}/`);
    await page.waitForSelector('#content .card', { timeout: 60_000 });
    // The model pack comes from IndexedDB: the VAE still serves.
    expect(await page.textContent('#backend')).toBe('wasm · VAE + content');
    await page.waitForFunction((re) => new RegExp(re).test(document.getElementById('privacy-summary')?.textContent ?? ''), eventsStored(1));

    // Search, open a result (a tracked view), and read why something is recommended.
    await page.fill('#search', 'gloves');
    await page.press('#search', 'Enter');
    await page.waitForSelector('text=results for “gloves”');
    await page.click('#content .card >> nth=0');
    await page.waitForSelector('.product h1');
    await page.waitForFunction((re) => new RegExp(re).test(document.getElementById('privacy-summary')?.textContent ?? ''), eventsStored(3));
    // "Recommended for you" is localrec's widget: wait until it has refreshed after the view.
    await page.waitForFunction(() => {
      const el = document.getElementById('recommended');
      const list = el?.shadowRoot?.querySelector('[part="list"]');
      return el?.getAttribute('state') === 'ready' && list !== null && !list?.hasAttribute('aria-busy');
    }, undefined, { timeout: 60_000 });
    expect(await page.locator('#recommended [part~="item"]').count()).toBe(6);
    await page.click('#recommended [part~="why"] >> nth=0');
    await page.waitForSelector('#recommended [part~="why-panel"] li');
    expect((await page.locator('#recommended [part~="why-panel"] li').allTextContents()).length).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await context.close();
  }, 180_000);
});
