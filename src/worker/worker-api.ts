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
  RecommenderStatus,
  SearchOptions,
  SearchResult,
  SimilarOptions,
  StoredEvent,
  TrainOptions,
  TrainReport,
  TrackInput,
} from '../shared/types';
import { Engine, type EngineConfig } from './engine';

/** Every answer carries the status after the call, so the page's `status()` is never stale. */
export interface Reply<T> {
  value: T;
  status: RecommenderStatus;
}

/** What the page calls across comlink. */
export interface WorkerApi {
  init(config: EngineConfig, onProgress?: (event: ProgressEvent) => unknown, lifeLock?: string): Promise<RecommenderStatus>;
  track(input: TrackInput): Promise<Reply<StoredEvent>>;
  recommend(options?: RecommendOptions): Promise<Reply<Recommendation[]>>;
  similar(itemId: string, options?: SimilarOptions): Promise<Reply<Recommendation[]>>;
  updateCatalog(update: CatalogUpdate): Promise<Reply<CatalogUpdateReport>>;
  explain(itemId: string, options?: ExplainOptions): Promise<Reply<Explanation>>;
  search(query: string, options?: SearchOptions): Promise<Reply<SearchResult[]>>;
  train(options: Omit<TrainOptions, 'onProgress'>, onProgress?: (event: ProgressEvent) => unknown): Promise<Reply<TrainReport>>;
  fineTune(options: Omit<FineTuneOptions, 'onProgress'>, onProgress?: (event: ProgressEvent) => unknown): Promise<Reply<FineTuneReport>>;
  fineTuneReasons(options: Omit<FineTuneReasonsOptions, 'onProgress'>, onProgress?: (event: ProgressEvent) => unknown): Promise<Reply<FineTuneReasonsReport>>;
  exportData(): Promise<Reply<ExportedData>>;
  forget(): Promise<Reply<void>>;
  dispose(): void;
}

/** Holds a Web Lock for the worker's whole life: the page learns the worker died when it frees up. */
function holdLifeLock(name: string): Promise<void> {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  if (!locks) return Promise.resolve();
  return new Promise((acquired) => {
    void locks.request(name, () => {
      acquired();
      return new Promise<never>(() => undefined);
    });
  });
}

/** @param defaults filled in where the page's config leaves them out (e.g. where the WASM binaries are). */
function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

export function createWorkerApi(defaults: Partial<EngineConfig> = {}): WorkerApi {
  let engine: Engine | null = null;
  const live = (): Engine => {
    if (!engine) throw new LocalrecError('INTERNAL', 'The worker was used before init().');
    return engine;
  };
  const reply = async <T>(work: (e: Engine) => Promise<T>): Promise<Reply<T>> => {
    const e = live();
    const value = await work(e);
    return { value, status: e.status() };
  };
  return {
    async init(config, onProgress, lifeLock) {
      if (engine) throw new LocalrecError('INTERNAL', 'init() was called twice.');
      if (lifeLock) await holdLifeLock(lifeLock);
      // Progress goes to the page over its own port: wait until every event is delivered, so the
      // page has seen 'ready' before init() resolves.
      const deliveries: Promise<unknown>[] = [];
      const forward = onProgress
        ? (event: ProgressEvent) => void deliveries.push(Promise.resolve(onProgress(event)).catch(() => undefined))
        : undefined;
      engine = await Engine.create({ ...defaults, ...stripUndefined(config) }, forward);
      await Promise.all(deliveries);
      return engine.status();
    },
    track: (input) => reply((e) => e.track(input)),
    recommend: (options) => reply((e) => e.recommend(options)),
    similar: (itemId, options) => reply((e) => e.similar(itemId, options)),
    updateCatalog: (update) => reply((e) => e.updateCatalog(update)),
    explain: (itemId, options) => reply((e) => e.explain(itemId, options)),
    search: (query, options) => reply((e) => e.search(query, options)),
    train: (options, onProgress) => reply((e) => e.train(options, onProgress ? (event) => void onProgress(event) : undefined)),
    fineTune: (options, onProgress) => reply((e) => e.fineTune(options, onProgress ? (event) => void onProgress(event) : undefined)),
    fineTuneReasons: (options, onProgress) => reply((e) => e.fineTuneReasons(options, onProgress ? (event) => void onProgress(event) : undefined)),
    exportData: () => reply((e) => e.exportData()),
    forget: () => reply((e) => e.forget()),
    dispose() {
      engine?.dispose();
      engine = null;
    },
  };
}
