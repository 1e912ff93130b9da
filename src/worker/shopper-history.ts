import { deleteDB } from 'idb';
import type { StoredEvent } from '../shared/types';
import type { BehaviourStore, NewEvent } from '../store/behaviour-store';
import { EventHistory } from '../store/event-history';
import { IdbStore, isNewerDatabaseError } from '../store/idb-store';
import { MemoryStore } from '../store/memory-store';
import { TabSync, type TabMessage } from '../store/tab-sync';

/**
 * The shopper's history and where it is kept: IndexedDB (shared with the store's other tabs,
 * which announce their events) or memory only. If a newer localrec in another tab upgrades the
 * database, this tab keeps serving from memory and says so (`note`).
 */
export class ShopperHistory {
  private readonly history: EventHistory;
  private readonly tabs: TabSync | null;
  /** Why storage is not what was asked for, or null. */
  note: string | null = null;

  private constructor(
    private current: BehaviourStore,
    private readonly maxEvents: number,
    /** Another tab erased the history: the engine drops what was made of it. */
    private readonly onForgotten: () => void,
  ) {
    this.history = new EventHistory(maxEvents);
    this.tabs = current.persistent ? new TabSync(current.name, (message) => this.onTabMessage(message)) : null;
  }

  /** Opens the store (nothing is read yet: see load()). */
  static open(options: { dbName: string; maxEvents: number; persist: boolean }, onForgotten: () => void): ShopperHistory {
    const store = options.persist ? new IdbStore(options.dbName, options.maxEvents) : new MemoryStore(options.dbName, options.maxEvents);
    return new ShopperHistory(store, options.maxEvents, onForgotten);
  }

  /** The store behind the history (catalog cache, checkpoints and packs live there too). */
  get store(): BehaviourStore {
    return this.current;
  }

  /** Reads the stored events. @throws LocalrecError STORAGE_FAILED */
  async load(): Promise<void> {
    try {
      this.history.replace(await this.current.listEvents());
    } catch (error) {
      if (!isNewerDatabaseError(error)) throw error;
      this.moveToMemory();
    }
  }

  /** The history as stored, oldest first (without what the store pruned for quota). */
  events(): readonly StoredEvent[] {
    this.history.dropBelow(this.current.keptFromSeq);
    return this.history.list();
  }

  /** Stores one event and announces it to the other tabs. @throws LocalrecError STORAGE_FAILED | QUOTA_EXCEEDED */
  async add(event: NewEvent): Promise<StoredEvent> {
    let stored: StoredEvent;
    try {
      stored = await this.current.addEvent(event);
    } catch (error) {
      if (!isNewerDatabaseError(error)) throw error;
      this.moveToMemory();
      stored = await this.current.addEvent(event);
    }
    this.history.add(stored);
    this.tabs?.publish({ kind: 'event', event: stored });
    return stored;
  }

  /** Erases the history, caches and the database, here and in the other tabs. */
  async forget(): Promise<void> {
    await this.current.forget();
    // Also the database a newer tab upgraded, if this tab had to step aside from it.
    if (this.note) await deleteDB(this.current.name).catch(() => undefined);
    this.history.clear();
    this.tabs?.publish({ kind: 'forget' });
  }

  close(): void {
    this.current.close();
    this.tabs?.close();
  }

  private onTabMessage(message: TabMessage): void {
    if (message.kind === 'event') {
      this.history.add(message.event);
      return;
    }
    this.history.clear();
    this.current.resetAfterForget();
    this.onForgotten();
  }

  private moveToMemory(): void {
    this.current.close();
    this.current = new MemoryStore(this.current.name, this.maxEvents, this.events());
    this.note = 'A newer version of this store upgraded the database in another tab; this tab keeps new events in memory until it is reloaded.';
  }
}
