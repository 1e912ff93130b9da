// The npm package as a store meets it: packed, installed into a fresh app outside the repository,
// built by each bundler with its plain configuration (no copying, no workerUrl), and opened in
// Chromium. Each page must show recommendations on the WASM backend, with no failed request, and
// no bundle may hold a `file:` path of the build machine.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../tools/browser/chromium';
import { buildStore, builtScripts, BUNDLERS, ENTRY, createFixtureStore, runStoreTests, type Bundler, type FixtureStore } from '../../tools/fixture-store/fixture-store';

let store: FixtureStore;
let browser: Browser;

beforeAll(async () => {
  store = await createFixtureStore();
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  store?.remove();
});

/** A path of the build machine compiled into a bundle (webpack does this to a bare import.meta.url). */
function buildMachinePaths(outDir: string): string[] {
  return builtScripts(outDir).filter((file) => {
    const code = readFileSync(join(outDir, file), 'utf8');
    return /file:\/\/\/[A-Za-z]/.test(code) || code.includes(store.dir);
  });
}

describe('the packed package in a fresh store app', () => {
  it('installs as one package with no dependencies of its own', () => {
    expect(store.installedPackages).toBe(1);
    const manifest = JSON.parse(readFileSync(join(store.dir, 'node_modules/localrec/package.json'), 'utf8')) as { dependencies?: object };
    expect(manifest.dependencies ?? {}).toEqual({});
  });

  it("the store's own vitest suite passes against localrec/testing, from ESM and from require()", async () => {
    const output = await runStoreTests(store);
    expect(output.vitest).toMatch(/Tests\s+2 passed/);
    expect(output.commonjs).toMatch(/# pass 2/);
    expect(output.commonjs).toMatch(/# fail 0/);
  }, 120_000);

  for (const bundler of [...BUNDLERS, 'vite-build-es-workers'] as const) {
    it(`${bundler} (${ENTRY[bundler]}): recommendations on WASM, no failed request, no file: path`, async () => {
      const built = await buildStore(store, bundler as Bundler);
      const context = await browser.newContext();
      try {
        const page = await context.newPage();
        const failures: string[] = [];
        const errors: string[] = [];
        page.on('response', (response) => {
          const type = response.headers()['content-type'] ?? '';
          const url = response.url();
          // A script or binary answered with an HTML page is the single-page fallback standing in for a missing file.
          if (response.status() >= 400 || (/\.(m?js|wasm)(\?|$)/.test(url) && type.includes('text/html'))) failures.push(`${response.status()} ${type} ${url}`);
        });
        page.on('pageerror', (error) => errors.push(error.message));
        await page.goto(`${built.url}/`);
        await page.waitForFunction(() => document.body.dataset.state !== undefined, undefined, { timeout: 90_000 });
        const state = await page.evaluate(() => {
          const { state, error, backend, backendReason } = document.body.dataset;
          return { state, error, backend, backendReason, items: document.querySelectorAll('#recs li').length };
        });
        expect(state.error).toBeUndefined();
        expect(state.state).toBe('done');
        expect(state.backend, state.backendReason).toBe('wasm');
        expect(state.items).toBe(5);
        expect(failures).toEqual([]);
        expect(errors).toEqual([]);
        if (bundler === 'webpack') {
          // The Vue page also shows <localrec-recommendations> (localrec/widgets), connected to its recommender.
          await page.waitForFunction(() => document.querySelector('localrec-recommendations')?.getAttribute('state') === 'ready', undefined, { timeout: 30_000 });
          expect(await page.locator('localrec-recommendations [part~="item"]').count()).toBeGreaterThan(0);
        }
        if (bundler === 'vite-dev') {
          // React StrictMode mounted twice; the first recommender was disposed: one worker is left.
          await expect.poll(() => page.workers().length, { timeout: 10_000 }).toBe(1);
        }
        if (built.outDir) expect(buildMachinePaths(built.outDir)).toEqual([]);
        // Every backend the worker loads on demand survives the app's bundling (a backend is
        // registered by importing its chunk for its side effects, which a bundler may drop).
        for (const backend of ['cpu', 'webgl']) {
          await page.goto(`${built.url}/?backend=${backend}`);
          await page.waitForFunction(() => document.body.dataset.state !== undefined, undefined, { timeout: 90_000 });
          const forced = await page.evaluate(() => ({ backend: document.body.dataset.backend, error: document.body.dataset.error }));
          expect(forced, `?backend=${backend}`).toEqual({ backend, error: undefined });
        }
      } finally {
        await context.close();
        await built.close();
      }
    }, 240_000);
  }
});
