import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type ViteDevServer } from 'vite';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../tools/chromium';

// `npm run demo` for real: the vite dev server on the demo config, driven like a shopper would.
let server: ViteDevServer;
let browser: Browser;
let url: string;

beforeAll(async () => {
  server = await createServer({ configFile: 'demo/vite.config.ts', server: { port: 0, host: '127.0.0.1' }, logLevel: 'error' });
  await server.listen();
  url = server.resolvedUrls!.local[0]!;
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('demo storefront', () => {
  it('recommendations and similar items follow the shopper; the privacy panel exports and erases', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const requests: string[] = [];
    context.on('request', (r) => requests.push(r.url()));
    await page.goto(url);
    await page.waitForSelector('#content .card', { timeout: 60_000 });
    // The demo runs the committed model pack (models/scientific) on WASM.
    expect(await page.textContent('#backend')).toBe('wasm · VAE + content');

    // Search, then open a product from the results.
    await page.fill('#search', 'duct tape');
    await page.press('#search', 'Enter');
    await page.waitForSelector('text=results for “duct tape”');
    await page.click('#content .card >> nth=0');
    await page.waitForSelector('.product h1');
    const title = await page.textContent('.product h1');
    expect(title).toMatch(/tape/i);
    expect(await page.locator('#content .grid .card').count()).toBe(8);
    await page.click('text=Add to cart');
    await page.waitForSelector('text=In your cart ✓');
    await page.waitForFunction(() => /^3 events/.test(document.getElementById('privacy-summary')?.textContent ?? ''));
    const recommended = await page.locator('#recommended > li').allTextContents();
    expect(recommended).toHaveLength(6);
    expect(recommended.filter((t) => /tape/i.test(t)).length).toBeGreaterThanOrEqual(4);
    const reasons = await page.locator('#recommended .reason').allTextContents();
    expect(reasons.every((r) => /^Because you (viewed|added|bought|searched for) /.test(r))).toBe(true);

    const download = page.waitForEvent('download');
    await page.click('#export');
    const exported = JSON.parse(await (await (await download).createReadStream()).toArray().then((c) => Buffer.concat(c).toString('utf8')));
    expect(exported.events.map((e: { type: string }) => e.type)).toEqual(['search', 'view', 'cart']);

    await page.click('#erase');
    await page.waitForFunction(() => /^0 events/.test(document.getElementById('privacy-summary')?.textContent ?? ''));
    expect(errors).toEqual([]);
    // Nothing the shopper did appears in any request.
    for (const r of requests) expect(decodeURIComponent(r)).not.toMatch(/duct tape/i);
    await context.close();
  });
});
