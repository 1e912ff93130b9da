import type { DBSchema } from 'idb';
import type { CatalogReport, Item, StoredEvent } from '../shared/types';

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

/** How IdbStore keeps a CatalogCacheRecord: the items as one JSON string (see idb-store.ts). */
export type StoredCatalogRecord = Omit<CatalogCacheRecord, 'items'> & { itemsJson: string };

/**
 * What the cached catalog is, without its items: written with it in one transaction, so a start
 * can tell whether the catalog it fetched is already cached without reading 100k items back.
 */
export interface CatalogStampRecord {
  key: 'stamp';
  source: string;
  fingerprint: string;
  /**
   * The HTTP validators the catalog URL answered with when this copy was made (ETag, or
   * Last-Modified with Content-Length), the normaliser version and its report: a later start whose
   * response carries the same validators uses the copy without parsing the body again.
   */
  validators?: CatalogValidators;
  normaliser?: number;
  report?: Omit<CatalogReport, 'source' | 'cached' | 'reusedCopy'>;
}

/** A catalog response's validators (null: the server did not send the header). */
export interface CatalogValidators {
  etag: string | null;
  lastModified: string | null;
  contentLength: string | null;
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
  catalog: { key: string; value: CatalogCacheRecord | StoredCatalogRecord | CatalogStampRecord };
  checkpoints: { key: string; value: CheckpointRecord };
}
