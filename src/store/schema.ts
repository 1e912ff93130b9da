import type { DBSchema } from 'idb';
import type { Item, StoredEvent } from '../shared/types';

/** Bump when a store's shape changes; `upgrade` in idb-store.ts migrates from every older version. */
export const DB_VERSION = 2;

export interface CatalogCacheRecord {
  key: 'current';
  /** Where the catalog came from (URL, or 'array'). */
  source: string;
  fingerprint: string;
  items: Item[];
  savedAt: number;
}

/**
 * What the cached catalog is, without its items: written with it in one transaction, so a start
 * can tell whether the catalog it fetched is already cached without reading 100k items back.
 */
export interface CatalogStampRecord {
  key: 'stamp';
  source: string;
  fingerprint: string;
}

export interface CheckpointRecord {
  name: string;
  savedAt: number;
  /** Model-specific payload (weights as ArrayBuffers, optimizer state, epoch…). */
  data: unknown;
}

/** The IndexedDB layout. Everything the library persists lives in these three stores. */
export interface LocalrecDB extends DBSchema {
  events: { key: number; value: StoredEvent; indexes: { 'by-time': number } };
  catalog: { key: string; value: CatalogCacheRecord | CatalogStampRecord };
  checkpoints: { key: string; value: CheckpointRecord };
}
