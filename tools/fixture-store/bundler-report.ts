// `npm run bench -- bundlers`: what localrec costs a store, measured on the fixture store built
// from the `npm pack` tarball (fixture-store.ts), as JSON lines:
// - package: `npm pack` size, unpacked size, node_modules growth;
// - initial-js: per bundler, the gzipped bytes localrec adds to the page's initial JavaScript
//   (the plain fixture page minus the same page without localrec);
// - runtime: per bundler and backend, the gzipped bytes the browser then downloads for the
//   worker, its chunks and the WASM binaries (requests seen by the server, sizes from the files).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../browser/chromium';
import { buildStore, createFixtureStore, type BuiltStore, type Bundler, type FixtureStore } from './fixture-store';

const BUILT_BUNDLERS: Bundler[] = ['vite-build', 'vite-build-es-workers', 'webpack', 'rollup', 'esbuild'];
const BACKENDS = ['wasm', 'webgl', 'cpu', 'webgpu'] as const;

type Emit = (record: Record<string, unknown>) => void;

function gzipBytes(path: string): number {
  return gzipSync(readFileSync(path), { level: 9 }).length;
}

/** The scripts index.html loads before anything runs: its script and module-preload links. */
function initialScripts(outDir: string): string[] {
  const html = readFileSync(join(outDir, 'index.html'), 'utf8');
  const urls = [...html.matchAll(/<script[^>]*\ssrc="([^"]+)"|<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g)].map((m) => (m[1] ?? m[2])!);
  return urls.map((url) => join(outDir, url.replace(/^\//, '')));
}

function initialBytes(built: BuiltStore): number {
  return initialScripts(built.outDir!).reduce((sum, file) => sum + gzipBytes(file), 0);
}

/** Opens the built page with `backend`, waits for its recommendations, and sums what the worker side downloaded. */
async function runtimeDownload(browser: Browser, built: BuiltStore, backend: string): Promise<{ bytes: number; files: number; used: string }> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const fetched = new Set<string>();
    page.on('requestfinished', (request) => {
      const path = new URL(request.url()).pathname;
      if (/\.(js|wasm)$/.test(path)) fetched.add(path);
    });
    await page.goto(`${built.url}/?backend=${backend}`);
    await page.waitForFunction(() => document.body.dataset.state !== undefined, undefined, { timeout: 180_000 });
    const used = await page.evaluate(() => document.body.dataset.backend ?? document.body.dataset.error ?? '');
    const initial = new Set(initialScripts(built.outDir!).map((file) => file.slice(built.outDir!.length)));
    const worker = [...fetched].filter((path) => !initial.has(path));
    return { bytes: worker.reduce((sum, path) => sum + gzipBytes(join(built.outDir!, path)), 0), files: worker.length, used };
  } finally {
    await context.close();
  }
}

export async function bundlerReport(emit: Emit): Promise<void> {
  const store: FixtureStore = await createFixtureStore();
  const browser = await launchChromium();
  try {
    emit({
      bench: 'package',
      unit: 'bytes',
      npmPack: store.packBytes,
      unpacked: store.unpackedBytes,
      nodeModulesGrowth: store.installedBytes,
      packagesAdded: store.installedPackages,
    });
    for (const bundler of BUILT_BUNDLERS) {
      const without = await buildStore(store, bundler, 'src/baseline.js');
      const baseline = initialBytes(without);
      await without.close();
      const built = await buildStore(store, bundler, 'src/main.js');
      try {
        const withLocalrec = initialBytes(built);
        emit({ bench: 'initial-js', unit: 'bytes-gzip', bundler, added: withLocalrec - baseline, withLocalrec, withoutLocalrec: baseline });
        for (const backend of BACKENDS) {
          const runtime = await runtimeDownload(browser, built, backend);
          emit({ bench: 'runtime', unit: 'bytes-gzip', bundler, backend, used: runtime.used, bytes: runtime.bytes, files: runtime.files });
        }
      } finally {
        await built.close();
      }
    }
  } finally {
    await browser.close();
    store.remove();
  }
}
