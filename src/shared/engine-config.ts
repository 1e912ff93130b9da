import type { BackendPreference, Item } from '../shared/types';

/** What the engine needs to start: plain data, so it can cross the worker boundary. */
export interface EngineConfig {
  catalog: Item[] | string;
  backend: BackendPreference;
  dbName: string;
  maxEvents: number;
  persist: boolean;
  /** Folder URL of the tfjs WASM binaries (in the browser: next to the worker). */
  wasmPaths?: string;
  /** URL of the training worker (in the browser: next to this worker); absent → training runs in slices here. */
  trainWorkerUrl?: string;
  /** Absolute URL of a model pack folder, if the store ships one. */
  models?: string;
  /** Subresource-Integrity values (`sha256-…`) of the packs' manifest.json, when the store gives them. */
  modelsIntegrity?: string;
  reasonsIntegrity?: string;
  /** Absolute URL of a reasons pack folder (the neural reason generator), if the store ships one. */
  reasons?: string;
  /** Hashed dimensions of the content vectors. */
  dims?: number;
}
