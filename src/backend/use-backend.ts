import * as tf from '@tensorflow/tfjs-core';
import type { BackendName } from '../shared/types';
import type { WasmPaths } from '../shared/engine-config';

/** Backends are imported only when tried, so the worker never downloads code it does not run. */
async function loadBackend(name: BackendName, wasmPaths: WasmPaths | undefined): Promise<void> {
  switch (name) {
    case 'webgpu':
      await import('@tensorflow/tfjs-backend-webgpu');
      return;
    case 'webgl':
      await import('@tensorflow/tfjs-backend-webgl');
      return;
    case 'wasm': {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      // Binaries are served next to the worker: never from a CDN (privacy, CSP, offline).
      if (wasmPaths) wasm.setWasmPaths(wasmPaths);
      return;
    }
    case 'cpu':
      await import('@tensorflow/tfjs-backend-cpu');
      return;
  }
}

/**
 * Makes `name` the tfjs backend (importing it first), unless it already is: the one start-up of a
 * backend, for the worker's choice (select-backend.ts) and for the Node tools and evaluation.
 * @param wasmPaths where the WASM binaries are: a folder URL or each file's URL (the worker passes what its build emitted)
 * @throws Error when tfjs cannot start it
 */
export async function useBackend(name: BackendName, wasmPaths?: WasmPaths): Promise<void> {
  if (tf.findBackend(name) == null) await loadBackend(name, wasmPaths);
  if (tf.getBackend() !== name) {
    const ok = await tf.setBackend(name);
    if (!ok || tf.getBackend() !== name) {
      // tfjs only says false; the usual cause for WASM is binaries that were not found.
      const where = typeof wasmPaths === 'string' ? wasmPaths : wasmPaths?.['tfjs-backend-wasm-simd.wasm'];
      const hint = name === 'wasm' ? ` (the .wasm binaries could not be loaded${where ? ` from ${where}` : ''}: serve them next to the worker)` : '';
      throw new Error(`tf.setBackend('${name}') failed${hint}`);
    }
  }
  await tf.ready();
}
