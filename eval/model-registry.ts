import { ContentKnnModel } from './baselines/content-knn';
import { EaseModel } from './baselines/ease';
import { ItemKnnModel } from './baselines/item-knn';
import { PopularModel } from './baselines/popular';
import { RandomModel } from './baselines/random';
import { SknnModel } from './baselines/sknn';
import { VaeEvalModel } from './adapters/vae-eval-model';
import type { WeightDtype } from '../src/models/packs/vae-pack';
import { ColdStartEvalModel } from '../research/cold-start/cold-eval-model';
import { EngineEvalModel } from './adapters/localrec-eval-model';
import { BridgeEvalModel } from '../research/cold-start/bridge-eval-model';
import type { EvalModel } from './eval-model';
import { RecencyModel } from './adapters/recency-model';
import { spreadCriteria, SpreadVariantsModel } from './adapters/spread-model';
import { FineTuneEvalModel } from './adapters/fine-tune-model';

export type ProtocolName = 'strong' | 'loo' | 'cold-items' | 'cold-users' | 'sessions';
export const PROTOCOLS: readonly ProtocolName[] = ['strong', 'loo', 'cold-items', 'cold-users', 'sessions'];

/** What a factory may want to know about the run it is created for. */
export interface ModelOptions {
  protocol: ProtocolName;
  seed: number;
  /** The protocol's headline ranking metric, for models that tune on validation users. */
  tuneMetric: string;
  /** Caps the VAE's epochs (`--max-epochs`). */
  maxEpochs?: number;
}

export type ModelFactory = (options: ModelOptions) => EvalModel;

/**
 * Model name → factory. Names are the report's model names (shared/EVALUATION.md).
 * To evaluate a new model, implement EvalModel and add one line here, e.g.
 *   vae: (o) => new VaeEvalModel(o),
 *   localrec: (o) => new EngineEvalModel(o),
 */
export const MODEL_REGISTRY: Record<string, ModelFactory> = {
  popular: () => new PopularModel(),
  itemknn: () => new ItemKnnModel(),
  ease: (o) => new EaseModel({ tuneMetric: o.tuneMetric }),
  'content-knn': () => new ContentKnnModel(),
  random: () => new RandomModel(),
  sknn: (o) => new SknnModel({ tuneMetric: o.tuneMetric }),
  // ── register further models below this line ──
  vae: (o) => new VaeEvalModel({ tuneMetric: o.tuneMetric, ...(o.maxEpochs ? { overrides: { epochs: o.maxEpochs } } : {}) }),
  'vae+finetune': (o) => new FineTuneEvalModel({ tuneMetric: o.tuneMetric }),
  'localrec-cold': (o) => new ColdStartEvalModel({ tuneMetric: o.tuneMetric }),
  // The full system as a store runs it: the worker's own ranking code (src/rank/hybrid-scorer.ts)
  // over a VAE trained here, its cold bridge tuned on pseudo-cold items (eval/adapters/localrec-eval-model.ts).
  localrec: (o) => new EngineEvalModel({ tuneMetric: o.tuneMetric }),
  // The same with the library's default bridge settings (DEFAULT_NEW_ITEM_BRIDGE): a pack without tuned ones.
  // The same with the GAN's generator run on new items at its best pseudo-cold validation weight
  // (the worker runs none: this measures what it would add; research/cold-start/generator-part.ts).
  'localrec+gan': (o) => new EngineEvalModel({ tuneMetric: o.tuneMetric, generator: 'apply', name: 'localrec+gan' }),
  'localrec-default': (o) => new EngineEvalModel({ tuneMetric: o.tuneMetric, tune: false, name: 'localrec-default' }),
  // Research bridge, evaluation only: field-weighted sparse TF-IDF and an EASE kernel-ridge map (content-bridge.ts).
  'localrec-bridge': (o) => new BridgeEvalModel({ tuneMetric: o.tuneMetric, name: 'localrec-bridge' }),
  // Ablation of the research bridge: EASE instead of the VAE for warm items (fast).
  'localrec-bridge-ease': (o) => new BridgeEvalModel({ tuneMetric: o.tuneMetric, useVae: false, name: 'localrec-bridge-ease' }),
};

/** Models run when --models is not given: the baselines every report includes. */
export const DEFAULT_MODELS: Record<ProtocolName, string[]> = {
  strong: ['popular', 'itemknn', 'ease'],
  loo: ['popular', 'itemknn', 'ease'],
  'cold-users': ['popular', 'itemknn', 'ease'],
  // Interaction-only models score never-bought items 0 (their cold_ figures are the tie order's):
  // they are run anyway so the report shows that, next to the text model and random.
  'cold-items': ['random', 'popular', 'itemknn', 'ease', 'content-knn'],
  sessions: ['popular', 'itemknn', 'sknn', 'ease'],
};

/** Any registered model name + this suffix = that model with a recency decay tuned on validation. */
export const RECENCY_SUFFIX = '+recency';
/** … and + this one: that model's lists with near-duplicate variants spread out, as recommend() does. */
export const SPREAD_SUFFIX = '+spread';

/**
 * `vae@DTYPE[/kN]`: the model `vae` trained in this run, scored from its pack at precision DTYPE
 * (uint8, float16, float32, nf4, nf3) with N neighbours a part (`/tM`: M in the catalog's tail,
 * the items outside the most-bought that make 80% of purchases; `/bB`: B values a NormalFloat
 * scale), exactly as the browser decodes it;
 * `vae/kN@…`: trained with N neighbours from the start. Their settings give the pack's size.
 */
const PACK_VARIANT = /^vae(?:\/k(\d+))?@(uint8|float16|float32|nf4|nf3)(?:\/k(\d+))?(?:\/t(\d+))?(?:\/b(\d+))?$/;

function packVariant(name: string, options: ModelOptions): EvalModel | null {
  const m = PACK_VARIANT.exec(name);
  if (!m) return null;
  const trained = m[1] ? Number(m[1]) : null;
  const kept = m[3] ? Number(m[3]) : undefined;
  return new VaeEvalModel({
    tuneMetric: options.tuneMetric,
    name,
    overrides: { ...(trained ? { neighbours: trained } : {}), ...(options.maxEpochs ? { epochs: options.maxEpochs } : {}) },
    compact: { dtype: m[2] as WeightDtype, ...(kept ? { neighbours: kept } : {}), ...(m[4] ? { tailNeighbours: Number(m[4]) } : {}), ...(m[5] ? { nfBlock: Number(m[5]) } : {}) },
  });
}

/** Whether `name` is a registered model, with any of the suffixes (e.g. `vae+recency+spread`). */
export function isKnownModel(name: string): boolean {
  if (PACK_VARIANT.test(name)) return true;
  for (const suffix of [SPREAD_SUFFIX, RECENCY_SUFFIX]) if (name.endsWith(suffix)) return isKnownModel(name.slice(0, -suffix.length));
  return Object.hasOwn(MODEL_REGISTRY, name);
}

/** @throws Error naming the unknown model and the known ones. */
export function createModel(name: string, options: ModelOptions): EvalModel {
  if (name.endsWith(SPREAD_SUFFIX) && isKnownModel(name)) return new SpreadVariantsModel(createModel(name.slice(0, -SPREAD_SUFFIX.length), options), spreadCriteria(options.protocol, options.tuneMetric));
  if (name.endsWith(RECENCY_SUFFIX) && isKnownModel(name)) {
    return new RecencyModel(createModel(name.slice(0, -RECENCY_SUFFIX.length), options), options.tuneMetric);
  }
  const variant = packVariant(name, options);
  if (variant) return variant;
  const factory = Object.hasOwn(MODEL_REGISTRY, name) ? MODEL_REGISTRY[name] : undefined;
  if (!factory) throw new Error(`unknown model "${name}" (known: ${Object.keys(MODEL_REGISTRY).join(', ')})`);
  return factory(options);
}
