import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from 'vite';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../tools/browser/chromium';
import { startStaticServer, type StaticServer } from '../../tools/browser/static-server';

// A storefront with the strictest policy that still allows WebAssembly.
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; report-uri /csp-report";
const XSS_TITLE = '<img src=x onerror="window.__xss=1">Evil <script>window.__xss=2</script> Duct Tape';

let browser: Browser;
let repo: StaticServer;
let demo: StaticServer;
let out: string;

beforeAll(async () => {
  browser = await launchChromium();
  repo = await startStaticServer();
  repo.headers['content-security-policy'] = CSP;
  // The built demo (what a store deploys), with a hostile catalog row first in line.
  out = mkdtempSync(join(tmpdir(), 'localrec-demo-'));
  await build({ configFile: 'demo/vite.config.ts', logLevel: 'error', build: { outDir: out, emptyOutDir: true } });
  const items = readFileSync(join(out, 'items.jsonl'), 'utf8');
  writeFileSync(join(out, 'items.jsonl'), `${JSON.stringify({ id: 'XSS00000001', title: XSS_TITLE, category: ['Industrial & Scientific <b>bold</b>'], brand: '<svg onload=alert(1)>' })}\n${items}`);
  demo = await startStaticServer(out);
  demo.headers['content-security-policy'] = CSP;
});
afterAll(async () => {
  await browser?.close();
  await repo?.close();
  await demo?.close();
  if (out) rmSync(out, { recursive: true, force: true });
});

async function watchViolations(page: Page): Promise<void> {
  await page.addInitScript(() => {
    (window as unknown as { __violations: string[] }).__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { __violations: string[] }).__violations.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
}

const reports = (server: StaticServer): string[] => server.requests.filter((r) => r.url.startsWith('/csp-report')).map((r) => r.body);

describe('strict Content-Security-Policy', () => {
  it('the script-tag example runs with no CSP violation (page or worker)', async () => {
    const page = await browser.newPage();
    await watchViolations(page);
    await page.goto(`${repo.url}/test/pages/csp-script-tag.html`);
    await page.waitForFunction(() => document.getElementById('result')?.textContent !== '', undefined, { timeout: 60_000 });
    const result = JSON.parse((await page.textContent('#result'))!);
    expect(result).toEqual({ ok: true, recs: 12, similar: 4, backend: 'wasm' });
    expect(await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations)).toEqual([]);
    await page.waitForTimeout(300); // reports are sent asynchronously
    expect(reports(repo)).toEqual([]);
    await page.close();
  });

  it('the built demo works under the policy, and catalog text is never run as HTML', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await watchViolations(page);
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(demo.url);
    await page.waitForSelector('#content .card', { timeout: 60_000 });
    // A new shopper's home page shows popular items; the hostile item is found by search, on screen, as text.
    await page.fill('#search', 'evil duct tape');
    await page.press('#search', 'Enter');
    await page.waitForSelector('text=results for “evil duct tape”');
    const firstTitle = await page.textContent('#content .card .title');
    expect(firstTitle).toBe(XSS_TITLE);
    await page.click('#content .card >> nth=0');
    await page.waitForSelector('.product h1');
    expect(await page.textContent('.product h1')).toBe(XSS_TITLE);
    await page.click('text=Add to cart');
    await page.waitForSelector('text=In your cart ✓');
    await page.fill('#search', 'duct tape');
    await page.press('#search', 'Enter');
    await page.waitForSelector('text=results for “duct tape”');
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.locator('#content img, .product img, #content script').count()).toBe(0);
    expect(dialogs).toEqual([]);
    expect(await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations)).toEqual([]);
    await page.waitForTimeout(300);
    expect(reports(demo)).toEqual([]);
    await context.close();
  });
});
