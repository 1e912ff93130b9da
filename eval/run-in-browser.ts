// Node side of `npm run eval -- --browser`: serves the evaluation page with vite's dev server,
// drives it in Debian's headless Chromium and returns the records the worker posts.
import { createRequire } from 'node:module';
import { basename, dirname, resolve } from 'node:path';
import { createServer } from 'vite';
import { launchChromium } from '../tools/browser/chromium';
import type { BrowserEvalJob, BrowserEvalMessage } from './browser/eval-worker';

export interface BrowserEvalOptions {
  dataDir: string;
  protocol: BrowserEvalJob['protocol'];
  models: string[];
  seed: number;
  onRecord?: (record: Record<string, unknown>) => void;
  onProgress?: (event: Record<string, unknown>) => void;
}

const fsUrl = (path: string): string => `/@fs${resolve(path).replace(/\/?$/, '/')}`;

/**
 * Runs one protocol in a Chromium worker and resolves with its records.
 * @throws Error with the worker's message when the evaluation fails there.
 */
export async function runEvalInBrowser(options: BrowserEvalOptions): Promise<Record<string, unknown>[]> {
  const root = process.cwd();
  const dataDir = resolve(options.dataDir);
  const wasmDir = resolve(dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
  const server = await createServer({
    configFile: false,
    root,
    logLevel: 'error',
    // No HMR and dependencies pre-bundled up front: a dev-server reload mid-run would start the
    // job again in the fresh page.
    server: { host: '127.0.0.1', port: 0, hmr: false, watch: null, fs: { allow: [root, dataDir, wasmDir] } },
    optimizeDeps: {
      entries: ['eval/browser/eval-page.ts', 'eval/browser/eval-worker.ts'],
      include: ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-cpu'],
    },
    worker: { format: 'es' },
  });
  await server.listen();
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const records: Record<string, unknown>[] = [];
    const finished = new Promise<void>((done, fail) => {
      void page.exposeFunction('localrecEval', (message: BrowserEvalMessage) => {
        if (message.kind === 'record') {
          records.push(message.record);
          options.onRecord?.(message.record);
        } else if (message.kind === 'progress') options.onProgress?.(message.event);
        else if (message.kind === 'done') done();
        else fail(new Error(`browser evaluation failed: ${message.message}`));
      });
      page.on('crash', () => fail(new Error('the Chromium page crashed')));
      // A second load would run the job twice and repeat records: refuse it.
      let loads = 0;
      page.on('load', () => {
        if (++loads > 1) fail(new Error('the evaluation page reloaded mid-run'));
      });
    });
    const job: BrowserEvalJob = {
      dataUrl: fsUrl(dataDir),
      name: basename(dataDir),
      protocol: options.protocol,
      models: options.models,
      seed: options.seed,
      wasmPaths: fsUrl(wasmDir),
    };
    const base = server.resolvedUrls!.local[0]!;
    await page.goto(`${base}eval/browser/index.html?job=${encodeURIComponent(JSON.stringify(job))}`);
    await finished;
    return records;
  } finally {
    await browser.close();
    await server.close();
  }
}
