import { useBackend } from '../../src/backend/use-backend';

let ready: Promise<string> | null = null;

/**
 * Starts tfjs for the Node tools and the evaluation: the WASM backend (SIMD, what browsers without
 * a real GPU run), else the plain-JS CPU backend. Returns the backend name for the report.
 */
export function initEvalBackend(): Promise<string> {
  ready ??= useBackend('wasm').then(
    () => 'wasm',
    () => useBackend('cpu').then(() => 'cpu'),
  );
  return ready;
}
