import { LocalrecError } from '../../shared/errors';
import type { PackReport } from '../../shared/status';
import type { BehaviourStore } from '../../store/behaviour-store';
import { CollaborativeModel } from '../collaborative-model';
import { dropCachedPack, loadPack, type DownloadProgress, type PackFetchStart } from './pack-source';
import { decodePack } from './vae-pack';
import { checkPackFits } from '../../worker/memory-budget';

/** What status().model says about the pack. */
export type ModelPackReport = PackReport;

/**
 * Loads the store's model pack, if it ships one. A pack that cannot be fetched or decoded does
 * not stop the recommender: it runs on its content model and `status().model.error` says why
 * (with a stable code); so does one larger than `budgetBytes` (MODEL_TOO_LARGE). A corrupted cached copy is dropped and downloaded again at once
 * (`status().model.cacheError` says so).
 */
export async function loadModelPack(
  url: string | undefined,
  store: BehaviourStore,
  rowById: ReadonlyMap<string, number>,
  catalogSize: number,
  integrity?: string,
  budgetBytes = Infinity,
  onDownload?: DownloadProgress,
  started?: PackFetchStart,
): Promise<{ collaborative: CollaborativeModel | null; report: ModelPackReport }> {
  const report: ModelPackReport = { pack: url ?? null, source: null, coveredItems: 0, error: null, cacheError: null, integrity: null };
  if (url === undefined) return { collaborative: null, report };
  try {
    // Serving reads the first encoder layer and the neighbour lists a history's rows at a time: they
    // stay coded; so does the decoder's item layer until the first products (VaeNetwork). A cached
    // copy is decoded while its hashes are computed, and used only once they match.
    const loaded = await loadPack(url, store, 'model pack', (files) => decodePack(files, { coded: true }), integrity, onDownload, started, true);
    report.source = loaded.source;
    report.cacheError = loaded.cacheError;
    report.integrity = loaded.integrity;
    checkPackFits(loaded.value, budgetBytes);
    const collaborative = CollaborativeModel.fromPack(loaded.value, rowById, catalogSize);
    report.coveredItems = collaborative.covered;
    return { collaborative, report };
  } catch (error) {
    const typed = error instanceof LocalrecError ? error : new LocalrecError('MODEL_INVALID', String(error));
    if (typed.code === 'MODEL_INVALID') await dropCachedPack(url, store);
    report.error = { code: typed.code, message: typed.message };
    return { collaborative: null, report };
  }
}

