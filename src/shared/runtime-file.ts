/**
 * How the shipped files name each other so that bundlers see it.
 *
 * Vite, webpack 5 and Rollup-based tools emit a worker, its chunks and a `.wasm` binary only when
 * the code names them as a literal `new URL('./file', import.meta.url)` (for a worker, inside
 * `new Worker(…, { type: 'module' })`). The sources cannot write that literal: the files it names
 * only exist in dist/, next to the built chunk, and the path depends on which chunk the line ends
 * up in. So the sources call the marker below, and the build (vite.config.ts, `runtimeFileUrls`)
 * replaces each `__localrecRuntimeFile__("name")` with the literal relative path from the chunk
 * that holds it, e.g. `"./localrec.worker.js"` or `"../localrec.train-worker.js"`. A build that
 * left a marker behind fails.
 */
declare global {
  // eslint-disable-next-line no-var
  var __localrecRuntimeFile__: (name: RuntimeFile) => string;
}

/** The files of dist/ that other files load at run time. */
export type RuntimeFile =
  | 'localrec.worker.js'
  | 'localrec.train-worker.js'
  | 'tfjs-backend-wasm.wasm'
  | 'tfjs-backend-wasm-simd.wasm'
  | 'tfjs-backend-wasm-threaded-simd.wasm';

export {};
