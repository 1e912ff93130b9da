/**
 * Public types of localrec. Everything here is plain data: it crosses the worker boundary by
 * structured clone, so no functions, classes or symbols appear in these shapes.
 */
import type { MerchantRules } from './rules';

export type { Boost, ItemFilter, MerchantRules, Pin } from './rules';

/** A catalog item as the store provides it. Only `id` and `title` are required. */
export interface Item {
  id: string;
  title: string;
  /** Category path, broad to narrow. */
  category?: string[];
  brand?: string;
  price?: number;
  description?: string;
  /** `false` hides the item from recommendations and similar-item lists. */
  available?: boolean;
  url?: string;
  image?: string;
}

/** The tfjs backends localrec can run on. */
export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

/** `'auto'` picks the fastest backend that really works on this device (see README). */
export type BackendPreference = 'auto' | BackendName;

export interface StorageOptions {
  /** IndexedDB database name. Default `'localrec'`. */
  dbName?: string;
  /** Oldest events are dropped beyond this many. Default 50,000. */
  maxEvents?: number;
  /** `false` keeps everything in memory only: nothing touches IndexedDB. Default `true`. */
  persist?: boolean;
  /**
   * Ask the browser to keep this origin's storage under storage pressure
   * (`navigator.storage.persist()`; browsers may grant it silently, ask the shopper, or refuse).
   * Start-up does not wait for the answer; `status().storagePersisted` says what is granted so
   * far (null where the browser has no such API). Default `false`.
   */
  requestPersistence?: boolean;
  /**
   * Notice when the browser evicted the history: a first-party cookie (`localrec-history-DBNAME=1`,
   * one bit, no behaviour) outlives an eviction of the origin's storage, so a start that finds the
   * cookie but no history reports `status().historyLost` instead of silently starting afresh.
   * The cookie goes to the store's own server with its requests. Default `false`.
   */
  detectEviction?: boolean;
}

/** Stages of start-up work, in the order they run. */
/** `model-download`: the pack's weights arriving, `loaded`/`total` in bytes (not reported when the pack comes from the IndexedDB copy). */
export type ProgressStage = 'catalog' | 'backend' | 'features' | 'model-download' | 'model' | 'history' | 'ready' | 'train' | 'fine-tune' | 'fine-tune-reasons' | 'content-ae';

/**
 * Progress of long work. `loaded`/`total` count within a stage; `overall` goes from 0 to 1 over
 * the whole job and never goes down.
 */
export interface ProgressEvent {
  stage: ProgressStage;
  loaded: number;
  total: number;
  overall: number;
  /** Training only: the epoch in progress (1-based) and the mean loss of the last slice. */
  epoch?: number;
  loss?: number;
  /** Training only: the backend this slice ran on (it changes if a GPU device is lost). */
  backend?: BackendName;
}

/** One anonymous interaction for on-device training: a basket/session id (no identity) and an item. */
export interface Interaction {
  sessionId: string;
  itemId: string;
}

export interface TrainOptions {
  /** Anonymous baskets or sessions: an array, or the URL of `interactions.csv` (user_id/session_id,item_id) or JSONL. */
  interactions: Interaction[] | string | URL;
  /** Default 10. */
  epochs?: number;
  /** Network size. Defaults 300 / 100 (the pack recipe). */
  hidden?: number;
  latent?: number;
  /** Optimizer steps between chances for recommend() and other calls to run. Default 2. */
  sliceSteps?: number;
  onProgress?: (event: ProgressEvent) => void;
}

export interface TrainReport {
  backend: BackendName;
  epochs: number;
  /** Epochs restored from the IndexedDB checkpoint instead of being trained again. */
  resumedFromEpoch: number;
  sessions: number;
  items: number;
  /** Interactions skipped (unknown item, malformed row). */
  skipped: number;
  examples: number;
  seconds: number;
  examplesPerSecond: number;
  loss: number;
  /** 'training-worker': a worker of its own, so serving never waits; 'in-thread': slices in the serving thread. */
  where: 'training-worker' | 'in-thread';
  /**
   * Backends lost during this run (e.g. the WebGPU device was lost), in order: training went on
   * from the last checkpoint on the next backend of the chain (`backend` is the one that finished).
   */
  backendFailures: { backend: BackendName; error: string }[];
  /**
   * tfjs memory of the training run: the peak of one profiled training step (weights, Adam
   * moments, activations, gradients) and the largest steady state between steps, in bytes.
   */
  memory: { peakTensorBytes: number; steadyTensorBytes: number };
  /** Why a stored training checkpoint could not be used (unknown format, damaged weights); it was rebuilt. */
  checkpointError: { code: 'MODEL_INVALID'; message: string } | null;
}

/** Options of `fineTune()`: the shopper's own history refines the model, on the device. */
export interface FineTuneOptions {
  /** Optimizer steps (default 10, the setting chosen on validation users; at most 200). */
  steps?: number;
  onProgress?: (event: ProgressEvent) => void;
}

export interface FineTuneReport {
  steps: number;
  /** Noisy copies of the history trained on (steps × copies). */
  examples: number;
  /** History items the model knows (the rest cannot be trained on). */
  historyItems: number;
  /** Loss of the first and the last step. */
  firstLoss: number;
  lastLoss: number;
  seconds: number;
  backend: BackendName;
  /** Whether the personal model was saved in IndexedDB for the next visit. */
  saved: boolean;
}

/** Options of `trainContent()`: the content autoencoder learns the catalog's text (public data) on the device. */
export interface TrainContentOptions {
  /** Passes over the catalog (at most 8,192 sampled rows each); default 20, at most 200. */
  epochs?: number;
  onProgress?: (event: ProgressEvent) => void;
}

export interface TrainContentReport {
  /** The embeddings' format ('content-ae@1'). */
  version: string;
  epochs: number;
  /** Mean reconstruction loss of the first and the last epoch. */
  firstLoss: number;
  lastLoss: number;
  /** Catalog items embedded, and how many of them one epoch trained on. */
  items: number;
  trainedOn: number;
  /** Embedding size. */
  dims: number;
  seconds: number;
  backend: BackendName;
  /** Whether the weights were kept in IndexedDB: the next visit serves the embeddings without training. */
  saved: boolean;
}

/** Options of `fineTuneReasons()`: the store's own review texts refine the reason generator. */
export interface FineTuneReasonsOptions {
  /** Reviews of catalog items (public store text, not this shopper's behaviour); at most 50,000. */
  reviews: { itemId: string; text: string }[];
  /** Passes over the reviews (default 2, at most 20). */
  epochs?: number;
  onProgress?: (event: ProgressEvent) => void;
}

export interface FineTuneReasonsReport {
  /** Review sentences trained on. */
  examples: number;
  /** Reviews left out: unknown item, not text, or no sentence left once facts are taken out. */
  skipped: number;
  epochs: number;
  /** Mean loss over the examples before and after fine-tuning. */
  lossBefore: number;
  lossAfter: number;
  seconds: number;
  backend: BackendName;
}

export interface RecommenderOptions {
  /** The catalog: an array of items, or the URL of `items.json` (array) or `items.jsonl`. */
  catalog: Item[] | string | URL;
  /** URL of a model pack (reserved for the VAE; the content model needs none). */
  models?: string | URL;
  /**
   * URL of a reasons pack folder (`npm run train-reasons`): reasons are then written by the neural
   * generator in the worker and checked against the evidence; without one, by the template.
   */
  reasons?: string | URL;
  /**
   * Subresource-Integrity values of the packs' `manifest.json` (`'sha256-…'`, as in a script tag's
   * `integrity`). The manifest carries the SHA-256 of every other file, so this pins the whole
   * pack: a mismatch is MODEL_INVALID, nothing is cached, and the store serves without that pack.
   */
  integrity?: { models?: string; reasons?: string };
  /** Default `'auto'`. */
  backend?: BackendPreference;
  /**
   * Memory the worker may use for the catalog's vectors and the model pack, in MB. Default: an
   * eighth of the device's memory (`navigator.deviceMemory`, so 1,024 MB on an 8 GB device, 256 MB
   * on a 2 GB phone), or 1,024 MB where the browser does not say. A pack that needs more is not
   * loaded (`status().model.error.code` is `MODEL_TOO_LARGE`) and the content model serves; a
   * catalog that needs more is `CATALOG_TOO_LARGE`.
   */
  memoryBudgetMB?: number;
  storage?: StorageOptions;
  onProgress?: (event: ProgressEvent) => void;
  /**
   * Where `localrec.worker.js` lives. Default: the app's bundler emits it (npm), or next to
   * `localrec.iife.js` (script tag); set it only to serve the worker from somewhere else.
   */
  workerUrl?: string | URL;
}

export type EventType = 'view' | 'cart' | 'purchase' | 'search';

/** What the host page tracks. Item events need `itemId`; search events need `query`. */
export type TrackInput =
  | { type: 'view' | 'cart' | 'purchase'; itemId: string; timestamp?: number }
  | { type: 'search'; query: string; timestamp?: number };

/** A stored behaviour event (`seq` is assigned by the store, increasing). */
export interface StoredEvent {
  seq: number;
  type: EventType;
  itemId?: string;
  query?: string;
  /** Unix milliseconds. */
  timestamp: number;
}

/** Which of the shopper's own interactions to leave out of recommendations. */
export type ExcludeRule = 'viewed' | 'carted' | 'purchased';

/** One piece of the shopper's history and how much it lifts an item's score. */
export type Evidence =
  | { kind: 'item'; itemId: string; title: string; event: 'view' | 'cart' | 'purchase'; influence: number }
  | { kind: 'search'; query: string; influence: number };

/** An attribute the recommended item shares with an item of the shopper's history. */
export interface SharedAttribute {
  attribute: 'brand' | 'category' | 'price band';
  value: string;
  /** The history item it is shared with. */
  itemId: string;
}

/**
 * Why an item is recommended: the history that drives its score (influence = how much the score
 * drops when that piece is left out of the profile), shared attributes, and a plain-text reason
 * built only from these facts.
 */
export interface Explanation {
  itemId: string;
  score: number;
  /** Most influential first; only pieces that raise the score. */
  evidence: Evidence[];
  shared: SharedAttribute[];
  /** Plain text (never HTML): render it with textContent. */
  reason: string;
  /** Who wrote `reason`: the neural generator (its sentence passed the evidence check) or the template. */
  writtenBy?: 'generator' | 'template';
  /** Aspects of the item the reason may mention (from its reviews, else its title). */
  aspects?: string[];
  /** With `versus`: what favours this item over the other one, and what favours the other. */
  versus?: { itemId: string; score: number; favours: Evidence[]; against: Evidence[]; reason: string };
}

export interface ExplainOptions {
  /** Another item to contrast with: "why this rather than that?". */
  versus?: string;
}

/** recommend()'s options: what to leave out, the page the shopper is on, and the merchant's rules. */
export interface RecommendOptions extends MerchantRules {
  /** Attach `{ reason, evidence }` to every recommendation. Default false. */
  explain?: boolean;
  /** How many items. Default 12, at most 1000. */
  k?: number;
  /** Default `['viewed', 'carted', 'purchased']`: show the shopper something new. */
  exclude?: ExcludeRule[];
  /** Item ids never to return (the same as `filter.excludeIds`). */
  excludeIds?: string[];
  /**
   * Where the shopper is right now: the product page they are on, the query they typed. Counts as
   * fresh evidence for this call only (nothing is stored), so even a first-time shopper gets
   * relevant items. The context item itself is not returned.
   */
  context?: { itemId?: string; query?: string };
}

export interface SearchOptions extends MerchantRules {
  /** How many results. Default 12, at most 1000. */
  k?: number;
  /** Also store the query as a `search` event (use on submit, not on every keystroke). Default false. */
  track?: boolean;
}

export interface SearchResult extends Recommendation {
  /** Text relevance, relative to the best match: (0, 1]. */
  lexical: number;
  /** This shopper's interest, scaled over the results: [0, 1] (0 with no history). */
  interest: number;
}

export interface BoughtTogetherOptions extends MerchantRules {
  /** Default 6, at most 1000. */
  k?: number;
}

export interface SimilarOptions extends MerchantRules {
  /** Default 8, at most 1000. */
  k?: number;
}

/** A change of the catalog at run time (`rec.updateCatalog`). */
export interface CatalogUpdate {
  /** New items, or new versions of existing ones (same id): checked like the initial catalog. */
  add?: Item[];
  /** Ids of items to take out of the catalog. */
  remove?: string[];
}

/** What `updateCatalog` did. */
export interface CatalogUpdateReport {
  added: number;
  /** Existing ids whose item was replaced by the new version. */
  replaced: number;
  removed: number;
  /** Ids in `remove` that were not in the catalog. */
  notFound: number;
  /** Rows of `add` that were not usable items (as in CatalogReport.skipped), and fields dropped or cut. */
  skipped: CatalogReport['skipped'];
  droppedFields: number;
  truncatedFields: number;
  /** Catalog size after the update. */
  size: number;
  /** Items the collaborative model knows; the others get generated collaborative scores from their nearest known items. */
  coveredItems: number;
}

export interface Recommendation {
  itemId: string;
  score: number;
  item: Item;
  /** With `recommend({ explain: true })`: a plain-text reason. */
  reason?: string;
  /** With `recommend({ explain: true })`: the history behind the score. */
  evidence?: Evidence[];
  /** With `recommend({ explain: true })`: the neural generator or the template wrote `reason`. */
  writtenBy?: 'generator' | 'template';
  /** Placed by a `pin` rule, not by the model. */
  pinned?: true;
}

/** Why catalog rows were skipped or trimmed while loading. */
export interface CatalogReport {
  /** Rows read from the source. */
  rows: number;
  /** Items kept. */
  size: number;
  skipped: {
    notAnObject: number;
    /** Missing, empty, non-string or over-long id. */
    invalidId: number;
    duplicateId: number;
    invalidTitle: number;
  };
  /** Fields dropped because of a wrong type or value (e.g. a NaN price). */
  droppedFields: number;
  /** Strings cut to the length limit. */
  truncatedFields: number;
  /** Rows kept whose title looks wrong: markup remnants or no real word (`junk`), or another row's title (`duplicate`). */
  suspectTitles: { junk: number; duplicate: number };
  source: 'array' | 'url' | 'cache';
  /** Whether a copy of a URL catalog is kept in IndexedDB for offline starts (false: storage refused it). */
  cached: boolean;
  /**
   * The URL answered with the same validators (ETag, or Last-Modified and Content-Length) as when
   * the IndexedDB copy was made, so the copy was served without parsing the body again (the
   * figures above are the copy's).
   */
  reusedCopy: boolean;
}
