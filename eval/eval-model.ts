import type { Item } from '../src/shared/types';
import type { Csr } from '../src/util/csr';

export type { Csr };

export interface FitContext {
  seed: number;
  /** Catalog metadata aligned with item columns (column j is items[j]); fields may be missing. */
  items: Item[];
  /** Held-out validation users (for tuning hyper-parameters): their inputs and target columns. */
  validation?: { inputs: Csr; targets: number[][] };
  /**
   * Whether the protocol masks each user's input items when ranking (default true; false in
   * `sessions`). Models that tune on `validation` should rank it the same way.
   */
  maskInputs?: boolean;
  onProgress?: (event: { stage: string; loaded: number; total: number; [key: string]: unknown }) => void;
}

/**
 * What the evaluation command runs. The protocol code owns splitting, masking of input items and
 * ranking; a model only learns from `train` and scores histories.
 */
export interface EvalModel {
  readonly name: string;
  fit(train: Csr, context: FitContext): Promise<void>;
  /** Scores of every item for each row of `inputs` (same columns as train): [rows × cols], row-major. */
  scoreBatch(inputs: Csr): Promise<Float32Array>;
  /** Hyper-parameters as reported in the JSON line's `settings`. */
  settings(): Record<string, unknown>;
  /** 'wasm' | 'cpu' | 'webgpu' | 'webgl' | 'js' (plain JavaScript, no tfjs). */
  backend(): string;
  dispose?(): void;
}
