import type { Item } from '../shared/types';
import type { BehaviourStore } from '../store/behaviour-store';
import { ContentEmbeddings } from '../models/content-ae/content-embeddings';
import type { NamedTensor } from '../models/content-ae/tensor-list';

/** The IndexedDB checkpoint holding the content autoencoder trainContent() trained on this device. */
export const CONTENT_CHECKPOINT = 'content:ae';
const FORMAT = 'localrec-content-ae@1';

/**
 * Above this many items the saved autoencoder is not applied at start-up: embedding the catalog
 * takes seconds there (at 100k items, 100k × 4,096 × 128 multiply-adds), and a start must stay
 * quick. trainContent() itself embeds any size.
 */
export const RESTORE_MAX_ITEMS = 20_000;

interface ContentCheckpoint {
  format: typeof FORMAT;
  tensors: { name: string; shape: number[]; data: Float32Array }[];
  losses: number[];
}

/**
 * Saves the trained weights (catalog text only: nothing about the shopper), so the next visit
 * serves the embeddings without training again. Resolves false when storage refused them.
 */
export async function saveContentEmbeddings(store: BehaviourStore, embeddings: ContentEmbeddings): Promise<boolean> {
  const tensors = (await embeddings.toTensors()).map((t) => ({ name: t.name, shape: [...t.shape], data: Float32Array.from(t.data) }));
  const data: ContentCheckpoint = { format: FORMAT, tensors, losses: [...embeddings.losses] };
  return store.putCheckpoint({ name: CONTENT_CHECKPOINT, savedAt: Date.now(), data }).then(
    () => true,
    () => false,
  );
}

/**
 * The embeddings of `items` from the saved autoencoder, if there is one: null when none was
 * saved or the catalog is too large to embed at start; a damaged or foreign checkpoint is deleted
 * and reported in `rejected` (it is never applied).
 */
export async function restoreContentEmbeddings(store: BehaviourStore, items: readonly Item[]): Promise<{ embeddings: ContentEmbeddings | null; savedAt: number | null; rejected: string | null; skipped: string | null }> {
  const record = await store.getCheckpoint(CONTENT_CHECKPOINT).catch(() => undefined);
  if (!record) return { embeddings: null, savedAt: null, rejected: null, skipped: null };
  if (items.length > RESTORE_MAX_ITEMS) {
    return { embeddings: null, savedAt: record.savedAt, rejected: null, skipped: `the catalog has ${items.length} items; saved embeddings are applied at start-up up to ${RESTORE_MAX_ITEMS} (call trainContent() to embed it)` };
  }
  const data = record.data as Partial<ContentCheckpoint> | null;
  const valid = data?.format === FORMAT && Array.isArray(data.tensors) && data.tensors.every((t) => typeof t?.name === 'string' && Array.isArray(t.shape) && t.data instanceof Float32Array) && Array.isArray(data.losses);
  try {
    if (!valid) throw new Error(`unknown format ${JSON.stringify(data?.format ?? null)}`);
    const embeddings = await ContentEmbeddings.fromTensors(items, data!.tensors as NamedTensor[], data!.losses!.filter((x): x is number => typeof x === 'number'));
    return { embeddings, savedAt: record.savedAt, rejected: null, skipped: null };
  } catch (error) {
    await store.deleteCheckpoint(CONTENT_CHECKPOINT).catch(() => undefined);
    return { embeddings: null, savedAt: null, rejected: `The saved content embeddings were discarded: ${(error as Error).message}.`, skipped: null };
  }
}
