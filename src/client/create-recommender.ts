import { proxy } from 'comlink';
import { registerErrorTransfer } from '../shared/error-transfer';
import { LocalrecError } from '../shared/errors';
import type {
  CatalogUpdate,
  CatalogUpdateReport,
  ExplainOptions,
  Explanation,
  ExportedData,
  FineTuneOptions,
  FineTuneReasonsOptions,
  FineTuneReasonsReport,
  FineTuneReport,
  ProgressEvent,
  Recommendation,
  RecommendOptions,
  RecommenderOptions,
  RecommenderStatus,
  SearchOptions,
  SearchResult,
  SimilarOptions,
  StoredEvent,
  TrainOptions,
  TrainReport,
  TrackInput,
} from '../shared/types';
import { toEngineConfig } from './validate-options';
import { WorkerConnection } from './worker-connection';
import { defaultWorkerUrl } from './worker-url';
import type { Reply } from '../worker/worker-api';

/** A running recommender. Every method talks to the worker; none blocks the page. */
export interface Recommender {
  /**
   * Records what the shopper did. Resolves once the event is stored.
   * @example await rec.track({ type: 'view', itemId: 'B00ABC' });
   * @throws LocalrecError INVALID_EVENT | UNKNOWN_ITEM (nothing is stored) | STORAGE_FAILED | QUOTA_EXCEEDED
   */
  track(event: TrackInput): Promise<StoredEvent>;
  /**
   * Items for this shopper, best first.
   * @example const recs = await rec.recommend({ k: 12, exclude: ['purchased'] });
   * @throws LocalrecError INVALID_ARGUMENT
   */
  recommend(options?: RecommendOptions): Promise<Recommendation[]>;
  /**
   * Items like `itemId`, best first (the item itself is left out).
   * @example const alike = await rec.similar('B00ABC', { k: 8 });
   * @throws LocalrecError UNKNOWN_ITEM | INVALID_ARGUMENT
   */
  similar(itemId: string, options?: SimilarOptions): Promise<Recommendation[]>;
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
   * submits the search (not on every keystroke) to store it as a `search` event.
   * @example const results = await rec.search('pla filam', { k: 10 });
   * @throws LocalrecError INVALID_ARGUMENT
   */
  search(query: string, options?: SearchOptions): Promise<SearchResult[]>;
  /**
   * Trains the recommendation model (the VAE) in the worker from anonymous baskets or sessions —
   * for stores that ship no model pack. Runs in small slices (recommend() keeps answering) and
   * checkpoints every epoch in IndexedDB: calling it again after a reload resumes.
   * @example await rec.train({ interactions: '/anonymous-baskets.csv', epochs: 10, onProgress: (p) => bar.value = p.overall });
   * @throws LocalrecError INVALID_ARGUMENT | TRAINING_IN_PROGRESS
   */
  train(options: TrainOptions): Promise<TrainReport>;
  /**
   * Fine-tunes the model on this shopper's own history, in the worker: the history never leaves
   * the device, and the personal model is kept in IndexedDB for the next visit (forget() erases it).
   * Needs a model (a pack or train()). Runs in small steps; recommend() keeps answering.
   * @example const report = await rec.fineTune({ onProgress: (p) => bar.value = p.overall });
   * @throws LocalrecError NO_MODEL | INVALID_ARGUMENT | TRAINING_IN_PROGRESS
   */
  fineTune(options?: FineTuneOptions): Promise<FineTuneReport>;
  /**
   * Fine-tunes the neural reason generator (needs the `reasons` pack) on the store's own reviews,
   * in the worker; later reasons come from the tuned generator, still checked against the evidence.
   * @example await rec.fineTuneReasons({ reviews: [{ itemId: 'B00…', text: 'Holds 5 amps easily…' }] });
   * @throws LocalrecError NO_MODEL | INVALID_ARGUMENT | TRAINING_IN_PROGRESS
   */
  fineTuneReasons(options: FineTuneReasonsOptions): Promise<FineTuneReasonsReport>;
  /** Backend in use and why, stored events, catalog report, model version. Never stale after an awaited call. */
  status(): RecommenderStatus;
  /** Everything localrec stores for this shopper, as JSON. */
  exportData(): Promise<ExportedData>;
  /** Erases everything localrec stored for this shopper (the IndexedDB database included). */
  forget(): Promise<void>;
  /** Stops the worker; pending and later calls reject with code DISPOSED. */
  dispose(): void;
}

let lockCounter = 0;

/**
 * Starts localrec: a Web Worker with the models, the shopper's history from IndexedDB, and the
 * catalog. Resolves when the first recommendation can be served.
 * @example
 * const rec = await createRecommender({ catalog: '/items.jsonl', onProgress: (p) => console.log(p.overall) });
 * @throws LocalrecError INVALID_OPTIONS | CATALOG_INVALID | CATALOG_EMPTY | CATALOG_FETCH_FAILED |
 *   WORKER_FAILED | BACKEND_UNAVAILABLE | STORAGE_FAILED
 */
export async function createRecommender(options: RecommenderOptions): Promise<Recommender> {
  registerErrorTransfer();
  const config = toEngineConfig(options);
  if (typeof Worker === 'undefined') {
    throw new LocalrecError('WORKER_FAILED', 'This environment has no Web Workers.');
  }
  const workerUrl = options.workerUrl !== undefined ? new URL(String(options.workerUrl), document.baseURI) : defaultWorkerUrl();
  let worker: Worker;
  try {
    worker = new Worker(workerUrl, { type: 'module', name: 'localrec' });
  } catch (error) {
    throw new LocalrecError('WORKER_FAILED', `Could not start the worker at ${workerUrl.href}: ${(error as Error).message}`);
  }
  const connection = new WorkerConnection(worker, workerUrl.href);
  const lifeLock = `localrec-worker-${Date.now().toString(36)}-${(lockCounter++).toString(36)}-${Math.random().toString(36).slice(2)}`;
  const onProgress = options.onProgress;
  let status: RecommenderStatus;
  try {
    status = await connection.call((remote) =>
      remote.init(config, onProgress ? proxy((event: ProgressEvent) => onProgress(event)) : undefined, lifeLock),
    );
  } catch (error) {
    connection.terminate(error instanceof LocalrecError ? error : new LocalrecError('WORKER_FAILED', String(error)));
    throw error;
  }
  connection.markStarted(lifeLock);

  const unwrap = async <T>(call: Promise<Reply<T>>): Promise<T> => {
    const reply = await call;
    status = reply.status;
    return reply.value;
  };
  return {
    track: (event) => connection.call((remote) => unwrap(remote.track(event))),
    recommend: (opts) => connection.call((remote) => unwrap(remote.recommend(opts))),
    similar: (itemId, opts) => connection.call((remote) => unwrap(remote.similar(itemId, opts))),
    updateCatalog: (update) => connection.call((remote) => unwrap(remote.updateCatalog(update))),
    explain: (itemId, opts) => connection.call((remote) => unwrap(remote.explain(itemId, opts))),
    search: (query, opts) => connection.call((remote) => unwrap(remote.search(query, opts))),
    train: ({ onProgress: trainProgress, ...opts }) => {
      const interactions = opts.interactions instanceof URL || typeof opts.interactions === 'string' ? new URL(String(opts.interactions), document.baseURI).href : opts.interactions;
      return connection.call((remote) =>
        unwrap(remote.train({ ...opts, interactions }, trainProgress ? proxy((event: ProgressEvent) => trainProgress(event)) : undefined)),
      );
    },
    fineTune: ({ onProgress: tuneProgress, ...opts } = {}) =>
      connection.call((remote) => unwrap(remote.fineTune(opts, tuneProgress ? proxy((event: ProgressEvent) => tuneProgress(event)) : undefined))),
    fineTuneReasons: ({ onProgress: tuneProgress, ...opts }) =>
      connection.call((remote) => unwrap(remote.fineTuneReasons(opts, tuneProgress ? proxy((event: ProgressEvent) => tuneProgress(event)) : undefined))),
    status: () => structuredClone(status),
    exportData: () => connection.call((remote) => unwrap(remote.exportData())),
    forget: () => connection.call((remote) => unwrap(remote.forget())),
    dispose() {
      if (connection.isDead) return;
      void connection.remote.dispose().catch(() => undefined);
      connection.terminate(new LocalrecError('DISPOSED', 'This recommender was disposed.'));
    },
  };
}
