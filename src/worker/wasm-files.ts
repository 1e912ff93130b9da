import '../shared/runtime-file';
import type { WasmPaths } from '../shared/engine-config';

/**
 * Where tfjs' WASM binaries are: each named as a literal `new URL('./….wasm', import.meta.url)` (see
 * shared/runtime-file.ts), so an app's bundler emits them with the worker and the WASM backend
 * never falls back to a CDN or, silently, to the CPU.
 */
export function wasmFileUrls(): WasmPaths {
  return {
    'tfjs-backend-wasm.wasm': new URL(__localrecRuntimeFile__('tfjs-backend-wasm.wasm'), import.meta.url).href,
    'tfjs-backend-wasm-simd.wasm': new URL(__localrecRuntimeFile__('tfjs-backend-wasm-simd.wasm'), import.meta.url).href,
    'tfjs-backend-wasm-threaded-simd.wasm': new URL(__localrecRuntimeFile__('tfjs-backend-wasm-threaded-simd.wasm'), import.meta.url).href,
  };
}
