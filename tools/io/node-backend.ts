import * as tf from '@tensorflow/tfjs-core';

let ready: Promise<string> | null = null;

/**
 * Starts tfjs for evaluation in Node: the WASM backend (SIMD, what browsers without a real GPU
 * run), else the plain-JS CPU backend. Returns the backend name for the report.
 */
export function initEvalBackend(): Promise<string> {
  ready ??= (async () => {
    try {
      await import('@tensorflow/tfjs-backend-wasm');
      if (await tf.setBackend('wasm')) {
        await tf.ready();
        return 'wasm';
      }
    } catch {
      // fall through to cpu
    }
    await import('@tensorflow/tfjs-backend-cpu');
    await tf.setBackend('cpu');
    await tf.ready();
    return 'cpu';
  })();
  return ready;
}
