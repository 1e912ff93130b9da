import { csrFromRows } from '../src/util/csr';
import type { Dataset } from './dataset';
import type { Csr, EvalModel, FitContext } from './eval-model';
import { evaluateUsers, type CandidateView } from './evaluate';
import { tieRanks } from './metrics';
import { titleWordSets } from './list-quality';
import { createModel, type ProtocolName } from './model-registry';
import { sessionsFacts, sessionsSplit } from './sessions';
import { coldItemsSplit, coldUsersHeldOut, looSplit, strongSplit, type HeldOut } from './splits';
import type { Item } from '../src/shared/types';

/** One line of the report, keys as in shared/EVALUATION.md "Output keys". */
export interface EvalRecord {
  dataset: string;
  protocol: ProtocolName;
  seed: number;
  model: string;
  metrics: Record<string, number>;
  train_seconds: number;
  backend: string;
  settings: Record<string, unknown>;
}

export const METRICS: Record<ProtocolName, string[]> = {
  strong: ['Recall@20', 'Recall@50', 'NDCG@100'],
  loo: ['HR@10', 'HR@20', 'NDCG@10', 'NDCG@20'],
  'cold-items': ['Recall@20', 'NDCG@20'],
  'cold-users': ['Recall@20', 'NDCG@20'],
  sessions: ['HR@20', 'MRR@20'],
};

/** The metric EASE-like models tune on: each protocol's deepest NDCG (sessions: MRR@20). */
const TUNE_METRIC: Record<ProtocolName, string> = {
  strong: 'NDCG@100',
  loo: 'NDCG@20',
  'cold-items': 'NDCG@20',
  'cold-users': 'NDCG@20',
  sessions: 'MRR@20',
};

export const COLD_USER_KS = [1, 3, 5];

export interface RunOptions {
  data: Dataset;
  protocol: ProtocolName;
  seed: number;
  models: string[];
  /** Caps the VAE's epochs (speed and memory runs). */
  maxEpochs?: number;
  /** Users per scoreBatch call (memory: batchSize × items floats). */
  batchSize?: number;
  /** Called as soon as each model's line is ready. */
  onRecord?: (record: EvalRecord) => void;
  onProgress?: FitContext['onProgress'];
}

/** A protocol reduced to what the runner needs: training data, validation, and test passes. */
interface Prepared {
  cols: number;
  items: Item[];
  train: Csr;
  validation?: { inputs: Csr; targets: number[][] };
  /** Each pass evaluates some held-out users; its keys get `suffix` (cold-users' `_k1`). */
  passes: { heldOut: HeldOut; views: CandidateView[]; suffix: string }[];
  facts: Record<string, number>;
  /** false: input items are ranked too (sessions). Default true. */
  maskInputs?: boolean;
}

function prepare(data: Dataset, protocol: ProtocolName, seed: number): Prepared {
  const heldOutCsr = (h: HeldOut, cols: number) => ({ inputs: csrFromRows(h.inputs, cols), targets: h.targets });
  switch (protocol) {
    case 'strong':
    case 'cold-users': {
      const split = strongSplit(data, seed);
      const cols = split.columns.length;
      const passes =
        protocol === 'strong'
          ? [{ heldOut: split.test, views: [{ prefix: '' }], suffix: '' }]
          : COLD_USER_KS.map((k) => ({ heldOut: coldUsersHeldOut(split, k), views: [{ prefix: '' }], suffix: `_k${k}` }));
      const facts: Record<string, number> = {
        items: cols,
        train_users: split.trainUsers.length,
        validation_users: split.validation.users.length,
      };
      if (protocol === 'strong') facts.test_users = split.test.users.length;
      else passes.forEach((p) => (facts[`test_users${p.suffix}`] = p.heldOut.users.length));
      return { cols, items: split.items, train: csrFromRows(split.train, cols), validation: heldOutCsr(split.validation, cols), passes, facts };
    }
    case 'loo': {
      const split = looSplit(data);
      const cols = split.columns.length;
      return {
        cols,
        items: split.items,
        train: csrFromRows(split.train, cols),
        validation: heldOutCsr(split.validation, cols),
        passes: [{ heldOut: split.test, views: [{ prefix: '' }], suffix: '' }],
        facts: { items: cols, train_users: split.train.length, test_users: split.test.users.length },
      };
    }
    case 'cold-items': {
      const split = coldItemsSplit(data, seed);
      const cols = split.columns.length;
      const warm = split.cold.map((c) => (c ? 0 : 1));
      let nCold = 0;
      split.cold.forEach((c) => (nCold += c));
      return {
        cols,
        items: split.items,
        train: csrFromRows(split.train, cols),
        passes: [{ heldOut: split.test, views: [{ prefix: 'cold_', excluded: warm }, { prefix: 'all_' }], suffix: '' }],
        facts: { items: cols, cold_items: nCold, train_users: split.train.length, test_users: split.test.users.length },
      };
    }
    case 'sessions': {
      // Split, input order and masking are defined in sessions.ts.
      const split = sessionsSplit(data);
      const cols = split.columns.length;
      return {
        cols,
        items: split.items,
        train: csrFromRows(split.train, cols),
        validation: heldOutCsr(split.validation, cols),
        passes: [{ heldOut: split.test, views: [{ prefix: '' }], suffix: '' }],
        facts: sessionsFacts(split),
        maskInputs: false,
      };
    }
  }
}

const round = (x: number, digits: number): number => Number(x.toFixed(digits));

/**
 * Runs one protocol for each named model (one at a time, so only one model's weights are held)
 * and returns the report lines.
 */
export async function runProtocol(options: RunOptions): Promise<EvalRecord[]> {
  const { data, protocol, seed } = options;
  const prepared = prepare(data, protocol, seed);
  const tieRank = tieRanks(prepared.cols, seed);
  // dup@12 and coverage@12 with strong and loo, on catalogs with titles.
  const titleWords = protocol === 'strong' || protocol === 'loo' ? titleWordSets(prepared.items) : null;
  const records: EvalRecord[] = [];
  for (const name of options.models) {
    const model: EvalModel = createModel(name, { protocol, seed, tuneMetric: TUNE_METRIC[protocol], ...(options.maxEpochs ? { maxEpochs: options.maxEpochs } : {}) });
    const context: FitContext = { seed, items: prepared.items };
    if (prepared.validation) context.validation = prepared.validation;
    if (prepared.maskInputs !== undefined) context.maskInputs = prepared.maskInputs;
    if (options.onProgress) context.onProgress = options.onProgress;
    const started = performance.now();
    await model.fit(prepared.train, context);
    const trainSeconds = (performance.now() - started) / 1000;
    const metrics: Record<string, number> = {};
    for (const pass of prepared.passes) {
      const result = await evaluateUsers({
        score: (x) => model.scoreBatch(x),
        inputs: pass.heldOut.inputs,
        targets: pass.heldOut.targets,
        cols: prepared.cols,
        metrics: METRICS[protocol],
        tieRank,
        views: pass.views,
        ...(prepared.maskInputs !== undefined ? { maskInputs: prepared.maskInputs } : {}),
        ...(options.batchSize ? { batchSize: options.batchSize } : {}),
        titleWords,
      });
      for (const [key, value] of Object.entries(result)) metrics[key + pass.suffix] = round(value, 4);
    }
    const record: EvalRecord = {
      dataset: data.name,
      protocol,
      seed,
      model: model.name,
      metrics,
      train_seconds: round(trainSeconds, 2),
      backend: model.backend(),
      settings: { ...model.settings(), eval: prepared.facts },
    };
    model.dispose?.();
    records.push(record);
    options.onRecord?.(record);
  }
  return records;
}
