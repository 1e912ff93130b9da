import * as tf from '@tensorflow/tfjs-core';
import type { Recommender, RemoteMethod } from '../shared/contract';
import { describeValue, LocalrecError } from '../shared/errors';
import type { BoughtTogetherOptions, CatalogReport, CatalogUpdate, CatalogUpdateReport, ExplainOptions, Explanation, FineTuneOptions, FineTuneReasonsOptions, FineTuneReasonsReport, FineTuneReport, Recommendation, TrainContentOptions, TrainContentReport, RecommendOptions, SearchOptions, SearchResult, SimilarOptions, StoredEvent, TrackInput, TrainOptions, TrainReport } from '../shared/types';
import type { ExportedData, RecommenderStatus } from '../shared/status';
import { probeWebGpuAdapter, selectBackend, type BackendChoice } from '../backend/select-backend';
import { loadCatalog } from '../catalog/load-catalog';
import { mergeCatalog } from '../catalog/merge-catalog';
import { tuneReasonWriter } from '../explain/generator/fine-tune-reasons';
import { loadReasonWriter, type ReasonsReport } from '../explain/generator/reason-writer';
import { loadModelPack, type ModelPackReport } from '../models/packs/load-model-pack';
import { startPackFetch } from '../models/packs/pack-source';
import { BackgroundPreparation } from './background-preparation';
import { catalogBytes, checkCatalogFits, memoryBudgetBytes } from './memory-budget';
import { DEFAULT_FINE_TUNE } from '../models/vae/fine-tune';
import { weightHistory, type WeightedHistory } from '../rank/profile-weights';
import { rankingReport } from '../rank/ranking-settings';
import { titleKey } from '../catalog/normalize-catalog';
import { generatorVerdict, newItemParts } from '../rank/new-item-bridge';
import { DEFAULT_PERSONALIZE_WEIGHT, personalize } from '../search';
import { evidentRows } from '../rank/query-evidence';
import { checkContext, checkIntegrityOptions, checkK, checkOptions, checkReasonTuning, excludedEventTypes } from './check-arguments';
import { checkMerchantRules } from '../rank/check-rules';
import { allowedRow, arrangeHits, rankWithRules, type RuledList, type RuleSources } from '../rank/apply-rules';
import { BOUGHT_TOGETHER_WEIGHTS, boughtTogetherExclusions, relatedScores, similarExclusions, SIMILAR_WEIGHTS } from '../rank/related-items';
import { ExclusiveJob } from './exclusive-job';
import { CONTENT_AE_MAX_TRAINING_ROWS, CONTENT_EMBEDDINGS_VERSION, ContentEmbeddings } from '../models/content-ae/content-embeddings';
import { restoreContentEmbeddings, saveContentEmbeddings } from './saved-embeddings';
import { modelFromWeights } from './trained-model';
import { fineTuneOnDevice, restorePersonalModel } from './personal-model';
import { ServingState } from './serving-state';
import { ALIKE_TRIGRAM_MAX_ITEMS, HUBNESS_MAX_ITEMS } from '../models/content/content-model';
import { ShopperHistory } from './shopper-history';
import { startProgress, type ProgressListener } from './start-progress';
import { exportData } from '../store/export-data';
import { validateTrackInput } from './validate-event';
import type { EngineConfig } from '../shared/engine-config';

export type { EngineConfig };

/** The most items one boughtTogether() call takes (a large cart). */
const MAX_BOUGHT_TOGETHER_INPUTS = 100;

/**
 * The recommender itself, independent of where it runs: the worker exposes it through comlink,
 * and Node (tests, training, evaluation) uses it directly. Each call reads one ServingState;
 * changes (a catalog update, a trained or personal model) build a new state and swap it in one
 * step. The state before is kept until the next swap, since a call may still be using it.
 */
export class Engine implements Recommender {
  private retired: ServingState | null = null;
  private disposed = false;
  private readonly job = new ExclusiveJob(() => this.disposed);
  private personalError: { code: 'MODEL_INVALID'; message: string } | null = null;
  /** Where the content embeddings came from, whether they are saved, and why saved ones were not used. */
  private contentSource: { source: 'trained here' | 'saved on this device'; saved: boolean } | null = null;
  private contentNote: string | null = null;
  /** The saved content embeddings being applied after start (similar(), boughtTogether() and trainContent() wait for it). */
  private contentRestore: Promise<void> = Promise.resolve();
  /** What the first similar(), search() and boughtTogether() would build, built once the page is idle after start. */
  private readonly background = new BackgroundPreparation([
    ['alike', (yieldNow) => this.state.content.prepareAlike(yieldNow)],
    ['lookups', (yieldNow) => this.state.prepareLookups(yieldNow)],
    ['search', (yieldNow) => this.state.prepareSearchIndex(yieldNow)],
    ['hubness', (yieldNow) => this.state.content.prepareHubness(yieldNow)],
  ]);
  /** Counts forget() calls: work that started before one must not write into the emptied database. */
  private forgotten = 0;

  private constructor(
    private readonly config: EngineConfig,
    private readonly history: ShopperHistory,
    private readonly backend: BackendChoice,
    private state: ServingState,
    private catalogReport: CatalogReport,
    private modelReport: ModelPackReport,
    private readonly reasonsReport: ReasonsReport,
  ) {}

  /**
   * Loads the catalog, picks a backend, builds item vectors, loads the packs and reads the stored history.
   * @throws LocalrecError CATALOG_INVALID | CATALOG_EMPTY | CATALOG_FETCH_FAILED | CATALOG_TOO_LARGE | BACKEND_UNAVAILABLE | STORAGE_FAILED
   */
  static async create(config: EngineConfig, onProgress?: ProgressListener): Promise<Engine> {
    checkIntegrityOptions(config);
    const report = startProgress(onProgress);
    let engine: Engine | undefined;
    // Another tab erased the history: drop the personal model made of it.
    const history = ShopperHistory.open(config, () => engine?.dropPersonal());
    const store = history.store;
    // The pack's IndexedDB copy and manifest are read, and the WebGPU adapter asked for, while the
    // catalog loads: all three wait on another process, not on this thread. The pack's copy is
    // asked for just after the catalog's own reads, which are needed first.
    let catalogReadsIssued!: () => void;
    const afterCatalogReads = new Promise<void>((resolve) => (catalogReadsIssued = resolve));
    const packStarted = config.models !== undefined ? startPackFetch(config.models, store, afterCatalogReads) : undefined;
    const adapterProbe = probeWebGpuAdapter();
    report('catalog', 0, 1);
    const catalog = await loadCatalog(config.catalog, store, { readsIssued: catalogReadsIssued }).finally(catalogReadsIssued);
    const budget = memoryBudgetBytes(config.memoryBudgetMB);
    checkCatalogFits(catalog.items.length, budget, config.dims);
    report('catalog', 1, 1);
    report('backend', 0, 1);
    const backend = await selectBackend(config.backend, config.wasmPaths, adapterProbe);
    report('backend', 1, 1);
    report('features', 0, catalog.items.length);
    let state = await ServingState.forCatalog(catalog.items, config.dims);
    report('features', catalog.items.length, catalog.items.length);
    const pack = await loadModelPack(
      config.models,
      store,
      state.rowById,
      catalog.items.length,
      config.modelsIntegrity,
      budget - catalogBytes(catalog.items.length, config.dims),
      (loaded, total) => report('model-download', loaded, total),
      packStarted,
    );
    report('model', 0, 1);
    const reasons = await loadReasonWriter(config.reasons, store, catalog.items, (id) => state.rowOf(id), config.reasonsIntegrity);
    report('model', 1, 1);
    report('history', 0, 1);
    const restored = pack.collaborative ? await restorePersonalModel(store, pack.collaborative) : null;
    state = state.withReasonWriter(reasons.writer);
    state = restored?.model && restored.state
      ? state.withModel(restored.model, { base: pack.collaborative!, saved: restored.state })
      : state.withModel(pack.collaborative, null);
    engine = new Engine(config, history, backend, state, catalog.report, pack.report, reasons.report);
    if (restored?.rejected) engine.personalError = { code: 'MODEL_INVALID', message: restored.rejected };
    await engine.history.load();
    report('history', 1, 1);
    report('ready', 1, 1);
    // Embeddings trained on this device before (trainContent()) serve only similar(): they are
    // embedded over today's catalog after start (0.3–0.5 s at 4.4k items), not before the first recommendation.
    engine.contentRestore = engine.restoreContent();
    engine.background.touch();
    return engine;
  }

  /** Applies the content embeddings saved by an earlier visit, if any (never throws). */
  private async restoreContent(): Promise<void> {
    const items = this.state.items;
    const saved = await restoreContentEmbeddings(this.history.store, items).catch((error: unknown) => ({ embeddings: null, rejected: String(error), skipped: null }));
    this.contentNote = saved.rejected ?? saved.skipped;
    const restored = saved.embeddings;
    if (!restored) return;
    // Disposed meanwhile, or trainContent() already gave fresher ones: these are not needed.
    if (this.disposed || this.state.embeddings) {
      restored.dispose();
      return;
    }
    // The catalog may have changed since start: embed the one serving now with the same weights.
    const current = this.state.items === items ? restored : await restored.forCatalog(this.state.items);
    if (this.disposed || this.state.embeddings) {
      current.dispose();
      return;
    }
    this.swap(this.state.withEmbeddings(current));
    this.contentSource = { source: 'saved on this device', saved: true };
  }

  /** Serves from `next` from now on; frees what only the state before the last one held. */
  private swap(next: ServingState): void {
    const old = this.retired;
    this.retired = this.state;
    this.state = next;
    old?.disposeExcept([this.retired, this.state]);
  }

  private assertLive(): void {
    if (this.disposed) throw new LocalrecError('DISPOSED', 'This recommender was disposed.');
  }

  private rowOf(itemId: unknown): number {
    const row = typeof itemId === 'string' ? this.state.rowOf(itemId) : undefined;
    if (row === undefined) {
      throw new LocalrecError('UNKNOWN_ITEM', `No catalog item has id ${describeValue(itemId)}.`, { itemId: describeValue(itemId, 256) });
    }
    return row;
  }

  /** Event weights and recency half-life of the model in use (the pack's tuned ones, else the defaults). */
  private weigh(events: readonly StoredEvent[]): WeightedHistory {
    const { ranking } = this.state;
    return weightHistory(events, (id) => this.state.rowOf(id), ranking.halfLife, ranking.eventWeights);
  }

  async track(input: TrackInput): Promise<StoredEvent> {
    this.assertLive();
    this.background.touch();
    return this.history.add(validateTrackInput(input, (id) => this.state.rowById.has(id)));
  }

  async recommend(options: RecommendOptions = {}): Promise<Recommendation[]> {
    this.assertLive();
    this.background.touch();
    checkOptions(options, 'recommend', '{ k?, exclude?, excludeIds?, context?, explain?, filter?, boost?, maxPerCategory?, variants?, pin? }');
    const state = this.state;
    const k = checkK(options.k, 12);
    const excludedTypes = excludedEventTypes(options.exclude);
    // The merchant's rules: filter, boosts, per-category cap, variants, pins (src/rank/apply-rules.ts).
    const rules = checkMerchantRules(options, 'spread', (id) => state.rowOf(id), options.excludeIds);
    const excluded: number[] = [];
    const events = this.history.events();
    for (const event of events) {
      const row = event.itemId !== undefined && excludedTypes.has(event.type) ? state.rowOf(event.itemId) : undefined;
      if (row !== undefined) excluded.push(row);
    }
    // The page the shopper is on counts like their newest event, for this call only.
    const history = this.weigh(events);
    const context = checkContext(options.context);
    if (context.itemId !== undefined) {
      const row = this.rowOf(context.itemId);
      history.items.set(row, (history.items.get(row) ?? 0) + state.ranking.eventWeights.view);
      excluded.push(row);
    }
    if (context.query) history.queries.push({ query: context.query, weight: state.ranking.eventWeights.search, recency: 1 });
    // Another listing of an item left out (the same title, case and spacing aside) is the same
    // product: it goes too, as in similar() ("you viewed this AcuRite monitor" must not come back
    // as the first pick through its second listing). Only the candidates' titles are compared.
    const excludedTitles = new Set(excluded.map((row) => titleKey(state.items[row]!.title)));
    const sameProduct = excludedTitles.size > 0 ? (row: number) => excludedTitles.has(titleKey(state.items[row]!.title)) : undefined;
    const top = rankWithRules(await state.scorer.scoreHistoryValues(history), k, rules, excluded, this.ruleSources(state), sameProduct);
    const recommendations = this.toRecommendations(state, top);
    if (options.explain === true && top.rows.length > 0) {
      const explanations = await state.explainer.explain(history, events, top.rows);
      await this.writeReasons(state, explanations);
      recommendations.forEach((r, i) => {
        r.reason = explanations[i]!.reason;
        r.evidence = explanations[i]!.evidence;
        r.writtenBy = explanations[i]!.writtenBy ?? 'template';
      });
    }
    return recommendations;
  }

  async similar(itemId: string, options: SimilarOptions = {}): Promise<Recommendation[]> {
    this.assertLive();
    this.background.touch();
    await this.contentRestore;
    await this.background.whenReady('alike', 'lookups');
    const state = this.state;
    const row = this.rowOf(itemId);
    checkOptions(options, 'similar', '{ k?, filter?, boost?, maxPerCategory?, variants?, pin? }');
    const k = checkK(options.k, 8);
    const rules = checkMerchantRules(options, 'keep', (id) => state.rowOf(id));
    const related = await relatedScores({ content: state.content, collaborative: state.collaborative, embeddings: state.embeddings }, [row], SIMILAR_WEIGHTS);
    const excluded = similarExclusions(row, (r) => state.sameTitleRows(r));
    return this.toRecommendations(state, rankWithRules(related, k, rules, excluded, this.ruleSources(state)));
  }

  async boughtTogether(itemIds: string[], options: BoughtTogetherOptions = {}): Promise<Recommendation[]> {
    this.assertLive();
    this.background.touch();
    await this.contentRestore;
    await this.background.whenReady('alike', 'lookups');
    const state = this.state;
    if (!Array.isArray(itemIds) || itemIds.length === 0 || itemIds.length > MAX_BOUGHT_TOGETHER_INPUTS) {
      throw new LocalrecError('INVALID_ARGUMENT', `boughtTogether() takes an array of 1 to ${MAX_BOUGHT_TOGETHER_INPUTS} item ids.`, { value: describeValue(itemIds) });
    }
    const rows = [...new Set(itemIds.map((id) => this.rowOf(id)))];
    checkOptions(options, 'boughtTogether', '{ k?, filter?, boost?, maxPerCategory?, variants?, pin? }');
    const k = checkK(options.k, 6);
    const rules = checkMerchantRules(options, 'keep', (id) => state.rowOf(id));
    const related = await relatedScores({ content: state.content, collaborative: state.collaborative, embeddings: state.embeddings }, rows, BOUGHT_TOGETHER_WEIGHTS);
    // Complementary, not substitutes: not the items themselves, nor another colour or size of them.
    const excluded = boughtTogetherExclusions(rows, (row) => state.variantsOf(row));
    return this.toRecommendations(state, rankWithRules(related, k, rules, excluded, this.ruleSources(state)));
  }

  async search(query: string, options: SearchOptions = {}): Promise<SearchResult[]> {
    this.assertLive();
    this.background.touch();
    await this.background.whenReady('search');
    const state = this.state;
    const k = checkK(checkOptions(options, 'search', '{ k?, track?, filter?, boost?, maxPerCategory?, variants?, pin? }').k, 12);
    const rules = checkMerchantRules(options, 'keep', (id) => state.rowOf(id));
    const hits = state.searchIndex.search(query, { k: Math.max(200, 10 * k), filter: allowedRow(rules, state.items) });
    const history = this.weigh(this.history.events());
    let interest: Float32Array | null = null;
    if (hits.length > 0 && (history.items.size > 0 || history.queries.length > 0)) {
      // Only the hits' interest matters, min–max scaled: read at the hits when the scorer can
      // (at 100k items that skips the blend's passes over the catalog), else from every row.
      const rows = hits.map((hit) => hit.row);
      interest = await state.scorer.scoresUpToScale(history, rows);
      if (!interest) {
        const all = await state.scorer.scoreHistoryValues(history);
        interest = Float32Array.from(rows, (row) => all[row]!);
      }
    }
    // The hits that hold the query come first, whatever the shopper's taste (query-evidence.ts).
    const ranked = personalize(hits, () => interest, DEFAULT_PERSONALIZE_WEIGHT, evidentRows(hits, state.searchIndex));
    const hitOf = new Map(ranked.map((hit) => [hit.row, hit]));
    const list = arrangeHits(ranked, k, rules, this.ruleSources(state));
    if (options.track === true) await this.track({ type: 'search', query });
    return this.toRecommendations(state, list).map((r, i) => {
      const hit = hitOf.get(list.rows[i]!);
      return { ...r, lexical: hit?.lexical ?? 0, interest: hit?.interest ?? 0 };
    });
  }

  async explain(itemId: string, options: ExplainOptions = {}): Promise<Explanation> {
    this.assertLive();
    this.background.touch();
    const state = this.state;
    const row = this.rowOf(itemId);
    const versus = checkOptions(options, 'explain', '{ versus? }').versus;
    const events = this.history.events();
    const history = this.weigh(events);
    const explanation =
      versus !== undefined
        ? await state.explainer.explainVersus(history, events, row, this.rowOf(versus))
        : (await state.explainer.explain(history, events, [row]))[0]!;
    await this.writeReasons(state, [explanation]);
    return explanation;
  }

  async updateCatalog(update: CatalogUpdate): Promise<CatalogUpdateReport> {
    this.assertLive();
    const merged = mergeCatalog(this.state.items, update);
    const next = await this.state.withCatalog(merged.items, this.config.dims);
    this.swap(next);
    this.catalogReport = { ...this.catalogReport, size: merged.items.length };
    const coveredItems = next.collaborative?.covered ?? 0;
    this.modelReport = { ...this.modelReport, coveredItems };
    return { ...merged.report, coveredItems };
  }

  async train(options: TrainOptions): Promise<TrainReport> {
    this.assertLive();
    const { onProgress, ...plain } = checkOptions(options, 'train', '{ interactions, epochs? }');
    const state = this.state;
    const store = this.history.store;
    const trained = await this.job.run(
      async () => {
        // Training code loads only when training starts (a serving worker never needs it otherwise).
        const { trainVaeWeights } = await import('./on-device-training');
        const { trainInWorker } = await import('./training-worker-client');
        const weights = this.config.trainInWorker && typeof Worker !== 'undefined'
          ? await trainInWorker({
              options: plain,
              itemIds: state.items.map((item) => item.id),
              dbName: store.name,
              persist: store.persistent,
              backend: this.backend.backend,
              ...(this.config.wasmPaths ? { wasmPaths: this.config.wasmPaths } : {}),
            }, onProgress)
          : await trainVaeWeights(plain, { store, isKnownItem: (id) => state.rowById.has(id), backend: this.backend.backend, ...(onProgress ? { onProgress } : {}) });
        return { report: weights.report, model: modelFromWeights(weights, this.state.rowById, this.state.items.length) };
      },
      ({ model }) => model.dispose(),
    );
    // A personal model belongs to the model it was tuned from: the next fineTune() starts anew.
    this.swap(this.state.withModel(trained.model, null));
    this.modelReport = { pack: null, source: null, coveredItems: trained.model.covered, error: null, cacheError: null, integrity: null };
    return trained.report;
  }

  async trainContent(options: TrainContentOptions = {}): Promise<TrainContentReport> {
    this.assertLive();
    const generation = this.forgotten;
    const { onProgress, epochs = 20 } = checkOptions(options, 'trainContent', '{ epochs? }');
    if (!Number.isInteger(epochs) || epochs < 1 || epochs > 200) throw new LocalrecError('INVALID_ARGUMENT', 'epochs must be an integer from 1 to 200.');
    await this.contentRestore;
    const state = this.state;
    const started = performance.now();
    const embeddings = await this.job.run(
      () =>
        ContentEmbeddings.train(state.items, {
          epochs,
          onProgress: (e) => onProgress?.({ stage: 'content-ae', loaded: e.epoch, total: epochs, overall: e.epoch / epochs, epoch: e.epoch, loss: e.loss, backend: this.backend.backend }),
        }),
      (trained) => trained.dispose(),
    );
    // The catalog may have changed while it trained: embed the one serving now with the same weights.
    const current = this.state.items === state.items ? embeddings : await embeddings.forCatalog(this.state.items);
    this.swap(this.state.withEmbeddings(current));
    // Kept for the next visit (catalog text only; forget() erases it with the rest). Not when the
    // shopper erased their data while it trained: nothing is written into the emptied database.
    const saved = generation === this.forgotten ? await saveContentEmbeddings(this.history.store, embeddings) : false;
    this.contentSource = { source: 'trained here', saved };
    this.contentNote = null;
    return {
      version: CONTENT_EMBEDDINGS_VERSION,
      epochs: embeddings.losses.length,
      firstLoss: embeddings.losses[0] ?? NaN,
      lastLoss: embeddings.losses.at(-1) ?? NaN,
      items: current.size,
      trainedOn: Math.min(state.items.length, CONTENT_AE_MAX_TRAINING_ROWS),
      dims: current.dims,
      seconds: (performance.now() - started) / 1000,
      backend: this.backend.backend,
      saved,
    };
  }

  async fineTune(options: FineTuneOptions = {}): Promise<FineTuneReport> {
    this.assertLive();
    const { onProgress, steps = DEFAULT_FINE_TUNE.steps } = checkOptions(options, 'fineTune', '{ steps? }');
    if (!Number.isInteger(steps) || steps < 1 || steps > 200) throw new LocalrecError('INVALID_ARGUMENT', 'steps must be an integer from 1 to 200.');
    const base = this.state.personal?.base ?? this.state.collaborative;
    if (!base) throw new LocalrecError('NO_MODEL', 'fineTune() needs a trained model: pass a model pack in `models` or call train() first.');
    const history = this.weigh(this.history.events()).items;
    if (![...history.keys()].some((row) => base.knows(row))) {
      throw new LocalrecError('INVALID_ARGUMENT', 'The history has no item the model knows: nothing to fine-tune on yet.');
    }
    const tuned = await this.job.run(
      () => fineTuneOnDevice(base, history, this.history.store, { steps, backend: this.backend.backend }, onProgress),
      ({ model }) => model.network.dispose(),
    );
    this.swap(this.state.withModel(tuned.model, { base, saved: tuned.state }));
    this.personalError = null;
    return tuned.report;
  }

  async fineTuneReasons(options: FineTuneReasonsOptions): Promise<FineTuneReasonsReport> {
    this.assertLive();
    const { reviews, epochs } = checkReasonTuning(options);
    const writer = this.state.reasonWriter;
    if (!writer) throw new LocalrecError('NO_MODEL', 'fineTuneReasons() needs a reasons pack (the `reasons` option).');
    const { onProgress } = options;
    const state = this.state;
    const tuned = await this.job.run(
      () =>
        tuneReasonWriter(writer, reviews, epochs, (id) => {
          const row = state.rowOf(id);
          return row === undefined ? undefined : state.items[row];
        }, (done, total, loss) => onProgress?.({ stage: 'fine-tune-reasons', loaded: done, total, overall: done / total, loss, backend: this.backend.backend })),
      ({ writer: tunedWriter }) => tunedWriter.dispose(),
    );
    this.swap(this.state.withReasonWriter(tuned.writer.withCatalog(this.state.items, (id) => this.state.rowOf(id))));
    return { ...tuned.report, backend: this.backend.backend };
  }

  status(): RecommenderStatus {
    const { scorer, collaborative, personal, items, ranking } = this.state;
    const memory = tf.memory();
    return {
      backend: this.backend.backend,
      backendReason: this.backend.reason,
      adapter: this.backend.adapter,
      backendFailures: this.backend.failures,
      events: this.history.events().length,
      catalogSize: items.length,
      catalog: this.catalogReport,
      modelVersion: scorer.version,
      model: this.modelReport,
      reasons: this.reasonsReport,
      ranking: {
        ...rankingReport(ranking),
        newItems: {
          parts: collaborative ? newItemParts(scorer.bridgeSettings) : ['content'],
          source: scorer.bridgeSource === 'model pack' ? 'model pack' : 'library default',
          ignored: collaborative?.coldStart?.ignored ?? [],
          generator: collaborative?.coldStart?.generator ?? generatorVerdict(undefined),
          termWeights: collaborative?.coldStart?.termWeights ? { features: collaborative.coldStart.termWeights.size, coherence: collaborative.coldStart.termCoherence ?? 0 } : null,
        },
        relatedItems: { titleTrigrams: items.length <= ALIKE_TRIGRAM_MAX_ITEMS, hubness: items.length <= HUBNESS_MAX_ITEMS },
      },
      contentEmbeddings: this.state.embeddings
        ? {
            version: CONTENT_EMBEDDINGS_VERSION,
            items: this.state.embeddings.size,
            dims: this.state.embeddings.dims,
            epochs: this.state.embeddings.losses.length,
            serves: ['similar', 'boughtTogether'],
            source: this.contentSource?.source ?? 'trained here',
            saved: this.contentSource?.saved ?? false,
          }
        : null,
      contentEmbeddingsNote: this.contentNote,
      personalModel: personal ? { ...personal.saved } : null,
      personalModelError: this.personalError,
      persistent: this.history.store.persistent,
      storageNote: this.history.note,
      // Both are known only on the page (Window-only APIs, cookies); the page's proxy fills them in.
      storagePersisted: null,
      historyLost: false,
      prunedForQuota: this.history.store.prunedForQuota,
      tensors: memory.numTensors,
      tensorBytes: memory.numBytes,
      lastCall: this.lastCall,
    };
  }

  /** The last call answered and its time here (status().lastCall). */
  private lastCall: { method: string; ms: number } | null = null;

  /** Runs one contract method (the worker's entry and localrec/testing call it) and times it for status().lastCall. */
  async answer(method: RemoteMethod, args: unknown[]): Promise<unknown> {
    const run = this[method] as (this: Engine, ...a: unknown[]) => Promise<unknown>;
    const started = performance.now();
    const value = await run.apply(this, args);
    this.lastCall = { method, ms: Math.round((performance.now() - started) * 1000) / 1000 };
    return value;
  }

  async exportData(): Promise<ExportedData> {
    this.assertLive();
    return exportData(this.history.store);
  }

  async forget(): Promise<void> {
    this.assertLive();
    this.forgotten++;
    await this.history.forget();
    this.dropPersonal();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.background.stop();
    this.retired?.disposeExcept([this.state]);
    this.state.disposeExcept([]);
    this.history.close();
  }

  /** Back to the store's model: the personal one is made of the history that was just erased. */
  private dropPersonal(): void {
    const personal = this.state.personal;
    if (personal) this.swap(this.state.withModel(personal.base, null));
  }

  /** What the merchant's rules read of the catalog: items, title words (variants), leaf categories. */
  private ruleSources(state: ServingState): RuleSources {
    // Near-duplicate variants (one filament in five colours) wait as many places as the store's pack says.
    return { items: state.items, words: (row) => state.titleWordsOf(row), leaf: (row) => state.items[row]!.category?.at(-1), variantWait: state.ranking.variantWait, unavailable: state.unavailable };
  }

  /** With a reasons pack, the generator rewrites each reason (checked; the template where it fails). */
  private async writeReasons(state: ServingState, explanations: Explanation[]): Promise<void> {
    if (state.reasonWriter) await state.reasonWriter.write(explanations);
    else for (const e of explanations) e.writtenBy = 'template';
  }

  private toRecommendations(state: ServingState, top: RuledList): Recommendation[] {
    return top.rows.map((row, i) => {
      const item = state.items[row]!;
      return { itemId: item.id, score: top.scores[i]!, item, ...(top.pinned.has(row) ? { pinned: true as const } : {}) };
    });
  }
}
