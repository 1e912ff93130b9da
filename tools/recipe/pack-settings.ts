// What the tuning runs of `npm run eval` (its JSON lines) tell a model pack: how the worker should
// rank for this store (manifest `ranking`, src/rank/ranking-settings.ts) and score its new items
// (manifest `coldStart`). Each value carries where it was tuned.
import type { PackRanking } from '../../src/rank/ranking-settings';
import type { PackColdStart } from '../../src/models/packs/vae-pack';
import { COHERENCE_SHRINK_PAIRS } from './term-weights';

interface Line {
  protocol?: string;
  model?: string;
  dataset?: string;
  seed?: number;
  settings?: Record<string, unknown>;
}

const where = (r: Line, what: string): string => `${what} of ${r.dataset}, seed ${r.seed} (${r.protocol}, ${r.model})`;

/** The half-life a `loo` `+recency` line tuned on validation users. */
function halfLife(records: readonly Line[]): Pick<PackRanking, 'halfLife' | 'tunedOn'> | null {
  for (const r of records) {
    const h = r.settings?.halfLife;
    if (r.protocol === 'loo' && r.model?.endsWith('+recency') && (h === 'uniform' || (typeof h === 'number' && h > 0))) {
      return { halfLife: h, tunedOn: where(r, 'loo validation users') };
    }
  }
  return null;
}

/** The search event's weight and the query-evidence lift an `intent` `localrec` line chose on validation users. */
function search(records: readonly Line[]): Pick<PackRanking, 'eventWeights' | 'queryEvidence'> | null {
  for (const r of records) {
    const weight = r.settings?.search_event_weight;
    const evidence = r.settings?.query_evidence as { hits?: unknown; boost?: unknown; lift?: unknown; gate?: unknown } | undefined;
    if (r.protocol !== 'intent' || r.model !== 'localrec' || typeof weight !== 'number' || typeof evidence?.hits !== 'number' || typeof evidence.boost !== 'number') continue;
    const tunedOn = `${where(r, 'intent validation users')}: the best NDCG@10 with query_precision@12 ≥ 0.8`;
    return { eventWeights: { weights: { search: weight }, tunedOn }, queryEvidence: { hits: evidence.hits, boost: evidence.boost, ...(evidence.lift === 'range' || evidence.lift === 'sd' ? { lift: evidence.lift } : {}), ...(typeof evidence.gate === 'number' ? { gate: evidence.gate } : {}), tunedOn } };
  }
  return null;
}

/** The variant wait `+spread` lines chose on validation users: the shortest of them, so every protocol's NDCG stays within its bound. */
function variants(records: readonly Line[]): Pick<PackRanking, 'variants'> | null {
  let chosen: { wait: number; line: Line } | null = null;
  for (const r of records) {
    const spread = r.settings?.spreadVariants as { wait?: unknown; validation?: unknown } | undefined;
    if (!r.model?.endsWith('+spread') || !spread?.validation) continue;
    const wait = spread.wait === 'all' ? Infinity : spread.wait;
    if (typeof wait === 'number' && wait >= 0 && (!chosen || wait < chosen.wait)) chosen = { wait, line: r };
  }
  if (!chosen) return null;
  const tunedOn = `${where(chosen.line, 'validation users')}: the longest wait with NDCG within 1% of no rule`;
  return { variants: { wait: Number.isFinite(chosen.wait) ? chosen.wait : 'all', tunedOn } };
}

/** The pack's `ranking` from evaluation lines (null: none of them tuned anything), `halfLifeGiven` overriding theirs. */
export function packRanking(records: readonly unknown[] | null, halfLifeGiven: number | 'uniform' | null): PackRanking | null {
  const lines = (records ?? []) as Line[];
  const ranking: PackRanking = {
    ...(halfLifeGiven !== null ? { halfLife: halfLifeGiven, tunedOn: 'given with --half-life' } : halfLife(lines)),
    ...search(lines),
    ...variants(lines),
  };
  return Object.keys(ranking).length > 0 ? ranking : null;
}

/**
 * The cold-start bridge a `cold-items` `localrec` line tuned on pseudo-cold items, and the weight
 * that validation gave the GAN's generator (research/cold-start/generator-part.ts) when the line
 * trained one: the pack says so either way, and the worker runs no generator at weight 0.
 */
export function packColdStart(records: readonly unknown[] | null, termWeights?: (coherence: number) => ReadonlyMap<string, number>): PackColdStart | null {
  for (const r of (records ?? []) as Line[]) {
    const tuning = r.settings?.tuning as { chosen?: Record<string, number>; generator?: { weight?: unknown }; generatorValidationNDCG20?: Record<string, number> } | undefined;
    const chosen = tuning?.chosen;
    if (r.protocol === 'cold-items' && r.model === 'localrec' && chosen && typeof chosen === 'object') {
      const tunedOn = `pseudo-cold items of ${r.dataset}, seed ${r.seed} (cold-items, localrec)`;
      const weight = tuning.generator?.weight;
      const generator = typeof weight === 'number' && Number.isFinite(weight) ? { weight, validationNDCG20: tuning.generatorValidationNDCG20 ?? {}, tunedOn } : undefined;
      // The term weights' exponent the tuning chose; the table comes from the pack's own training data.
      const coherence = (r.settings?.termWeights as { coherence?: unknown } | undefined)?.coherence;
      let terms: PackColdStart['termWeights'];
      if (typeof coherence === 'number' && coherence > 0) {
        if (!termWeights) throw new Error(`${tunedOn} chose term weights (coherence ${coherence}): the pack's training data is needed to compute them`);
        terms = { coherence, kappa: COHERENCE_SHRINK_PAIRS, weights: Object.fromEntries(termWeights(coherence)), tunedOn };
      }
      return { bridge: chosen, tunedOn, ...(generator ? { generator } : {}), ...(terms ? { termWeights: terms } : {}) };
    }
  }
  return null;
}
