import * as tf from '@tensorflow/tfjs-core';
import { describeValue, LocalrecError } from '../shared/errors';
import type {
  FineTuneReasonsOptions,
  FineTuneReasonsReport,
  FineTuneReport,
  BackendPreference,
  CatalogReport,
  CatalogUpdate,
  CatalogUpdateReport,
  ExcludeRule,
  ExplainOptions,
  Explanation,
  ExportedData,
  Item,
  ProgressEvent,
  ProgressStage,
  Recommendation,
  RecommendOptions,
  RecommenderStatus,
  SearchOptions,
  SearchResult,
  SimilarOptions,
  StoredEvent,
  TrainOptions,
  TrainReport,
  TrackInput,
} from '../shared/types';
import { selectBackend, type BackendChoice } from '../backend/select-backend';
import { loadCatalog } from '../catalog/load-catalog';
import { normalizeCatalog } from '../catalog/normalize-catalog';
import { ContentModel } from '../models/content/content-model';
import { loadCollaborativeModel, type ModelReport } from '../models/packs/load-model-pack';
import { HybridScorer } from '../rank/hybrid-scorer';
import { Explainer } from '../explain/explainer';
import { loadReasonWriter, type ReasonsReport, type ReasonWriter } from '../explain/generator/reason-writer';
import { tuneReasonWriter } from '../explain/generator/fine-tune-reasons';
import { DEFAULT_PERSONALIZE_WEIGHT, personalize, SearchIndex } from '../search';
import { DEFAULT_HALF_LIFE, EVENT_WEIGHTS, weightHistory, type WeightedHistory } from '../rank/profile-weights';
import { availabilityMask, calibrateTopK, topK, topKByReadback, type TopKCalibration } from '../rank/top-k';
import type { BehaviourStore } from '../store/behaviour-store';
import { EventHistory } from '../store/event-history';
import { deleteDB } from 'idb';
import { IdbStore, isNewerDatabaseError } from '../store/idb-store';
import { TabSync, type TabMessage } from '../store/tab-sync';
import { MemoryStore } from '../store/memory-store';
import { proxy, releaseProxy, wrap } from 'comlink';
import { modelFromWeights, trainVaeWeights, type TrainedWeights } from './on-device-training';
import { fineTuneOnDevice, restorePersonalModel, type PersonalModelState } from './personal-model';
import type { CollaborativeModel } from '../models/collaborative-model';
import { DEFAULT_FINE_TUNE } from '../models/vae/fine-tune';
import type { TrainWorkerApi } from './train-worker';
import { MAX_QUERY_LENGTH, validateTrackInput } from './validate-event';

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
  /** Absolute URL of a reasons pack folder (the neural reason generator), if the store ships one. */
  reasons?: string;
  /** Hashed dimensions of the content vectors. */
  dims?: number;
}

export type ProgressListener = (event: ProgressEvent) => void;

/** Share of the start-up each stage takes, for `overall` (which must only go up). */
const STAGES: readonly [ProgressStage, number][] = [
  ['catalog', 0.3],
  ['backend', 0.3],
  ['features', 0.2],
  ['model', 0.1],
  ['history', 0.1],
];

function progressReporter(listener: ProgressListener | undefined) {
  let done = 0;
  return (stage: ProgressStage, loaded: number, total: number): void => {
    if (!listener) return;
    let offset = 0;
    let share = 0;
    for (const [name, weight] of STAGES) {
      if (name === stage) {
        share = weight;
        break;
      }
      offset += weight;
    }
    const overall = stage === 'ready' ? 1 : Math.min(1, offset + (share * loaded) / Math.max(total, 1));
    done = Math.max(done, overall);
    listener({ stage, loaded, total, overall: done });
  };
}

const MAX_K = 1000;

function checkK(value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_K) {
    throw new LocalrecError('INVALID_ARGUMENT', `k must be an integer from 1 to ${MAX_K}.`, { k: describeValue(value) });
  }
  return value;
}

const EXCLUDE_TYPES: Record<ExcludeRule, StoredEvent['type']> = { viewed: 'view', carted: 'cart', purchased: 'purchase' };

/**
 * The recommender itself, independent of where it runs: the worker exposes it through comlink,
 * and Node (tests, training, evaluation) uses it directly.
 */
export class Engine {
  private readonly history: EventHistory;
  private explainer: Explainer;
  /** Content model replaced by updateCatalog(), disposed at the next update (a call may still be using it). */
  private retiredModel: ContentModel | null = null;
  private retiredMask: tf.Tensor1D | null = null;
  private searchIndex: SearchIndex | null = null;
  private training = false;
  /** Which top-k method is faster here (timed at start-up), and the availability mask as numbers for it. */
  private topKCalibration: TopKCalibration | null = null;
  private unavailableRows: Float32Array | null = null;
  /** The shopper's fine-tuned model in use, and the model it was tuned from (kept for the next fineTune()). */
  private personal: { base: CollaborativeModel; state: PersonalModelState } | null = null;
  private personalError: { code: 'MODEL_INVALID'; message: string } | null = null;
  private readonly rowLookup = (id: string): number | undefined => this.rowById.get(id);
  /** Set when storage had to change mode, saying why (reported in status()). */
  private storageNote: string | null = null;
  /** Other tabs of this store (only for persistent storage, which they share). */
  private readonly tabs: TabSync | null;
  private disposed = false;
  /** The neural reason generator, when a reasons pack is loaded (else the template writes reasons). */
  private reasonWriter: ReasonWriter | null = null;
  private reasonsReport: ReasonsReport = { source: 'template', pack: null, from: null, error: null };

  private constructor(
    private readonly config: EngineConfig,
    private store: BehaviourStore,
    private items: Item[],
    private rowById: Map<string, number>,
    private catalogReport: CatalogReport,
    private readonly backend: BackendChoice,
    private model: ContentModel,
    private scorer: HybridScorer,
    private modelReport: ModelReport,
    private unavailableMask: tf.Tensor1D | null,
  ) {
    this.history = new EventHistory(config.maxEvents);
    this.explainer = new Explainer(items, () => this.scorer, this.rowLookup);
    this.tabs = store.persistent ? new TabSync(store.name, (message) => this.onTabMessage(message)) : null;
  }

  private onTabMessage(message: TabMessage): void {
    if (message.kind === 'event') this.history.add(message.event);
    else {
      this.history.clear();
      this.dropPersonal();
      this.store.resetAfterForget();
    }
  }

  /**
   * Loads the catalog, picks a backend, builds item vectors and reads the stored history.
   * @throws LocalrecError CATALOG_INVALID | CATALOG_EMPTY | CATALOG_FETCH_FAILED | BACKEND_UNAVAILABLE | STORAGE_FAILED
   */
  static async create(config: EngineConfig, onProgress?: ProgressListener): Promise<Engine> {
    const report = progressReporter(onProgress);
    const store: BehaviourStore = config.persist
      ? new IdbStore(config.dbName, config.maxEvents)
      : new MemoryStore(config.dbName, config.maxEvents);

    report('catalog', 0, 1);
    const catalog = await loadCatalog(config.catalog, store);
    report('catalog', 1, 1);

    report('backend', 0, 1);
    const backend = await selectBackend(config.backend, config.wasmPaths);
    report('backend', 1, 1);

    report('features', 0, catalog.items.length);
    const model = new ContentModel(catalog.items, config.dims);
    const mask = availabilityMask(catalog.items.map((item) => item.available !== false));
    report('features', catalog.items.length, catalog.items.length);

    const rowById = new Map(catalog.items.map((item, row) => [item.id, row]));
    report('model', 0, 1);
    const { collaborative, report: modelReport } = await loadCollaborativeModel(config.models, store, rowById, catalog.items.length);
    report('model', 1, 1);

    report('history', 0, 1);
    const scorer = new HybridScorer(model, collaborative);
    const engine = new Engine(config, store, catalog.items, rowById, catalog.report, backend, model, scorer, modelReport, mask);
    const reasons = await loadReasonWriter(config.reasons, store, catalog.items, (id) => rowById.get(id));
    if (collaborative) await engine.restorePersonal(collaborative);
    engine.reasonWriter = reasons.writer;
    engine.reasonsReport = reasons.report;
    try {
      engine.history.replace(await store.listEvents());
    } catch (error) {
      if (!isNewerDatabaseError(error)) throw error;
      engine.moveHistoryToMemory();
    }
    report('history', 1, 1);
    // Times both ways of taking the top k here (and compiles the kernels the first call needs).
    engine.unavailableRows = mask ? ((await mask.data()) as Float32Array) : null;
    engine.topKCalibration = await calibrateTopK(catalog.items.length, mask, 3).catch(() => null);
    report('ready', 1, 1);
    return engine;
  }

  /**
   * A newer version of localrec in another tab upgraded the database, which this (older) code
   * cannot open any more: keep serving from memory rather than fail, and say so in status().
   */
  private moveHistoryToMemory(): void {
    this.store.close();
    this.store = new MemoryStore(this.store.name, this.config.maxEvents, this.events());
    this.storageNote = 'A newer version of this store upgraded the database in another tab; this tab keeps new events in memory until it is reloaded.';
  }

  /** The history as stored: drops what the store pruned to make room in a full quota. */
  private events(): readonly StoredEvent[] {
    this.history.dropBelow(this.store.keptFromSeq);
    return this.history.list();
  }

  private assertLive(): void {
    if (this.disposed) throw new LocalrecError('DISPOSED', 'This recommender was disposed.');
  }

  private rowOf(itemId: unknown): number {
    const row = typeof itemId === 'string' ? this.rowById.get(itemId) : undefined;
    if (row === undefined) {
      throw new LocalrecError('UNKNOWN_ITEM', `No catalog item has id ${describeValue(itemId)}.`, { itemId: describeValue(itemId, 256) });
    }
    return row;
  }

  /**
   * Stores one behaviour event; resolves once it is committed.
   * @throws LocalrecError INVALID_EVENT | UNKNOWN_ITEM | STORAGE_FAILED | QUOTA_EXCEEDED
   */
  async track(input: TrackInput): Promise<StoredEvent> {
    this.assertLive();
    const event = validateTrackInput(input, (id) => this.rowById.has(id));
    let stored: StoredEvent;
    try {
      stored = await this.store.addEvent(event);
    } catch (error) {
      if (!isNewerDatabaseError(error)) throw error;
      this.moveHistoryToMemory();
      stored = await this.store.addEvent(event);
    }
    this.history.add(stored);
    this.tabs?.publish({ kind: 'event', event: stored });
    return stored;
  }

  /** Items for this shopper, best first. With no history yet, catalog order. */
  async recommend(options: RecommendOptions = {}): Promise<Recommendation[]> {
    this.assertLive();
    const k = checkK(options.k, 12);
    const rules = options.exclude ?? ['viewed', 'carted', 'purchased'];
    if (!Array.isArray(rules) || rules.some((rule) => !(rule in EXCLUDE_TYPES))) {
      throw new LocalrecError('INVALID_ARGUMENT', `exclude must list 'viewed', 'carted' or 'purchased'.`);
    }
    const excluded: number[] = [];
    const excludedTypes = new Set(rules.map((rule) => EXCLUDE_TYPES[rule]));
    const events = this.events();
    for (const event of events) {
      if (event.itemId === undefined || !excludedTypes.has(event.type)) continue;
      const row = this.rowById.get(event.itemId);
      if (row !== undefined) excluded.push(row);
    }
    for (const id of options.excludeIds ?? []) {
      const row = this.rowById.get(id);
      if (row !== undefined) excluded.push(row);
    }

    const history = this.weigh(events);
    this.addContext(history, options.context, excluded);
    const scores = await this.interestScores(history);
    let top: { rows: number[]; scores: number[] };
    try {
      top = await this.topK(scores, k, excluded);
    } finally {
      scores.dispose();
    }
    const recommendations = this.toRecommendations(top);
    if (options.explain === true && top.rows.length > 0) {
      const explanations = await this.explainer.explain(history, events, top.rows);
      await this.writeReasons(explanations);
      recommendations.forEach((r, i) => {
        r.reason = explanations[i]!.reason;
        r.evidence = explanations[i]!.evidence;
        r.reasonSource = explanations[i]!.reasonSource ?? 'template';
      });
    }
    return recommendations;
  }

  /** The k best rows, by the method that was faster on this backend at start-up. */
  private topK(scores: tf.Tensor1D, k: number, excluded: readonly number[]): Promise<{ rows: number[]; scores: number[] }> {
    return this.topKCalibration?.method === 'readback'
      ? topKByReadback(scores, k, excluded, this.unavailableRows)
      : topK(scores, k, excluded, this.unavailableMask);
  }

  /** Event weights with the recency half-life of the model in use (the pack's tuned one, else the default). */
  private weigh(events: readonly StoredEvent[]): WeightedHistory {
    return weightHistory(events, this.rowLookup, this.scorer.halfLife ?? DEFAULT_HALF_LIFE);
  }

  /** The shopper's interest in every catalog row, from their weighted history. Caller disposes. */
  private interestScores(history: WeightedHistory): Promise<tf.Tensor1D> {
    return this.scorer.scoreHistory(history);
  }

  /**
   * Search ranked for this shopper: BM25+ over title, brand, category and description (prefix
   * and typo tolerant), re-ranked with the shopper's interest.
   * @throws LocalrecError INVALID_ARGUMENT
   */
  async search(query: string, options: SearchOptions = {}): Promise<SearchResult[]> {
    this.assertLive();
    const k = checkK(options.k, 12);
    const filter = options.filter ?? {};
    if (typeof filter !== 'object' || filter === null) throw new LocalrecError('INVALID_ARGUMENT', 'filter must be { brand?, category?, excludeIds? }.');
    const excluded = new Set((filter.excludeIds ?? []).map((id) => this.rowById.get(id)));
    const brand = filter.brand?.toLowerCase();
    const allowed = (row: number): boolean => {
      const item = this.items[row]!;
      return (
        item.available !== false &&
        !excluded.has(row) &&
        (brand === undefined || item.brand?.toLowerCase() === brand) &&
        (filter.category === undefined || (item.category ?? []).includes(filter.category))
      );
    };
    // Built on first use: ~0.2 s at 4k items, ~1.6 s at 100k.
    this.searchIndex ??= SearchIndex.build(this.items);
    const hits = this.searchIndex.search(query, { k: Math.max(200, 10 * k), filter: allowed });
    const history = this.weigh(this.events());
    let interest: Float32Array | null = null;
    if (hits.length > 0 && (history.items.size > 0 || history.queries.length > 0)) {
      const all = await this.interestScores(history);
      const picked = tf.tidy(() => tf.gather(all, tf.tensor1d(hits.map((h) => h.row), 'int32')));
      all.dispose();
      try {
        interest = (await picked.data()) as Float32Array;
      } finally {
        picked.dispose();
      }
    }
    const ranked = personalize(hits, () => interest, DEFAULT_PERSONALIZE_WEIGHT).slice(0, k);
    if (options.track === true) await this.track({ type: 'search', query });
    return ranked.map((hit) => {
      const item = this.items[hit.row]!;
      return { itemId: item.id, score: hit.score, item, lexical: hit.lexical, interest: hit.interest };
    });
  }

  /**
   * Trains the VAE here, on the device, from anonymous baskets (no pack needed), in small slices
   * so recommend() keeps answering, checkpointing every epoch to IndexedDB so a reload resumes.
   * When done, recommend() uses the new model.
   * @throws LocalrecError INVALID_ARGUMENT | TRAINING_IN_PROGRESS
   */
  async train(options: TrainOptions, onProgress?: (event: ProgressEvent) => void): Promise<TrainReport> {
    this.assertLive();
    if (typeof options !== 'object' || options === null) throw new LocalrecError('INVALID_ARGUMENT', 'train() takes { interactions, epochs? }.');
    if (this.training) throw new LocalrecError('TRAINING_IN_PROGRESS', 'A training run is already going on in this recommender.');
    this.training = true;
    try {
      const trained = this.config.trainWorkerUrl && typeof Worker !== 'undefined'
        ? await this.trainInWorker(this.config.trainWorkerUrl, options, onProgress)
        : await trainVaeWeights(options, {
            store: this.store,
            isKnownItem: (id) => this.rowById.has(id),
            backend: this.backend.backend,
            ...(onProgress ? { onProgress } : {}),
          });
      const report = trained.report;
      const model = modelFromWeights(trained, this.rowById, this.items.length);
      if (this.disposed) {
        model.dispose();
        throw new LocalrecError('DISPOSED', 'The recommender was disposed during training.');
      }
      const previous = this.scorer;
      this.scorer = new HybridScorer(this.model, model);
      previous.dispose();
      // A personal model belongs to the model it was tuned from: the next fineTune() starts anew.
      this.personal?.base.dispose();
      this.personal = null;
      this.modelReport = { pack: null, source: null, coveredItems: model.covered, error: null, cacheError: null };
      return report;
    } finally {
      this.training = false;
    }
  }

  /** Serves the shopper's personal model if a valid checkpoint of it exists for `collaborative`. */
  private async restorePersonal(collaborative: CollaborativeModel): Promise<void> {
    const restored = await restorePersonalModel(this.store, collaborative);
    this.personalError = restored.rejected ? { code: 'MODEL_INVALID', message: restored.rejected } : null;
    if (!restored.model || !restored.state) return;
    this.scorer = new HybridScorer(this.model, restored.model);
    this.personal = { base: collaborative, state: restored.state };
  }

  /**
   * Fine-tunes the model on this shopper's own history, here on the device (the history never
   * leaves it), and saves the personal model in IndexedDB for the next visit. Runs one small step
   * at a time so recommend() keeps answering. Always starts from the store's trained model.
   * @throws LocalrecError NO_MODEL | INVALID_ARGUMENT | TRAINING_IN_PROGRESS
   */
  async fineTune(options: { steps?: number } = {}, onProgress?: (event: ProgressEvent) => void): Promise<FineTuneReport> {
    this.assertLive();
    if (typeof options !== 'object' || options === null) throw new LocalrecError('INVALID_ARGUMENT', 'fineTune() takes { steps? }.');
    const steps = options.steps ?? DEFAULT_FINE_TUNE.steps;
    if (!Number.isInteger(steps) || steps < 1 || steps > 200) throw new LocalrecError('INVALID_ARGUMENT', 'steps must be an integer from 1 to 200.');
    const base = this.personal?.base ?? this.scorer.collaborativeModel;
    if (!base) throw new LocalrecError('NO_MODEL', 'fineTune() needs a trained model: pass a model pack in `models` or call train() first.');
    const history = this.weigh(this.events()).items;
    if (![...history.keys()].some((row) => base.knows(row))) {
      throw new LocalrecError('INVALID_ARGUMENT', 'The history has no item the model knows: nothing to fine-tune on yet.');
    }
    if (this.training) throw new LocalrecError('TRAINING_IN_PROGRESS', 'A training run is already going on in this recommender.');
    this.training = true;
    try {
      const tuned = await fineTuneOnDevice(base, history, this.store, { steps, backend: this.backend.backend }, onProgress);
      if (this.disposed) {
        tuned.model.dispose();
        throw new LocalrecError('DISPOSED', 'The recommender was disposed during fine-tuning.');
      }
      const previous = this.scorer;
      this.scorer = new HybridScorer(this.model, tuned.model);
      // The previous scorer's model is the base (keep it) or an older personal model (free it).
      if (previous.collaborativeModel !== base) previous.dispose();
      this.personal = { base, state: tuned.state };
      this.personalError = null;
      return tuned.report;
    } finally {
      this.training = false;
    }
  }

  /**
   * Fine-tunes the neural reason generator on the store's own reviews, here in the worker,
   * starting from the reasons pack; later reasons come from the tuned generator (still checked
   * against the evidence). Lasts for this recommender.
   * @throws LocalrecError NO_MODEL | INVALID_ARGUMENT | TRAINING_IN_PROGRESS
   */
  async fineTuneReasons(options: Omit<FineTuneReasonsOptions, 'onProgress'>, onProgress?: (event: ProgressEvent) => void): Promise<FineTuneReasonsReport> {
    this.assertLive();
    if (typeof options !== 'object' || options === null || !Array.isArray(options.reviews)) {
      throw new LocalrecError('INVALID_ARGUMENT', 'fineTuneReasons() takes { reviews: [{ itemId, text }], epochs? }.');
    }
    if (options.reviews.length > 50_000) throw new LocalrecError('INVALID_ARGUMENT', 'At most 50,000 reviews per call.');
    const epochs = options.epochs ?? 2;
    if (!Number.isInteger(epochs) || epochs < 1 || epochs > 20) throw new LocalrecError('INVALID_ARGUMENT', 'epochs must be an integer from 1 to 20.');
    const writer = this.reasonWriter;
    if (!writer) throw new LocalrecError('NO_MODEL', 'fineTuneReasons() needs a reasons pack (the `reasons` option).');
    if (this.training) throw new LocalrecError('TRAINING_IN_PROGRESS', 'A training run is already going on in this recommender.');
    this.training = true;
    try {
      const tuned = await tuneReasonWriter(writer, options.reviews, epochs, (id) => {
        const row = this.rowById.get(id);
        return row === undefined ? undefined : this.items[row];
      }, (done, total, loss) => onProgress?.({ stage: 'fine-tune-reasons', loaded: done, total, overall: done / total, loss, backend: this.backend.backend }));
      if (this.disposed) {
        tuned.writer.dispose();
        throw new LocalrecError('DISPOSED', 'The recommender was disposed during fine-tuning.');
      }
      this.reasonWriter = tuned.writer;
      writer.dispose();
      return { ...tuned.report, backend: this.backend.backend };
    } finally {
      this.training = false;
    }
  }

  /** Runs training in a worker of its own, so serving never waits for a training step. */
  private async trainInWorker(url: string, options: TrainOptions, onProgress?: (event: ProgressEvent) => void): Promise<TrainedWeights> {
    const worker = new Worker(url, { type: 'module', name: 'localrec-training' });
    const remote = wrap<TrainWorkerApi>(worker);
    const failed = new Promise<never>((_, reject) =>
      worker.addEventListener('error', (event) => {
        event.preventDefault();
        reject(new LocalrecError('WORKER_FAILED', `The training worker failed: ${event.message || url}`));
      }),
    );
    try {
      const { onProgress: _callback, ...plainOptions } = options;
      const job = {
        options: plainOptions,
        itemIds: this.items.map((item) => item.id),
        dbName: this.store.name,
        persist: this.store.persistent,
        backend: this.backend.backend,
        ...(this.config.wasmPaths ? { wasmPaths: this.config.wasmPaths } : {}),
      };
      return await Promise.race([remote.train(job, onProgress ? proxy(onProgress) : undefined), failed]);
    } finally {
      remote[releaseProxy]();
      worker.terminate();
    }
  }

  /** The page the shopper is on counts like their newest event, for this call only. */
  private addContext(history: WeightedHistory, context: RecommendOptions['context'], excluded: number[]): void {
    if (context === undefined) return;
    if (typeof context !== 'object' || context === null) throw new LocalrecError('INVALID_ARGUMENT', 'context must be { itemId?, query? }.');
    if (context.itemId !== undefined) {
      const row = this.rowOf(context.itemId);
      history.items.set(row, (history.items.get(row) ?? 0) + EVENT_WEIGHTS.view);
      excluded.push(row);
    }
    if (context.query !== undefined) {
      if (typeof context.query !== 'string') throw new LocalrecError('INVALID_ARGUMENT', 'context.query must be a string.');
      const query = context.query.toWellFormed().trim().slice(0, MAX_QUERY_LENGTH);
      if (query) history.queries.push({ query, weight: EVENT_WEIGHTS.search });
    }
  }

  /**
   * Why `itemId` is recommended for this shopper: the history behind its score (leave-one-out
   * influence), shared attributes and a plain-text reason; with `versus`, what favours it over
   * another item.
   * @throws LocalrecError UNKNOWN_ITEM
   */
  async explain(itemId: string, options: ExplainOptions = {}): Promise<Explanation> {
    this.assertLive();
    const row = this.rowOf(itemId);
    const events = this.events();
    const history = this.weigh(events);
    const explanation =
      options.versus !== undefined
        ? await this.explainer.explainVersus(history, events, row, this.rowOf(options.versus))
        : (await this.explainer.explain(history, events, [row]))[0]!;
    await this.writeReasons([explanation]);
    return explanation;
  }

  /** With a reasons pack, the generator rewrites each reason (checked; the template where it fails). */
  private async writeReasons(explanations: Explanation[]): Promise<void> {
    if (this.reasonWriter) await this.reasonWriter.write(explanations);
    else for (const e of explanations) e.reasonSource = 'template';
  }

  /**
   * Adds, replaces (same id) or removes catalog items at run time, without retraining: new items
   * get content vectors and, where a collaborative model is loaded, generated collaborative scores
   * from their nearest known items (src/rank/new-item-bridge.ts). Rows are checked like the initial
   * catalog (unusable rows are skipped and counted). Lasts for this engine (the cached catalog
   * is not rewritten).
   * @throws LocalrecError INVALID_ARGUMENT | CATALOG_EMPTY
   */
  async updateCatalog(update: CatalogUpdate): Promise<CatalogUpdateReport> {
    this.assertLive();
    if (typeof update !== 'object' || update === null) throw new LocalrecError('INVALID_ARGUMENT', 'updateCatalog() takes { add?: Item[], remove?: string[] }.');
    const { add = [], remove = [] } = update;
    if (!Array.isArray(add)) throw new LocalrecError('INVALID_ARGUMENT', 'add must be an array of items.', { add: describeValue(add) });
    if (!Array.isArray(remove) || remove.some((id) => typeof id !== 'string')) {
      throw new LocalrecError('INVALID_ARGUMENT', 'remove must be an array of item ids (strings).', { remove: describeValue(remove) });
    }
    const normalized = normalizeCatalog(add);
    const byId = new Map(this.items.map((item) => [item.id, item]));
    let removed = 0;
    let notFound = 0;
    for (const id of new Set(remove)) {
      if (byId.delete(id)) removed++;
      else notFound++;
    }
    let added = 0;
    let replaced = 0;
    for (const item of normalized.items) {
      if (byId.has(item.id)) replaced++;
      else added++;
      byId.set(item.id, item);
    }
    const items = [...byId.values()];
    if (items.length === 0) throw new LocalrecError('CATALOG_EMPTY', 'The update would leave no item in the catalog; nothing was changed.');

    const oldItems = this.items;
    const rowById = new Map(items.map((item, row) => [item.id, row]));
    const model = new ContentModel(items, this.config.dims);
    const collaborative = this.scorer.collaborativeModel?.remapped(oldItems, rowById, items.length) ?? null;
    if (this.personal) {
      const base = this.personal.base.remapped(oldItems, rowById, items.length);
      this.personal = base ? { ...this.personal, base } : null;
    }
    const mask = availabilityMask(items.map((item) => item.available !== false));
    const maskRows = mask ? ((await mask.data()) as Float32Array) : null;
    // Swap everything at once (no await in between), so no call sees a half-updated catalog.
    this.retiredModel?.dispose();
    this.retiredMask?.dispose();
    this.retiredModel = this.model;
    this.retiredMask = this.unavailableMask;
    this.items = items;
    this.rowById = rowById;
    this.model = model;
    this.unavailableMask = mask;
    this.unavailableRows = maskRows; // the top-k readback path's copy of the mask
    this.scorer = new HybridScorer(model, collaborative);
    this.explainer = new Explainer(items, () => this.scorer, this.rowLookup);
    // The reason writer looks items up by row: it must see the new catalog too (same generator),
    // or items added now would only ever get template reasons.
    this.reasonWriter = this.reasonWriter?.withCatalog(items, this.rowLookup) ?? null;
    this.searchIndex = null;
    this.catalogReport = { ...this.catalogReport, size: items.length };
    this.modelReport = { ...this.modelReport, coveredItems: collaborative?.covered ?? 0 };
    return {
      added,
      replaced,
      removed,
      notFound,
      skipped: normalized.report.skipped,
      droppedFields: normalized.report.droppedFields,
      truncatedFields: normalized.report.truncatedFields,
      size: items.length,
      coveredItems: collaborative?.covered ?? 0,
    };
  }

  /**
   * Items most like `itemId` by content.
   * @throws LocalrecError UNKNOWN_ITEM
   */
  async similar(itemId: string, options: SimilarOptions = {}): Promise<Recommendation[]> {
    this.assertLive();
    const row = this.rowOf(itemId);
    const k = checkK(options.k, 8);
    const scores = this.model.similarityTo(row);
    try {
      return this.toRecommendations(await this.topK(scores, k, [row]));
    } finally {
      scores.dispose();
    }
  }

  private toRecommendations(top: { rows: number[]; scores: number[] }): Recommendation[] {
    return top.rows.map((row, i) => {
      const item = this.items[row]!;
      return { itemId: item.id, score: top.scores[i]!, item };
    });
  }

  status(): RecommenderStatus {
    return {
      backend: this.backend.backend,
      backendReason: this.backend.reason,
      adapter: this.backend.adapter,
      backendFailures: this.backend.failures,
      events: this.events().length,
      catalogSize: this.items.length,
      catalog: this.catalogReport,
      modelVersion: this.scorer.version,
      model: this.modelReport,
      reasons: this.reasonsReport,
      ranking: {
        halfLife: ((h) => (Number.isFinite(h) ? h : 'uniform'))(this.scorer.halfLife ?? DEFAULT_HALF_LIFE),
        halfLifeSource: this.scorer.halfLife !== undefined ? 'model pack' : 'library default',
        topK: this.topKCalibration,
        coldBridge: { settings: { ...this.scorer.bridgeSettings }, source: this.scorer.bridgeSource === 'model pack' ? 'model pack' : 'library default', ignored: this.scorer.collaborativeModel?.coldStart?.ignored ?? [] },
      },
      personalModel: this.personal ? { ...this.personal.state } : null,
      personalModelError: this.personalError,
      persistent: this.store.persistent,
      storageNote: this.storageNote,
      prunedForQuota: this.store.prunedForQuota,
      tensors: tf.memory().numTensors,
      tensorBytes: tf.memory().numBytes,
    };
  }

  /** Everything stored for this shopper. */
  async exportData(): Promise<ExportedData> {
    this.assertLive();
    const snapshot = await this.store.snapshot();
    return {
      format: 'localrec-export',
      version: 1,
      exportedAt: new Date().toISOString(),
      dbName: this.store.name,
      events: snapshot.events,
      settings: Object.fromEntries(snapshot.settings.map((s) => [s.key, s.value])),
      catalogCache: snapshot.catalogCache
        ? { source: snapshot.catalogCache.source, fingerprint: snapshot.catalogCache.fingerprint, items: snapshot.catalogCache.items }
        : null,
      checkpoints: snapshot.checkpoints.map((c) => ({ name: c.name, savedAt: c.savedAt })),
    };
  }

  /** Erases the stored history, caches and the database; the engine keeps working with none. */
  async forget(): Promise<void> {
    this.assertLive();
    await this.store.forget();
    // Also the database a newer tab upgraded, if this tab had to step aside from it.
    if (this.storageNote) await deleteDB(this.store.name).catch(() => undefined);
    this.history.clear();
    this.dropPersonal();
    this.tabs?.publish({ kind: 'forget' });
  }

  /** Back to the store's model: the personal one is made of the history that was just erased. */
  private dropPersonal(): void {
    if (!this.personal) return;
    const previous = this.scorer;
    this.scorer = new HybridScorer(this.model, this.personal.base);
    this.personal = null;
    previous.dispose();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.model.dispose();
    this.retiredModel?.dispose();
    this.retiredMask?.dispose();
    this.scorer.dispose();
    this.personal?.base.dispose();
    this.reasonWriter?.dispose();
    this.unavailableMask?.dispose();
    this.store.close();
    this.tabs?.close();
  }
}
