import type { StoredEvent } from '../shared/types';

/**
 * The shopper's history as the engine sees it: stored events ordered by `seq`, each once, at most
 * `maxEvents` of them (oldest dropped first), mirroring what the store holds.
 */
export class EventHistory {
  private events: StoredEvent[] = [];
  private readonly seen = new Set<number>();

  constructor(private readonly maxEvents: number) {}

  replace(events: readonly StoredEvent[]): void {
    this.events = [];
    this.seen.clear();
    for (const event of events) this.add(event);
  }

  /** Adds a stored event (from this tab or another); ignores one already present. */
  add(event: StoredEvent): void {
    if (this.seen.has(event.seq)) return;
    this.seen.add(event.seq);
    const last = this.events.at(-1);
    if (!last || last.seq < event.seq) this.events.push(event);
    else this.events.splice(this.events.findIndex((e) => e.seq > event.seq), 0, event);
    if (this.events.length > this.maxEvents) this.dropBelow(this.events[this.events.length - this.maxEvents]!.seq);
  }

  /** Forgets every event with a seq below `floor` (the store pruned them). */
  dropBelow(floor: number): void {
    if ((this.events[0]?.seq ?? floor) >= floor) return;
    const keep = this.events.findIndex((e) => e.seq >= floor);
    const dropped = keep === -1 ? this.events : this.events.slice(0, keep);
    for (const event of dropped) this.seen.delete(event.seq);
    this.events = keep === -1 ? [] : this.events.slice(keep);
  }

  clear(): void {
    this.events = [];
    this.seen.clear();
  }

  list(): readonly StoredEvent[] {
    return this.events;
  }

  get size(): number {
    return this.events.length;
  }
}
