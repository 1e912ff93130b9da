import type { ExportedData } from '../shared/status';
import type { BehaviourStore } from './behaviour-store';

/** Everything `store` holds for this shopper, as plain JSON (`exportData()`). */
export async function exportData(store: BehaviourStore): Promise<ExportedData> {
  const snapshot = await store.snapshot();
  return {
    format: 'localrec-export',
    version: 2,
    exportedAt: new Date().toISOString(),
    dbName: store.name,
    events: snapshot.events,
    catalogCache: snapshot.catalogCache
      ? { source: snapshot.catalogCache.source, fingerprint: snapshot.catalogCache.fingerprint, items: snapshot.catalogCache.items }
      : null,
    checkpoints: snapshot.checkpoints.map((c) => ({ name: c.name, savedAt: c.savedAt })),
  };
}
