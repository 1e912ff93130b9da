import type { StoredEvent } from '../shared/types';
import type { CatalogCacheRecord, CatalogStampRecord, CheckpointRecord } from './schema';

/** An event before the store gives it a sequence number. */
export type NewEvent = Omit<StoredEvent, 'seq'>;

/** Everything stored, as plain records (the body of `exportData()`). */
export interface StoreSnapshot {
  events: StoredEvent[];
  catalogCache: CatalogCacheRecord | null;
  checkpoints: CheckpointRecord[];
}

/**
 * Where the shopper's behaviour lives: IndexedDB (idb-store.ts) or memory only (memory-store.ts).
 * Every write has completed (transaction committed) when its promise resolves.
 */
export interface BehaviourStore {
  readonly persistent: boolean;
  readonly name: string;
  /** Events dropped because the browser's storage quota was full. */
  readonly prunedForQuota: number;
  /** Every event with a lower seq has been pruned for quota (0: none). */
  readonly keptFromSeq: number;
  /** Stores the event, drops the oldest beyond `maxEvents`, returns it with its `seq`. */
  addEvent(event: NewEvent): Promise<StoredEvent>;
  /** All events, oldest first. */
  listEvents(): Promise<StoredEvent[]>;
  getCatalogCache(): Promise<CatalogCacheRecord | undefined>;
  /** The cached catalog's source and fingerprint, without its items (cheap at any size). */
  getCatalogStamp(): Promise<Omit<CatalogStampRecord, 'key'> | undefined>;
  /** Caches the catalog and its stamp together. */
  putCatalogCache(record: CatalogCacheRecord, stamp?: Pick<CatalogStampRecord, 'validators' | 'normaliser' | 'report'>): Promise<void>;
  /** Model checkpoints and cached model packs (weights as ArrayBuffers). */
  getCheckpoint(name: string): Promise<CheckpointRecord | undefined>;
  putCheckpoint(record: CheckpointRecord): Promise<void>;
  deleteCheckpoint(name: string): Promise<void>;
  snapshot(): Promise<StoreSnapshot>;
  /** Another tab deleted the database: start counting afresh. */
  resetAfterForget(): void;
  /** Deletes every record and the database itself; the store reopens empty on the next write. */
  forget(): Promise<void>;
  close(): void;
}
