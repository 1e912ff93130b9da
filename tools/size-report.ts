// Prints the gzipped size of what a storefront page loads, and fails the build when the page-side
// loader exceeds its budget. Run after `vite build` (npm run build does).
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

const DIST = 'dist';
/**
 * The page-side loader (ESM entry and the chunks it imports statically) must stay this small.
 * 5.5 KB since calls made before start-up wait for it and onChange() lives on the page (+0.3 KB).
 */
export const LOADER_BUDGET_BYTES = 5.5 * 1024;
/**
 * The script-tag bundle is one file: it carries inline what the ESM loader fetches only when a
 * store asks for it (lasting storage, ~0.4 KB), so it gets that much more.
 */
export const IIFE_BUDGET_BYTES = 6 * 1024;
/**
 * The web components (`localrec/widgets`, localrec-widgets.iife.js): page-side, loaded only by
 * stores that use them, so a bundle of their own rather than a part of the loader's budget.
 */
export const WIDGETS_BUDGET_BYTES = 7 * 1024;

const gz = (file: string): number => gzipSync(readFileSync(file), { level: 9 }).length;

/** A file and every chunk it imports statically (what the browser must fetch before it runs). */
function staticClosure(entry: string, seen = new Set<string>()): Set<string> {
  if (seen.has(entry)) return seen;
  seen.add(entry);
  const code = readFileSync(entry, 'utf8');
  for (const match of code.matchAll(/(?:^|[;\n}])\s*import\s*(?:[^'"()]*?from\s*)?["']([^"']+)["']/g)) {
    const spec = match[1]!;
    if (spec.startsWith('.')) staticClosure(join(dirname(entry), spec), seen);
  }
  return seen;
}

function total(files: Iterable<string>): number {
  let sum = 0;
  for (const file of files) sum += gz(file);
  return sum;
}

export function sizeReport(): { loader: number; iife: number; widgets: number; widgetsIife: number; worker: number; workerWithBackends: number; wasm: number } {
  const loader = total(staticClosure(join(DIST, 'index.js')));
  const iife = gz(join(DIST, 'localrec.iife.js'));
  const widgets = total(staticClosure(join(DIST, 'widgets.js')));
  const widgetsIife = gz(join(DIST, 'localrec-widgets.iife.js'));
  const workerFiles = staticClosure(join(DIST, 'localrec.worker.js'));
  const worker = total(workerFiles);
  const allJs = readdirSync(join(DIST, 'chunks')).filter((f) => f.endsWith('.js')).map((f) => join(DIST, 'chunks', f));
  const workerWithBackends = worker + total(allJs.filter((f) => !workerFiles.has(f)));
  const wasm = gz(join(DIST, 'tfjs-backend-wasm-simd.wasm'));
  return { loader, iife, widgets, widgetsIife, worker, workerWithBackends, wasm };
}

if (process.argv[1] && relative(process.cwd(), process.argv[1]).includes('size-report')) {
  const sizes = sizeReport();
  const kb = (n: number): string => `${(n / 1024).toFixed(1)} KB`;
  console.log('localrec bundle sizes (gzip -9):');
  console.log(`  page loader (ESM, index.js + static imports) ${kb(sizes.loader)}  budget ${kb(LOADER_BUDGET_BYTES)}`);
  console.log(`  script-tag loader (localrec.iife.js)         ${kb(sizes.iife)}  budget ${kb(IIFE_BUDGET_BYTES)}`);
  console.log(`  widgets (ESM, widgets.js + static imports)   ${kb(sizes.widgets)}  budget ${kb(WIDGETS_BUDGET_BYTES)}`);
  console.log(`  widgets script tag (localrec-widgets.iife)   ${kb(sizes.widgetsIife)}  budget ${kb(WIDGETS_BUDGET_BYTES)}`);
  console.log(`  worker (before any backend loads)            ${kb(sizes.worker)}`);
  console.log(`  worker + every backend chunk                 ${kb(sizes.workerWithBackends)}`);
  console.log(`  wasm binary (simd, loaded only on wasm)      ${kb(sizes.wasm)}`);
  console.log(JSON.stringify({ bench: 'bundle-size', ...sizes, loaderBudget: LOADER_BUDGET_BYTES, iifeBudget: IIFE_BUDGET_BYTES, widgetsBudget: WIDGETS_BUDGET_BYTES, unit: 'bytes-gzip' }));
  if (sizes.loader > LOADER_BUDGET_BYTES) {
    console.error(`Page loader over budget: ${kb(sizes.loader)} > ${kb(LOADER_BUDGET_BYTES)}`);
    process.exit(1);
  }
  if (Math.max(sizes.widgets, sizes.widgetsIife) > WIDGETS_BUDGET_BYTES) {
    console.error(`Widgets over budget: ${kb(Math.max(sizes.widgets, sizes.widgetsIife))} > ${kb(WIDGETS_BUDGET_BYTES)}`);
    process.exit(1);
  }
  if (sizes.iife > IIFE_BUDGET_BYTES) {
    console.error(`Script-tag loader over budget: ${kb(sizes.iife)} > ${kb(IIFE_BUDGET_BYTES)}`);
    process.exit(1);
  }
}
