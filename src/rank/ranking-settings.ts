import type { EventType } from '../shared/types';
import type { RankingReport, RankingSource } from '../shared/status';
import { DEFAULT_HALF_LIFE, EVENT_WEIGHTS } from './profile-weights';
import { QUERY_EVIDENCE, type QueryEvidenceSettings } from './query-evidence';
import { DEFAULT_VARIANT_WAIT } from './spread-variants';

/**
 * How a model pack says the worker should rank for its store (manifest `ranking`), each value
 * with where it was chosen. Every field is optional: what a pack leaves out is the library's
 * default. Written by `npm run train -- --evaluation FILE` from the evaluation's tuning runs.
 */
export interface PackRanking {
  /** Recency half-life in distinct items, tuned on `loo` validation users (`+recency`). */
  halfLife?: number | 'uniform';
  tunedOn?: string;
  /** Event-type weights (a viewed item counts 1), those the store's data could tune. */
  eventWeights?: { weights: Partial<Record<EventType, number>>; tunedOn: string };
  /** How far a search's matches are lifted (and in which unit, default 'sd') and how many join the history (`intent` validation). */
  queryEvidence?: { hits: number; boost: number; lift?: 'sd' | 'range'; gate?: number; tunedOn: string };
  /** How many places a near-duplicate variant waits ('all': until every distinct item is placed), `+spread` validation. */
  variants?: { wait: number | 'all'; tunedOn: string };
}


/** The values the worker ranks with, resolved from a pack's `ranking` (or the defaults), with their sources. */
export interface RankingSettings {
  halfLife: number;
  eventWeights: Readonly<Record<EventType, number>>;
  queryEvidence: QueryEvidenceSettings;
  variantWait: number;
  sources: { halfLife: RankingSource; eventWeights: Record<EventType, RankingSource>; queryEvidence: RankingSource; variants: RankingSource };
  /** Where the pack's values were tuned, by setting. */
  tunedOn: RankingReport['tunedOn'];
  /** Pack values that were out of range or unknown, and so not used. */
  ignored: string[];
}

const EVENT_TYPES: readonly EventType[] = ['view', 'cart', 'purchase', 'search'];

const isPlain = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const inRange = (value: unknown, lo: number, hi: number): value is number => typeof value === 'number' && Number.isFinite(value) && value >= lo && value <= hi;

/**
 * The ranking settings of a pack's manifest `ranking` (any JSON), each value checked: one out of
 * range is named in `ignored` and its default used, so an odd pack never breaks ranking.
 */
export function rankingSettingsFrom(ranking: unknown): RankingSettings {
  const out: RankingSettings = {
    halfLife: DEFAULT_HALF_LIFE,
    eventWeights: { ...EVENT_WEIGHTS },
    queryEvidence: { ...QUERY_EVIDENCE },
    variantWait: DEFAULT_VARIANT_WAIT,
    sources: { halfLife: 'library default', eventWeights: { view: 'library default', cart: 'library default', purchase: 'library default', search: 'library default' }, queryEvidence: 'library default', variants: 'library default' },
    tunedOn: {},
    ignored: [],
  };
  if (!isPlain(ranking)) return out;
  const tunedOn = (value: unknown): string => (typeof value === 'string' ? value : '');

  const h = ranking.halfLife;
  if (h === 'uniform' || inRange(h, Number.MIN_VALUE, 1e6)) {
    out.halfLife = h === 'uniform' ? Infinity : h;
    out.sources.halfLife = 'model pack';
    out.tunedOn.halfLife = tunedOn(ranking.tunedOn);
  } else if (h !== undefined) out.ignored.push('halfLife');

  const ew = ranking.eventWeights;
  if (isPlain(ew) && isPlain(ew.weights)) {
    const weights = { ...out.eventWeights };
    for (const [type, value] of Object.entries(ew.weights)) {
      if (!EVENT_TYPES.includes(type as EventType) || !inRange(value, 0, 100)) {
        out.ignored.push(`eventWeights.${type}`);
        continue;
      }
      weights[type as EventType] = value;
      out.sources.eventWeights[type as EventType] = 'model pack';
    }
    out.eventWeights = weights;
    out.tunedOn.eventWeights = tunedOn(ew.tunedOn);
  } else if (ew !== undefined) out.ignored.push('eventWeights');

  const q = ranking.queryEvidence;
  if (isPlain(q) && Number.isInteger(q.hits) && inRange(q.hits, 0, 200) && inRange(q.boost, 0, 1000) && (q.lift === undefined || q.lift === 'sd' || q.lift === 'range') && (q.gate === undefined || inRange(q.gate, 0, 1000))) {
    out.queryEvidence = { hits: q.hits, boost: q.boost, lift: q.lift ?? 'sd', gate: q.gate ?? 0 };
    out.sources.queryEvidence = 'model pack';
    out.tunedOn.queryEvidence = tunedOn(q.tunedOn);
  } else if (q !== undefined) out.ignored.push('queryEvidence');

  const v = ranking.variants;
  if (isPlain(v) && (v.wait === 'all' || (Number.isInteger(v.wait) && inRange(v.wait, 0, 1000)))) {
    out.variantWait = v.wait === 'all' ? Infinity : (v.wait as number);
    out.sources.variants = 'model pack';
    out.tunedOn.variants = tunedOn(v.tunedOn);
  } else if (v !== undefined) out.ignored.push('variants');
  return out;
}

/** What status().ranking says of these settings. */
export function rankingReport(settings: RankingSettings): RankingReport {
  return {
    halfLife: Number.isFinite(settings.halfLife) ? settings.halfLife : 'uniform',
    halfLifeSource: settings.sources.halfLife,
    eventWeights: { ...settings.eventWeights },
    eventWeightsSource: { ...settings.sources.eventWeights },
    queryEvidence: { ...settings.queryEvidence, source: settings.sources.queryEvidence },
    variants: { wait: Number.isFinite(settings.variantWait) ? settings.variantWait : 'all', source: settings.sources.variants },
    tunedOn: { ...settings.tunedOn },
    ignored: [...settings.ignored],
  };
}

/** The library's defaults (no pack, or a model trained on the device). */
export const DEFAULT_RANKING: RankingSettings = rankingSettingsFrom(undefined);
