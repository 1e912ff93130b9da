import { LocalrecError } from '../shared/errors';
import type { CatalogReport, Item } from '../shared/types';
import type { BehaviourStore } from '../store/behaviour-store';
import { catalogFingerprint, normalizeCatalog } from './normalize-catalog';

export interface LoadedCatalog {
  items: Item[];
  report: CatalogReport;
  fingerprint: string;
}

/** Parses `items.json` (a JSON array) or `items.jsonl` (one object a line; bad lines count as bad rows). */
export function parseCatalogText(text: string): unknown[] {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (error) {
      throw new LocalrecError('CATALOG_INVALID', `The catalog is not valid JSON: ${(error as Error).message}`);
    }
    if (!Array.isArray(parsed)) throw new LocalrecError('CATALOG_INVALID', 'The catalog JSON is not an array.');
    return parsed;
  }
  const rows: unknown[] = [];
  for (const line of trimmed.split('\n')) {
    if (line.trim() === '') continue;
    try {
      rows.push(JSON.parse(line));
    } catch {
      rows.push(undefined); // counted as notAnObject by normalizeCatalog
    }
  }
  return rows;
}

async function fetchCatalogRows(url: string): Promise<unknown[]> {
  let response: Response;
  try {
    // The catalog is public store data; the request carries nothing about the shopper.
    response = await fetch(url, { credentials: 'same-origin' }); // catalog URL only
  } catch (error) {
    throw new LocalrecError('CATALOG_FETCH_FAILED', `Fetching the catalog failed: ${(error as Error).message}`, { url });
  }
  if (!response.ok) {
    throw new LocalrecError('CATALOG_FETCH_FAILED', `Fetching the catalog gave HTTP ${response.status}.`, { url });
  }
  return parseCatalogText(await response.text());
}

/**
 * Loads the catalog from an array or a URL, validates every row, and keeps a copy in the store so
 * that a later start works even when the URL cannot be reached.
 */
export async function loadCatalog(source: unknown, store: BehaviourStore): Promise<LoadedCatalog> {
  let rows: unknown[];
  let origin: CatalogReport['source'];
  if (Array.isArray(source)) {
    rows = source;
    origin = 'array';
  } else if (typeof source === 'string') {
    try {
      rows = await fetchCatalogRows(source);
      origin = 'url';
    } catch (error) {
      const cached = error instanceof LocalrecError && error.code === 'CATALOG_FETCH_FAILED'
        ? await store.getCatalogCache().catch(() => undefined)
        : undefined;
      if (!cached || cached.source !== source) throw error;
      rows = cached.items;
      origin = 'cache';
    }
  } else {
    throw new LocalrecError('CATALOG_INVALID', 'options.catalog must be an array of items or a URL.');
  }

  const { items, report } = normalizeCatalog(rows);
  if (items.length === 0) {
    throw new LocalrecError('CATALOG_EMPTY', `The catalog holds no valid item (${report.rows} rows read).`, {
      skipped: report.skipped,
    });
  }
  const fingerprint = catalogFingerprint(items);
  let cached = origin === 'cache';
  if (origin === 'url') {
    // Best effort: a full quota must not stop the store from working, so a refusal is reported
    // in status().catalog.cached instead of thrown.
    try {
      // The stamp, not the cached items: reading 100k items back only to compare took ~0.2 s.
      const previous = await store.getCatalogStamp();
      if (previous?.fingerprint !== fingerprint || previous.source !== source) {
        await store.putCatalogCache({ key: 'current', source: source as string, fingerprint, items, savedAt: Date.now() });
      }
      cached = true;
    } catch {
      cached = false;
    }
  }
  return { items, fingerprint, report: { ...report, source: origin, cached } };
}
