import { LocalrecError } from '../../shared/errors';
import type { RecommenderStatus } from '../../shared/types';
import type { BehaviourStore } from '../../store/behaviour-store';
import { CollaborativeModel } from '../collaborative-model';
import { dropCachedPack, fetchPackFiles } from './pack-source';
import { decodePack } from './vae-pack';

export type ModelReport = RecommenderStatus['model'];

/**
 * Loads the store's model pack, if it ships one. A pack that cannot be fetched or decoded does
 * not stop the recommender: it runs on its content model and `status().model.error` says why
 * (with a stable code). A corrupted cached copy is dropped and downloaded again at once
 * (`status().model.cacheError` says so).
 */
export async function loadCollaborativeModel(
  url: string | undefined,
  store: BehaviourStore,
  rowById: ReadonlyMap<string, number>,
  catalogSize: number,
): Promise<{ collaborative: CollaborativeModel | null; report: ModelReport }> {
  const report: ModelReport = { pack: url ?? null, source: null, coveredItems: 0, error: null, cacheError: null };
  if (url === undefined) return { collaborative: null, report };
  try {
    let fetched = await fetchPackFiles(url, store);
    let pack;
    try {
      pack = decodePack(fetched.files);
    } catch (error) {
      await dropCachedPack(url, store);
      if (fetched.source !== 'cache') throw new LocalrecError('MODEL_INVALID', `The model pack is corrupted: ${(error as Error).message}`);
      // The IndexedDB copy is damaged: rejected, and rebuilt from the network now.
      report.cacheError = { code: 'MODEL_INVALID', message: `The cached model pack was corrupted and was downloaded again: ${(error as Error).message}` };
      fetched = await fetchPackFiles(url, store);
      try {
        pack = decodePack(fetched.files);
      } catch (again) {
        await dropCachedPack(url, store);
        throw new LocalrecError('MODEL_INVALID', `The model pack is corrupted: ${(again as Error).message}`);
      }
    }
    report.source = fetched.source;
    const collaborative = CollaborativeModel.fromPack(pack, rowById, catalogSize);
    report.coveredItems = collaborative.covered;
    return { collaborative, report };
  } catch (error) {
    const typed = error instanceof LocalrecError ? error : new LocalrecError('MODEL_INVALID', String(error));
    if (typed.code === 'MODEL_INVALID') await dropCachedPack(url, store);
    report.error = { code: typed.code, message: typed.message };
    return { collaborative: null, report };
  }
}
