import type { BackendPreference, Item } from '../shared/types';

/** What the engine needs to start: plain data, so it can cross the worker boundary. */
export interface EngineConfig {
  catalog: Item[] | string;
  backend: BackendPreference;
  dbName: string;
  maxEvents: number;
  persist: boolean;
  /** Where the tfjs WASM binaries are: a folder URL, or each file's URL (in the browser: what the build emitted). */
  wasmPaths?: WasmPaths;
  /** Train in a worker of its own (in the browser); absent → training runs in slices here. */
  trainInWorker?: boolean;
  /** Absolute URL of a model pack folder, if the store ships one. */
  models?: string;
  /** Subresource-Integrity values (`sha256-…`) of the packs' manifest.json, when the store gives them. */
  modelsIntegrity?: string;
  reasonsIntegrity?: string;
  /** Absolute URL of a reasons pack folder (the neural reason generator), if the store ships one. */
  reasons?: string;
  /** Memory budget for the catalog's vectors and the pack, in MB (absent: from the device's memory). */
  memoryBudgetMB?: number;
  /** Hashed dimensions of the content vectors. */
  dims?: number;
}

/** tfjs-backend-wasm's `setWasmPaths` argument: a folder URL, or a URL for each binary. */
export type WasmPaths = string | Partial<Record<'tfjs-backend-wasm.wasm' | 'tfjs-backend-wasm-simd.wasm' | 'tfjs-backend-wasm-threaded-simd.wasm', string>>;
