import type { BoughtTogetherOptions, CatalogUpdate, CatalogUpdateReport, ExplainOptions, Explanation, FineTuneOptions, FineTuneReasonsOptions, FineTuneReasonsReport, FineTuneReport, ProgressEvent, TrainContentOptions, TrainContentReport, Recommendation, RecommendOptions, SearchOptions, SearchResult, SimilarOptions, StoredEvent, TrackInput, TrainOptions, TrainReport } from './types';
import type { EngineConfig } from './engine-config';
import type { ExportedData, RecommenderStatus } from './status';

/**
 * The one contract of localrec. The engine in the worker implements it, and so does the page's
 * proxy that `createRecommender()` returns (as WebLLM's engine and its worker proxy share one
 * interface). A new method is added here, in REMOTE_METHODS, and in the engine; the proxy and
 * the worker's entry forward it without further code.
 */
export interface Recommender {
  /**
   * Records what the shopper did. Resolves once the event is stored.
   * @example await rec.track({ type: 'view', itemId: 'B00ABC' });
   * @throws LocalrecError INVALID_EVENT | UNKNOWN_ITEM (nothing is stored) | STORAGE_FAILED | QUOTA_EXCEEDED
   */
  track(event: TrackInput): Promise<StoredEvent>;
  /**
   * Items for this shopper, best first, under the merchant's rules (filter, boost, maxPerCategory,
   * variants, pin), applied before the top k.
   * @example const recs = await rec.recommend({ k: 12, exclude: ['purchased'], filter: { category: 'Calipers' }, pin: [{ itemId: 'B00ABC', position: 0 }] });
   * @throws LocalrecError INVALID_ARGUMENT | UNKNOWN_ITEM (context.itemId, a pin)
   */
  recommend(options?: RecommendOptions): Promise<Recommendation[]>;
  /**
   * Items like `itemId` by content, best first (the item itself and other listings of it, with the
   * same title, are left out), under the merchant's rules (variants default 'keep').
   * @example const alike = await rec.similar('B00ABC', { k: 8, filter: { available: true, maxPrice: 50 } });
   * @throws LocalrecError UNKNOWN_ITEM (the item, a pin) | INVALID_ARGUMENT
   */
  similar(itemId: string, options?: SimilarOptions): Promise<Recommendation[]>;
  /**
   * Items bought together with these (a product page, or the cart): what shoppers who bought them
   * bought too, complementary rather than substitutes (the items themselves and near-duplicate
   * variants of them are left out). Needs no shopper history.
   * @example const withCart = await rec.boughtTogether(cartIds, { k: 4 });
   * @throws LocalrecError UNKNOWN_ITEM | INVALID_ARGUMENT
   */
  boughtTogether(itemIds: string[], options?: BoughtTogetherOptions): Promise<Recommendation[]>;
  /**
   * Adds, replaces (same id) or removes catalog items while the recommender runs. New items are
   * embedded from their text and placed next to their nearest known items (no retraining);
   * recommend(), similar() and search() see them at once. The change lasts for this recommender:
   * pass the updated catalog to createRecommender next time.
   * @example await rec.updateCatalog({ add: [{ id: 'NEW-1', title: 'Glass beaker 250 ml' }], remove: ['B00OLD'] });
   * @throws LocalrecError INVALID_ARGUMENT | CATALOG_EMPTY (nothing would be left; nothing changes)
   */
  updateCatalog(update: CatalogUpdate): Promise<CatalogUpdateReport>;
  /**
   * Why `itemId` is recommended: the history behind its score, shared attributes, a plain-text
   * reason; with `{ versus }`, what favours it over another item.
   * @example const why = await rec.explain('B00ABC'); el.textContent = why.reason;
   * @throws LocalrecError UNKNOWN_ITEM
   */
  explain(itemId: string, options?: ExplainOptions): Promise<Explanation>;
  /**
   * Catalog search ranked for this shopper: BM25+ over title, brand, category and description,
   * prefix and typo tolerant, re-ranked with their interest. Pass `track: true` when the shopper
   * submits the search (not on every keystroke) to store it as a `search` event. Takes the
   * merchant's rules (the filter inside the index, boosts re-rank the matches; variants default 'keep').
   * @example const results = await rec.search('pla filam', { k: 10, boost: [{ brand: 'HATCHBOX', by: 1 }] });
   * @throws LocalrecError INVALID_ARGUMENT | UNKNOWN_ITEM (a pin)
   */
  search(query: string, options?: SearchOptions): Promise<SearchResult[]>;
  /**
   * Trains the recommendation model (the VAE) on the device from anonymous baskets or sessions,
   * for stores that ship no model pack. recommend() keeps answering meanwhile; every epoch is
   * checkpointed in IndexedDB, so calling it again after a reload resumes.
   * @example await rec.train({ interactions: '/anonymous-baskets.csv', epochs: 10, onProgress: (p) => (bar.value = p.overall) });
   * @throws LocalrecError INVALID_ARGUMENT | TRAINING_IN_PROGRESS
   */
  train(options: TrainOptions): Promise<TrainReport>;
  /**
   * Trains the content autoencoder on the catalog's text in the worker (on WebGPU where the
   * device has a GPU) and serves its dense item embeddings from then on: similar() compares items
   * by them too, and items added later by updateCatalog() are embedded at once, with no retraining.
   * The catalog is public data: nothing about the shopper is read.
   * @example const report = await rec.trainContent({ epochs: 20, onProgress: (p) => (bar.value = p.overall) });
   * @throws LocalrecError INVALID_ARGUMENT | TRAINING_IN_PROGRESS
   */
  trainContent(options?: TrainContentOptions): Promise<TrainContentReport>;
  /**
   * Fine-tunes the model on this shopper's own history, on the device: the history never leaves
   * it, and the personal model is kept in IndexedDB for the next visit (forget() erases it).
   * @example const report = await rec.fineTune({ onProgress: (p) => (bar.value = p.overall) });
   * @throws LocalrecError NO_MODEL | INVALID_ARGUMENT | TRAINING_IN_PROGRESS
   */
  fineTune(options?: FineTuneOptions): Promise<FineTuneReport>;
  /**
   * Fine-tunes the neural reason generator (needs the `reasons` pack) on the store's own reviews;
   * later reasons come from the tuned generator, still checked against the evidence.
   * @example await rec.fineTuneReasons({ reviews: [{ itemId: 'B00…', text: 'Holds 5 amps easily…' }] });
   * @throws LocalrecError NO_MODEL | INVALID_ARGUMENT | TRAINING_IN_PROGRESS
   */
  fineTuneReasons(options: FineTuneReasonsOptions): Promise<FineTuneReasonsReport>;
  /** Backend and why, model and version, catalog counts, events, reasons, ranking. Never stale after an awaited call. */
  status(): RecommenderStatus;
  /** Everything localrec stores for this shopper, as JSON. */
  exportData(): Promise<ExportedData>;
  /** Erases everything localrec stored for this shopper (the IndexedDB database included). */
  forget(): Promise<void>;
  /** Stops the recommender; pending and later calls reject with code DISPOSED. */
  dispose(): void;
}

/** The methods that run in the worker (status() is answered on the page from the last reply). */
export const REMOTE_METHODS = [
  'track',
  'recommend',
  'similar',
  'boughtTogether',
  'updateCatalog',
  'explain',
  'search',
  'train',
  'trainContent',
  'fineTune',
  'fineTuneReasons',
  'exportData',
  'forget',
] as const satisfies readonly (keyof Recommender)[];

export type RemoteMethod = (typeof REMOTE_METHODS)[number];

/** Methods whose first argument may carry an `onProgress` callback (it crosses to the worker on its own). */
export const PROGRESS_METHODS: ReadonlySet<RemoteMethod> = new Set(['train', 'trainContent', 'fineTune', 'fineTuneReasons']);

/** Every answer from the worker carries the status after the call, so the page's status() is never stale. */
export interface Reply<T> {
  value: T;
  status: RecommenderStatus;
}

/** A progress callback as it crosses the worker boundary (a comlink proxy; its result is awaited). */
export type ProgressPort = (event: ProgressEvent) => unknown;

/** What the page calls across comlink: start the engine, call one of its methods, stop it. */
export interface WorkerApi {
  init(config: EngineConfig, onProgress?: ProgressPort, lifeLock?: string): Promise<RecommenderStatus>;
  /**
   * Runs `engine[method](...args)`. For methods with progress, the callback crosses on its own
   * (functions cannot be cloned inside an options object) and is put back into the options here.
   */
  call(method: RemoteMethod, args: unknown[], onProgress?: ProgressPort): Promise<Reply<unknown>>;
  dispose(): void;
}
