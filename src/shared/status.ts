// What status() and exportData() return (public types, plain data).
import type { BackendName, CatalogReport, EventType, Item, StoredEvent } from './types';

/** Where a value the worker ranks with came from. */
export type RankingSource = 'model pack' | 'library default';

/** How the worker ranks for this store (status().ranking, less the top-k and new-item reports). */
export interface RankingReport {
  halfLife: number | 'uniform';
  halfLifeSource: RankingSource;
  /** Each event type's weight (a viewed item counts 1), and whether the pack tuned it. */
  eventWeights: Record<EventType, number>;
  eventWeightsSource: Record<EventType, RankingSource>;
  /**
   * How many of a search's best matches join the history, and how far a full match is lifted:
   * `boost` × (`lift` 'sd': a standard deviation of the shopper's scores; 'range': the spread of
   * their scores over the query's matches), plus `gate` standard deviations for every match.
   */
  queryEvidence: { hits: number; boost: number; lift: 'sd' | 'range'; gate: number; source: RankingSource };
  /** How many places a near-duplicate variant waits with `variants: 'spread'` ('all': until every distinct item is placed). */
  variants: { wait: number | 'all'; source: RankingSource };
  /** Where the pack's values were tuned, by setting. */
  tunedOn: Partial<Record<'halfLife' | 'eventWeights' | 'queryEvidence' | 'variants', string>>;
  /** Pack values out of range or unknown, not used. */
  ignored: string[];
}

export interface RecommenderStatus {
  backend: BackendName;
  /** Why this backend was chosen, in one sentence. */
  backendReason: string;
  /** The WebGPU adapter seen, if any (even when it was not used). */
  adapter: { vendor: string; architecture: string; isFallback: boolean } | null;
  /** Backends tried and why each failed, in order. */
  backendFailures: { backend: BackendName; error: string }[];
  /** Stored behaviour events. */
  events: number;
  catalogSize: number;
  catalog: CatalogReport;
  /** The models answering `recommend()`. */
  modelVersion: string;
  /** The model pack: where it came from, how much of the catalog it knows, or why it was not used. */
  model: PackReport;
  /**
   * How this store's shoppers are ranked: the recency half-life (an item's weight halves every
   * `halfLife` newer distinct items; 'uniform': no decay), the event-type weights, how a search
   * becomes evidence and how long near-duplicate variants wait — each from the model pack (tuned
   * on the store's validation users; where, in `tunedOn`) or the library default.
   */
  ranking: RankingReport & {
    /**
     * How items the model pack was not trained on (new products) are scored next to known ones:
     * the parts that serve (see NewItemPart), with settings from the pack (tuned on its own
     * pseudo-cold items) or the library default; `ignored` names pack values that were out of range.
     * `generator`: the GAN generator as a part, with the weight the pack's pseudo-cold validation
     * gave it (null: not weighed) and why it does not run.
     */
    newItems: {
      parts: NewItemPart[];
      source: 'model pack' | 'library default';
      ignored: string[];
      generator: { weight: number | null; runs: false; note: string };
      /**
       * The pack's term weights, which the bridge's vectors use: how many catalog features they
       * weigh (by how often the known items sharing each are bought together) and the exponent
       * the store's pseudo-cold items chose; null when the pack has none.
       */
      termWeights: { features: number; coherence: number } | null;
    };
    /**
     * What `similar()` and `boughtTogether()` compare here: title trigrams (catalogs up to 50,000
     * items) and the hubness correction (up to 5,000 items: an item with generic text, near many
     * items, counts for less). Larger catalogs skip them; the rest of the score is the same.
     */
    relatedItems: { titleTrigrams: boolean; hubness: boolean };
  };
  /**
   * The content autoencoder's item embeddings and what they serve; null until trainContent() has
   * run on this device. `source`: trained in this session, or the weights saved on this device by
   * an earlier one (applied just after start to today's catalog; `similar()` waits for it); `saved`: kept in IndexedDB for the next
   * visit. Items added since were embedded with the same weights.
   */
  contentEmbeddings: { version: string; items: number; dims: number; epochs: number; serves: ('similar' | 'boughtTogether')[]; source: 'trained here' | 'saved on this device'; saved: boolean } | null;
  /** Why saved content embeddings were not used at start (discarded as damaged, or the catalog too large to embed at start), else null. */
  contentEmbeddingsNote: string | null;
  /**
   * The shopper's personal model (fine-tuned on their own history by `fineTune()`, kept only on
   * this device): when it was saved and from how many history items; null when none is in use.
   * `personalModelError`: why a stored one was rejected and deleted (code MODEL_INVALID, e.g. made
   * for another model or of an unknown format); the next fineTune() rebuilds it.
   */
  personalModel: { savedAt: number; historyItems: number } | null;
  personalModelError: { code: 'MODEL_INVALID'; message: string } | null;
  /**
   * Who writes reasons: 'generator' when a reasons pack is loaded (each of its sentences is
   * checked against the evidence; a failing one is replaced by the template), else 'template'.
   * `source`: where the pack came from; `error`: why it was not used; `cacheError`: its IndexedDB
   * copy was damaged, rejected and downloaded again.
   */
  reasons: ReasonsReport;
  persistent: boolean;
  /** Why storage is not what was asked for (e.g. a newer tab upgraded the database), else null. */
  storageNote: string | null;
  /** Whether the browser keeps this origin's storage under pressure (`storage.requestPersistence`); null: unknown here. */
  storagePersisted: boolean | null;
  /** The browser evicted the stored history since the last visit (`storage.detectEviction`); it starts afresh. */
  historyLost: boolean;
  /** Oldest events dropped because the browser's storage quota was full. */
  prunedForQuota: number;
  /** Live tfjs tensors in the worker (leak check) and the bytes they hold. */
  tensors: number;
  tensorBytes: number;
  /**
   * The last call the recommender answered and the milliseconds it took inside the worker (from
   * the call's arrival to its answer, without the messages to and from the page): a page that
   * times a call can tell the worker's time from the messaging's. Null before the first call.
   */
  lastCall: { method: string; ms: number } | null;
}

/**
 * A part of a new product's score: `content` (its text against the history), `carried-over`
 * (the shopper's scores of its nearest known items), `kernel-ridge` (those scores mapped through
 * the content kernel), `popularity` (predicted from its nearest known items).
 */
export type NewItemPart = 'content' | 'carried-over' | 'kernel-ridge' | 'popularity';

/** Everything localrec stores for this shopper, as plain JSON. */
export interface ExportedData {
  format: 'localrec-export';
  version: 2;
  exportedAt: string;
  dbName: string;
  events: StoredEvent[];
  catalogCache: { source: string; fingerprint: string; items: Item[] } | null;
  checkpoints: { name: string; savedAt: number }[];
}

/** A model pack as status() reports it: where it came from, how much of the catalog it knows, or why it was not used. */
export interface PackReport {
  pack: string | null;
  source: 'network' | 'cache' | null;
  /** Catalog items the pack's model knows (the rest are scored by content). */
  coveredItems: number;
  error: { code: string; message: string } | null;
  /** The IndexedDB copy of the pack was damaged: rejected (MODEL_INVALID) and fetched again. */
  cacheError: { code: 'MODEL_INVALID'; message: string } | null;
  /** 'verified': every file matched the SHA-256 in its manifest (and the manifest the `integrity` option); 'unverified': a pack built without hashes. */
  integrity: 'verified' | 'unverified' | null;
}

/** Who writes reasons, and the reasons pack as status() reports it. */
export interface ReasonsReport {
  /** 'generator' when a reasons pack is loaded (its sentences are checked; a failing one becomes the template's), else 'template'. */
  writer: 'generator' | 'template';
  pack: string | null;
  source: 'network' | 'cache' | null;
  error: { code: string; message: string } | null;
  cacheError: { code: 'MODEL_INVALID'; message: string } | null;
  integrity: 'verified' | 'unverified' | null;
}
