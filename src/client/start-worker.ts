import '../shared/runtime-file';

/** The worker bundle's file name in dist/. */
export const WORKER_FILE = 'localrec.worker.js';

let scriptBase: string | undefined;

/** Set by the script-tag entry: the URL its <script> was loaded from. */
export function setScriptBase(url: string | undefined): void {
  scriptBase = url;
}

/** Replaced at build time: true in the script-tag bundle (a classic script has no import.meta). */
declare const __LOCALREC_SCRIPT_TAG__: boolean;

export interface StartedWorker {
  worker: Worker;
  /** Where the worker script came from, when it can be known (for WORKER_FAILED's diagnosis). */
  url: () => string | undefined;
}

/**
 * Starts the serving worker.
 * - `workerUrl` given: exactly there (relative to the page).
 * - Script tag: next to the `<script>` file (or the page, if it cannot be known).
 * - npm (ESM): through the literal `new Worker(new URL('./localrec.worker.js', import.meta.url))`,
 *   the pattern Vite, webpack 5 and Rollup-based tools recognise, so the app's bundler emits the
 *   worker, its chunks and the WASM binaries itself, and the page never sees a build machine's
 *   `file:` path (webpack compiles any other use of `import.meta.url` into one).
 */
export function startWorker(workerUrl: string | URL | undefined): StartedWorker {
  const options: WorkerOptions = { type: 'module', name: 'localrec' };
  if (workerUrl !== undefined) {
    const url = new URL(String(workerUrl), document.baseURI).href;
    return { worker: new Worker(url, options), url: () => url };
  }
  if (typeof __LOCALREC_SCRIPT_TAG__ !== 'undefined' && __LOCALREC_SCRIPT_TAG__) {
    const url = new URL(WORKER_FILE, scriptBase ?? document.baseURI).href;
    return { worker: new Worker(url, options), url: () => url };
  }
  const worker = new Worker(new URL(__localrecRuntimeFile__('localrec.worker.js'), import.meta.url), { type: 'module', name: 'localrec' });
  return { worker, url: bundledWorkerUrl };
}

/**
 * The URL a bundler gave the worker is not known to this code (the expression above is all it
 * has); the browser's resource timing usually recorded the fetch of it.
 */
function bundledWorkerUrl(): string | undefined {
  if (typeof performance === 'undefined' || typeof performance.getEntriesByType !== 'function') return undefined;
  const entries = performance.getEntriesByType('resource').filter((entry) => /localrec[._-]?worker/i.test(entry.name));
  return entries.at(-1)?.name;
}
