import { LocalrecError } from '../shared/errors';
import type { ModelPack } from '../models/packs/vae-pack';
import { defaultDims } from '../models/content/content-model';
import { NormalFloatMatrix } from '../models/packs/normal-float';
import { DeltaVarintMatrix } from '../models/packs/delta-varint';

const MB = 2 ** 20;

/**
 * The worker's memory budget for the catalog's vectors and the model pack: the store's
 * `memoryBudgetMB`, else an eighth of the device's memory (`navigator.deviceMemory`, in GB, which
 * Chromium reports rounded and capped at 8), else 1 GB. Past it the worker would risk the tab's
 * memory limit; a typed error and the content model are better than a crashed page.
 */
export function memoryBudgetBytes(configured: number | undefined): number {
  if (configured !== undefined) return configured * MB;
  const device = (globalThis.navigator as { deviceMemory?: number } | undefined)?.deviceMemory;
  return typeof device === 'number' && device > 0 ? (device * 1024 * MB) / 8 : 1024 * MB;
}

/** Bytes a catalog takes once served: its content vectors plus ~1 KB per item of text, index and ids. */
export function catalogBytes(items: number, dims = defaultDims(items)): number {
  return items * (dims * 4 + 1024);
}

/** Bytes a decoded pack takes on the backend and in the worker (float32/int32 tensors). */
export function packBytesInMemory(pack: ModelPack): number {
  let bytes = 0;
  // Coded tensors (the first layer, the neighbour lists) stay their coded size until something
  // needs them whole; a coded dec/w2 is decoded just after start, so it counts decoded.
  for (const t of pack.tensors) {
    const coded = t.data instanceof NormalFloatMatrix || t.data instanceof DeltaVarintMatrix;
    bytes += coded && t.name !== 'dec/w2' ? t.data.byteLength : t.shape.reduce((a, b) => a * b, 1) * 4;
  }
  return bytes + pack.items.length * 64;
}

const mb = (bytes: number): string => `${Math.ceil(bytes / MB)} MB`;

/** @throws LocalrecError CATALOG_TOO_LARGE */
export function checkCatalogFits(items: number, budget: number, dims?: number): void {
  const need = catalogBytes(items, dims);
  if (need > budget) {
    throw new LocalrecError('CATALOG_TOO_LARGE', `The catalog of ${items} items needs about ${mb(need)}; the memory budget is ${mb(budget)} (options.memoryBudgetMB).`, { items, bytes: need, budget });
  }
}

/** @throws LocalrecError MODEL_TOO_LARGE */
export function checkPackFits(pack: ModelPack, budget: number): void {
  const need = packBytesInMemory(pack);
  if (need > budget) {
    throw new LocalrecError('MODEL_TOO_LARGE', `The model pack (${pack.items.length} items) needs about ${mb(need)}; ${mb(budget)} of the memory budget is left after the catalog (options.memoryBudgetMB).`, {
      items: pack.items.length,
      bytes: need,
      budget,
    });
  }
}
