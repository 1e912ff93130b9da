import { deleteDB, openDB, type IDBPDatabase } from 'idb';
import { LocalrecError } from '../shared/errors';
import type { StoredEvent } from '../shared/types';
import type { BehaviourStore, NewEvent, StoreSnapshot } from './behaviour-store';
import { DB_VERSION, type CatalogCacheRecord, type CatalogStampRecord, type CheckpointRecord, type LocalrecDB, type StoredCatalogRecord } from './schema';

type Db = IDBPDatabase<LocalrecDB>;

interface PendingWrite {
  event: NewEvent;
  resolve: (stored: StoredEvent) => void;
  reject: (error: unknown) => void;
}

/** True when the database was upgraded by newer code (another tab) and this version cannot open it. */
export function isNewerDatabaseError(error: unknown): boolean {
  return error instanceof LocalrecError && error.code === 'STORAGE_FAILED' && error.details?.name === 'VersionError';
}

function storageError(error: unknown, action: string): LocalrecError {
  if (error instanceof LocalrecError) return error;
  const name = error instanceof Error || error instanceof DOMException ? error.name : '';
  const message = error instanceof Error || error instanceof DOMException ? error.message : String(error);
  if (name === 'QuotaExceededError') return new LocalrecError('QUOTA_EXCEEDED', `${action}: ${message}`);
  return new LocalrecError('STORAGE_FAILED', `${action}: ${message}`, { name });
}

/**
 * The shopper's behaviour in IndexedDB, through idb. The database is opened lazily, so after
 * `forget()` nothing of ours exists until the next write.
 */
export class IdbStore implements BehaviourStore {
  readonly persistent = true;
  private opening: Promise<Db> | null = null;

  constructor(
    readonly name: string,
    private readonly maxEvents: number,
  ) {}

  private db(): Promise<Db> {
    this.opening ??= openDB<LocalrecDB>(this.name, DB_VERSION, {
      upgrade(db, oldVersion) {
        // One branch per version step, so any older database reaches the current layout.
        if (oldVersion < 1) {
          const events = db.createObjectStore('events', { keyPath: 'seq', autoIncrement: true });
          events.createIndex('by-time', 'timestamp');
          db.createObjectStore('catalog', { keyPath: 'key' });
          db.createObjectStore('checkpoints', { keyPath: 'name' });
        }
        // Version 2: the `settings` store of version 1 was never written; it goes.
        if (oldVersion === 1) (db as unknown as IDBDatabase).deleteObjectStore('settings');
      },
      blocking: (_current, _blocked, event) => {
        // A newer tab wants to upgrade: step aside; we reopen on the next call.
        (event.target as IDBDatabase).close();
        this.opening = null;
      },
      terminated: () => {
        this.opening = null;
      },
    }).catch((error: unknown) => {
      this.opening = null;
      throw storageError(error, 'opening IndexedDB');
    });
    return this.opening;
  }

  /**
   * Events wait here while a write is in flight, then go in one transaction together: a single
   * event is written at once, a burst (10,000 un-awaited track() calls) in a few large batches.
   */
  private waiting: PendingWrite[] = [];
  private writing = false;

  addEvent(event: NewEvent): Promise<StoredEvent> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ event, resolve, reject });
      if (!this.writing) void this.writeWaiting();
    });
  }

  private async writeWaiting(): Promise<void> {
    this.writing = true;
    while (this.waiting.length > 0) {
      const batch = this.waiting;
      this.waiting = [];
      try {
        const seqs = await this.writeBatchMakingRoom(batch.map((w) => w.event));
        batch.forEach((w, i) => w.resolve({ ...w.event, seq: seqs[i]! }));
      } catch (error) {
        const failure = storageError(error, 'storing events');
        for (const w of batch) w.reject(failure);
      }
    }
    this.writing = false;
  }

  /** Share of the oldest events dropped when the browser's storage quota is full. */
  static readonly QUOTA_PRUNE_SHARE = 0.25;

  /** Events dropped so far because the quota was full (reported in status()). */
  prunedForQuota = 0;
  /** Events with a lower seq were pruned for quota. */
  keptFromSeq = 0;

  /**
   * On a full quota, drops the oldest quarter of the history and tries once more: new behaviour
   * matters more than old. If that is not enough the batch fails with QUOTA_EXCEEDED.
   */
  private async writeBatchMakingRoom(events: NewEvent[]): Promise<number[]> {
    try {
      return await this.writeBatch(events);
    } catch (error) {
      if (storageError(error, '').code !== 'QUOTA_EXCEEDED') throw error;
      this.prunedForQuota += await this.pruneOldest(IdbStore.QUOTA_PRUNE_SHARE);
      return await this.writeBatch(events);
    }
  }

  private async pruneOldest(share: number): Promise<number> {
    const db = await this.db();
    const tx = db.transaction('events', 'readwrite');
    let remove = Math.ceil((await tx.store.count()) * share);
    const removed = remove;
    let cursor = await tx.store.openCursor();
    while (cursor && remove > 0) {
      await cursor.delete();
      remove--;
      cursor = await cursor.continue();
    }
    if (cursor) this.keptFromSeq = cursor.key;
    await tx.done;
    return removed - remove;
  }

  /** Adds events and applies retention in one transaction: all of it lands, or none. */
  private async writeBatch(events: NewEvent[]): Promise<number[]> {
    const db = await this.db();
    const tx = db.transaction('events', 'readwrite');
    const seqs = await Promise.all(events.map((event) => tx.store.add(event as StoredEvent)));
    let excess = (await tx.store.count()) - this.maxEvents;
    if (excess > 0) {
      let cursor = await tx.store.openCursor();
      while (cursor && excess > 0) {
        await cursor.delete();
        excess--;
        cursor = await cursor.continue();
      }
    }
    await tx.done;
    return seqs as number[];
  }

  async listEvents(): Promise<StoredEvent[]> {
    try {
      return await (await this.db()).getAll('events');
    } catch (error) {
      throw storageError(error, 'reading events');
    }
  }

  async getCatalogCache(): Promise<CatalogCacheRecord | undefined> {
    try {
      return fromStoredCatalog(await (await this.db()).get('catalog', 'current'));
    } catch (error) {
      throw storageError(error, 'reading the catalog cache');
    }
  }

  async getCatalogStamp(): Promise<Omit<CatalogStampRecord, 'key'> | undefined> {
    try {
      const stamp = (await (await this.db()).get('catalog', 'stamp')) as CatalogStampRecord | undefined;
      if (!stamp) return undefined;
      const { key: _key, ...rest } = stamp;
      return rest;
    } catch (error) {
      throw storageError(error, 'reading the catalog cache');
    }
  }

  async putCatalogCache(record: CatalogCacheRecord, stamp: Pick<CatalogStampRecord, 'validators' | 'normaliser' | 'report'> = {}): Promise<void> {
    try {
      const tx = (await this.db()).transaction('catalog', 'readwrite');
      await Promise.all([
        tx.store.put(toStoredCatalog(record)),
        tx.store.put({ ...stamp, key: 'stamp', source: record.source, fingerprint: record.fingerprint }),
        tx.done,
      ]);
    } catch (error) {
      throw storageError(error, 'caching the catalog');
    }
  }

  async getCheckpoint(name: string): Promise<CheckpointRecord | undefined> {
    try {
      return await (await this.db()).get('checkpoints', name);
    } catch (error) {
      throw storageError(error, 'reading a checkpoint');
    }
  }

  async putCheckpoint(record: CheckpointRecord): Promise<void> {
    try {
      await (await this.db()).put('checkpoints', record);
    } catch (error) {
      throw storageError(error, 'saving a checkpoint');
    }
  }

  async deleteCheckpoint(name: string): Promise<void> {
    try {
      await (await this.db()).delete('checkpoints', name);
    } catch (error) {
      throw storageError(error, 'deleting a checkpoint');
    }
  }

  async snapshot(): Promise<StoreSnapshot> {
    try {
      const db = await this.db();
      const tx = db.transaction(['events', 'catalog', 'checkpoints'], 'readonly');
      const [events, catalog, checkpoints] = await Promise.all([
        tx.objectStore('events').getAll(),
        tx.objectStore('catalog').get('current').then(fromStoredCatalog),
        tx.objectStore('checkpoints').getAll(),
      ]);
      await tx.done;
      return { events, catalogCache: catalog ?? null, checkpoints };
    } catch (error) {
      throw storageError(error, 'exporting');
    }
  }

  async forget(): Promise<void> {
    const opening = this.opening;
    this.opening = null;
    await opening?.then((db) => db.close()).catch(() => undefined);
    this.resetAfterForget();
    try {
      await deleteDB(this.name);
    } catch (error) {
      throw storageError(error, 'deleting the database');
    }
  }

  /** A new database numbers its events from 1 again. */
  resetAfterForget(): void {
    this.keptFromSeq = 0;
    this.prunedForQuota = 0;
  }

  close(): void {
    const opening = this.opening;
    this.opening = null;
    // Closing a database that failed to open is a no-op.
    opening?.then((db) => db.close()).catch(() => undefined);
  }
}

/**
 * The catalog copy is stored with its items as one JSON string: reading 100k items back as
 * structured-clone objects took ~0.25 s of a warm start, JSON.parse of the same text ~0.1 s.
 * Copies stored as objects by earlier versions are read as they are.
 */
function toStoredCatalog(record: CatalogCacheRecord): StoredCatalogRecord {
  const { items, ...rest } = record;
  return { ...rest, itemsJson: JSON.stringify(items) };
}

function fromStoredCatalog(stored: unknown): CatalogCacheRecord | undefined {
  if (!stored || typeof stored !== 'object') return undefined;
  const { itemsJson, ...rest } = stored as Partial<StoredCatalogRecord> & Partial<CatalogCacheRecord>;
  if (typeof itemsJson !== 'string') return stored as CatalogCacheRecord;
  try {
    return { ...(rest as Omit<CatalogCacheRecord, 'items'>), items: JSON.parse(itemsJson) as CatalogCacheRecord['items'] };
  } catch {
    return undefined; // a damaged copy is no copy
  }
}
