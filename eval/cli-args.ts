import { DEFAULT_MODELS, isKnownModel, MODEL_REGISTRY, PROTOCOLS, type ProtocolName } from './model-registry';

/** `search` runs apart from the others: its `--models` name the interest model of the re-ranking. */
export const SEARCH_PROTOCOL = 'search';
export const DEFAULT_SEARCH_INTEREST = ['itemknn'];
/** `reasons` runs apart too: written reasons, with models of its own (shared/EVALUATION.md). */
export const REASONS_PROTOCOL = 'reasons';
export const REASONS_MODELS = ['generator', 'template', 'nearest-review'];
/** `intent` runs apart too: its three rankings are fixed (shared/EVALUATION.md). */
export const INTENT_PROTOCOL = 'intent';
/** `reasons-evidence`: model `localrec` only. */
export const REASONS_EVIDENCE_PROTOCOL = 'reasons-evidence';
/** `related`: similar / bought-together against the store's own lists; models of its own. */
export const RELATED_PROTOCOL = 'related';
export const RELATED_MODELS = ['itemknn', 'ease', 'content-knn', 'localrec', 'localrec-no-ae', 'localrec-no-brand', 'localrec-weights', 'localrec-no-alike'];
export const INTENT_MODELS = ['history-only', 'search-only', 'localrec', 'localrec-query-words'];

export interface EvalArgs {
  data: string;
  protocol: ProtocolName | typeof SEARCH_PROTOCOL | typeof REASONS_PROTOCOL | typeof INTENT_PROTOCOL | typeof REASONS_EVIDENCE_PROTOCOL | typeof RELATED_PROTOCOL;
  models: string[];
  seed: number;
  json: boolean;
  /** Run in a module worker of headless Chromium (WASM backend) instead of Node. */
  browser: boolean;
  help: boolean;
  /** Caps the VAE's epochs (speed and memory runs on synthetic stores; quality runs leave it out). */
  maxEpochs?: number;
}

/** A bad command line: the CLI prints the message and the usage, and exits with code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const USAGE = `usage: npm run eval -- --data DIR --protocol ${PROTOCOLS.join('|')}|search|reasons|intent|reasons-evidence|related [--models a,b,...] [--seed 42] [--json]
  --data DIR        a dataset directory in the shared layout (interactions.csv, optional items.jsonl)
  --protocol NAME   evaluation protocol of shared/EVALUATION.md
  --models LIST     comma-separated, from: ${Object.keys(MODEL_REGISTRY).join(', ')};
                    NAME+recency = NAME with a recency decay tuned on validation (e.g. vae+recency)
                    (default: strong/loo/cold-users ${DEFAULT_MODELS.strong.join(',')}; cold-items ${DEFAULT_MODELS['cold-items'].join(',')};
                    sessions ${DEFAULT_MODELS.sessions.join(',')};
                    search: the interest models of the personalised re-ranking, default ${DEFAULT_SEARCH_INTEREST.join(',')};
                    reasons: always ${REASONS_MODELS.join(',')}, on a set with reviews.jsonl;
                    intent: always ${INTENT_MODELS.join(',')})
  --seed N          integer seed of the split and tie order (default 42)
  --max-epochs N    cap the VAE's training epochs (speed and memory runs on synthetic stores only)
  --json            JSON lines on stdout only (no table on stderr)
  --browser         run the same evaluation in a worker of headless Chromium (WASM backend)`;

/**
 * Parses the evaluation command's arguments (`--flag value` or `--flag=value`).
 * @throws UsageError on unknown flags, protocols or models, missing values, or a bad seed.
 */
export function parseEvalArgs(argv: string[]): EvalArgs {
  const values: Record<string, string> = {};
  let json = false;
  let browser = false;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--json') json = true;
    else if (arg === '--browser') browser = true;
    else if (arg === '--help' || arg === '-h') help = true;
    else if (/^--(data|protocol|models|seed|max-epochs)(=|$)/.test(arg)) {
      const eq = arg.indexOf('=');
      const flag = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      const value = eq < 0 ? argv[++i] : arg.slice(eq + 1);
      if (value === undefined || value === '' || (eq < 0 && value.startsWith('--'))) throw new UsageError(`--${flag} needs a value`);
      values[flag] = value;
    } else throw new UsageError(`unknown argument "${arg}"`);
  }
  if (help) return { data: '', protocol: 'strong', models: [], seed: 42, json, browser, help };
  if (!values.data) throw new UsageError('--data DIR is required');
  const protocol = values.protocol;
  if (!protocol) throw new UsageError('--protocol is required');
  const isSearch = protocol === SEARCH_PROTOCOL;
  const isReasons = protocol === REASONS_PROTOCOL;
  const isIntent = protocol === INTENT_PROTOCOL;
  if (!isSearch && !isReasons && !isIntent && protocol !== REASONS_EVIDENCE_PROTOCOL && protocol !== RELATED_PROTOCOL && !(PROTOCOLS as readonly string[]).includes(protocol)) {
    throw new UsageError(`unknown protocol "${protocol}" (known: ${[...PROTOCOLS, SEARCH_PROTOCOL, REASONS_PROTOCOL, INTENT_PROTOCOL, REASONS_EVIDENCE_PROTOCOL, RELATED_PROTOCOL].join(', ')})`);
  }
  const seedOf = (text: string): number => {
    if (!/^-?\d+$/.test(text)) throw new UsageError(`--seed must be an integer, got "${text}"`);
    return Number(text);
  };
  if (protocol === RELATED_PROTOCOL) {
    const models = values.models ? values.models.split(',').map((m) => m.trim()).filter(Boolean) : RELATED_MODELS.filter((m) => m !== 'localrec-weights' && m !== 'localrec-no-alike');
    for (const m of models) if (!RELATED_MODELS.includes(m)) throw new UsageError(`unknown related model "${m}" (known: ${RELATED_MODELS.join(', ')})`);
    return { data: values.data, protocol: RELATED_PROTOCOL, models, seed: seedOf(values.seed ?? '42'), json, browser, help };
  }
  if (protocol === REASONS_EVIDENCE_PROTOCOL) return { data: values.data, protocol: REASONS_EVIDENCE_PROTOCOL, models: ['localrec'], seed: seedOf(values.seed ?? '42'), json, browser, help };
  if (isIntent) {
    const models = values.models ? values.models.split(',').map((m) => m.trim()).filter(Boolean) : INTENT_MODELS;
    for (const m of models) if (!INTENT_MODELS.includes(m)) throw new UsageError(`unknown intent model "${m}" (known: ${INTENT_MODELS.join(', ')})`);
    return { data: values.data, protocol: INTENT_PROTOCOL, models, seed: seedOf(values.seed ?? '42'), json, browser, help };
  }
  if (isReasons) {
    const models = values.models ? values.models.split(',').map((m) => m.trim()).filter(Boolean) : REASONS_MODELS;
    for (const m of models) if (!REASONS_MODELS.includes(m)) throw new UsageError(`unknown reasons model "${m}" (known: ${REASONS_MODELS.join(', ')})`);
    return { data: values.data, protocol: REASONS_PROTOCOL, models, seed: seedOf(values.seed ?? '42'), json, browser, help };
  }
  const defaults = isSearch ? DEFAULT_SEARCH_INTEREST : DEFAULT_MODELS[protocol as ProtocolName];
  const models = values.models ? values.models.split(',').map((m) => m.trim()).filter(Boolean) : defaults;
  if (models.length === 0) throw new UsageError('--models is empty');
  for (const m of models) if (!isKnownModel(m)) throw new UsageError(`unknown model "${m}" (known: ${Object.keys(MODEL_REGISTRY).join(', ')})`);
  const seedText = values.seed ?? '42';
  if (!/^-?\d+$/.test(seedText)) throw new UsageError(`--seed must be an integer, got "${seedText}"`);
  const maxEpochs = values['max-epochs'] === undefined ? undefined : Number(values['max-epochs']);
  if (maxEpochs !== undefined && !(Number.isInteger(maxEpochs) && maxEpochs >= 1)) throw new UsageError('--max-epochs must be a whole number of at least 1');
  return { data: values.data, protocol: protocol as EvalArgs['protocol'], models, seed: Number(seedText), json, browser, help, ...(maxEpochs ? { maxEpochs } : {}) };
}
