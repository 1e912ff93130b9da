import { describeValue, LocalrecError } from '../shared/errors';
import type { CatalogUpdate, CatalogUpdateReport, Item } from '../shared/types';
import { normalizeCatalog } from './normalize-catalog';

/**
 * The catalog after `update`: rows of `add` checked like the initial catalog (unusable rows
 * skipped and counted), same ids replaced, `remove` ids taken out. Nothing is changed in place.
 * @throws LocalrecError INVALID_ARGUMENT (bad shape) | CATALOG_EMPTY (nothing would be left)
 */
export function mergeCatalog(items: readonly Item[], update: CatalogUpdate): { items: Item[]; report: Omit<CatalogUpdateReport, 'coveredItems'> } {
  if (typeof update !== 'object' || update === null) throw new LocalrecError('INVALID_ARGUMENT', 'updateCatalog() takes { add?: Item[], remove?: string[] }.');
  const { add = [], remove = [] } = update;
  if (!Array.isArray(add)) throw new LocalrecError('INVALID_ARGUMENT', 'add must be an array of items.', { add: describeValue(add) });
  if (!Array.isArray(remove) || remove.some((id) => typeof id !== 'string')) {
    throw new LocalrecError('INVALID_ARGUMENT', 'remove must be an array of item ids (strings).', { remove: describeValue(remove) });
  }
  const normalized = normalizeCatalog(add);
  const byId = new Map(items.map((item) => [item.id, item]));
  let removed = 0;
  let notFound = 0;
  for (const id of new Set(remove)) {
    if (byId.delete(id)) removed++;
    else notFound++;
  }
  let added = 0;
  let replaced = 0;
  for (const item of normalized.items) {
    if (byId.has(item.id)) replaced++;
    else added++;
    byId.set(item.id, item);
  }
  const merged = [...byId.values()];
  if (merged.length === 0) throw new LocalrecError('CATALOG_EMPTY', 'The update would leave no item in the catalog; nothing was changed.');
  return {
    items: merged,
    report: {
      added,
      replaced,
      removed,
      notFound,
      skipped: normalized.report.skipped,
      droppedFields: normalized.report.droppedFields,
      truncatedFields: normalized.report.truncatedFields,
      size: merged.length,
    },
  };
}
