import type { StoredEvent } from '../shared/types';

export type TabMessage = { kind: 'event'; event: StoredEvent } | { kind: 'forget' };

/**
 * Keeps the tabs of one store in step: every tab's worker writes its own events to the shared
 * IndexedDB and announces them here, so the next recommend() in every tab sees them without a
 * second write. The channel never leaves this browser profile and origin.
 */
export class TabSync {
  private readonly channel: BroadcastChannel | null;

  constructor(dbName: string, onMessage: (message: TabMessage) => void) {
    this.channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(`localrec:${dbName}`);
    if (this.channel) this.channel.onmessage = (event: MessageEvent<TabMessage>) => onMessage(event.data);
  }

  publish(message: TabMessage): void {
    this.channel?.postMessage(message);
  }

  close(): void {
    this.channel?.close();
  }
}
