import type { StoredEvent } from '../shared/types';
import type { BehaviourStore, NewEvent, StoreSnapshot } from './behaviour-store';
import type { CatalogCacheRecord, CatalogStampRecord, CheckpointRecord } from './schema';

/** `storage: { persist: false }`: the same contract as IndexedDB, held in this worker's memory. */
export class MemoryStore implements BehaviourStore {
  readonly persistent = false;
  readonly prunedForQuota = 0;
  readonly keptFromSeq = 0;
  private events: StoredEvent[] = [];
  private nextSeq = 1;
  private catalogCache: CatalogCacheRecord | undefined;
  private readonly checkpoints = new Map<string, CheckpointRecord>();

  /** @param seed events to start from (e.g. the history of a database this tab can no longer open). */
  constructor(
    readonly name: string,
    private readonly maxEvents: number,
    seed: readonly StoredEvent[] = [],
  ) {
    this.events = seed.slice(-maxEvents);
    this.nextSeq = (seed.at(-1)?.seq ?? 0) + 1;
  }

  async addEvent(event: NewEvent): Promise<StoredEvent> {
    const stored: StoredEvent = { ...event, seq: this.nextSeq++ };
    this.events.push(stored);
    if (this.events.length > this.maxEvents) this.events.splice(0, this.events.length - this.maxEvents);
    return stored;
  }

  async listEvents(): Promise<StoredEvent[]> {
    return this.events.slice();
  }

  async getCatalogCache(): Promise<CatalogCacheRecord | undefined> {
    return this.catalogCache;
  }

  private catalogStamp: Omit<CatalogStampRecord, 'key'> | undefined;

  async getCatalogStamp(): Promise<Omit<CatalogStampRecord, 'key'> | undefined> {
    return this.catalogStamp;
  }

  async putCatalogCache(record: CatalogCacheRecord, stamp: Pick<CatalogStampRecord, 'validators' | 'normaliser' | 'report'> = {}): Promise<void> {
    this.catalogCache = record;
    this.catalogStamp = { ...stamp, source: record.source, fingerprint: record.fingerprint };
  }

  async getCheckpoint(name: string): Promise<CheckpointRecord | undefined> {
    return this.checkpoints.get(name);
  }

  async putCheckpoint(record: CheckpointRecord): Promise<void> {
    this.checkpoints.set(record.name, record);
  }

  async deleteCheckpoint(name: string): Promise<void> {
    this.checkpoints.delete(name);
  }

  async snapshot(): Promise<StoreSnapshot> {
    return { events: this.events.slice(), catalogCache: this.catalogCache ?? null, checkpoints: [...this.checkpoints.values()] };
  }

  async forget(): Promise<void> {
    this.events = [];
    this.catalogCache = undefined;
    this.catalogStamp = undefined;
    this.checkpoints.clear();
  }

  resetAfterForget(): void {}

  close(): void {}
}
