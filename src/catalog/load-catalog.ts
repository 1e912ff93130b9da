import { LocalrecError } from '../shared/errors';
import type { CatalogReport, Item } from '../shared/types';
import type { BehaviourStore } from '../store/behaviour-store';
import type { CatalogCacheRecord, CatalogStampRecord, CatalogValidators } from '../store/schema';
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

/**
 * Bump when normalizeCatalog's output for the same rows changes: copies made by another version
 * are parsed afresh instead of reused.
 */
export const NORMALISER_VERSION = 1;

async function fetchCatalog(url: string): Promise<Response> {
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
  return response;
}

function validatorsOf(response: Response): CatalogValidators {
  return { etag: response.headers.get('etag'), lastModified: response.headers.get('last-modified'), contentLength: response.headers.get('content-length') };
}

function hasValidators(v: CatalogValidators): boolean {
  return v.etag !== null || (v.lastModified !== null && v.contentLength !== null);
}

/**
 * Whether two responses are the same file by their validators: the same ETag, or (without one)
 * the same Last-Modified and Content-Length, as HTTP caches decide.
 */
export function sameCatalogFile(a: CatalogValidators | undefined, b: CatalogValidators): boolean {
  if (!a || !hasValidators(b)) return false;
  if (a.etag !== null || b.etag !== null) return a.etag === b.etag;
  return a.lastModified !== null && a.lastModified === b.lastModified && a.contentLength !== null && a.contentLength === b.contentLength;
}

/** The stamp and copy of the catalog in IndexedDB, read while the URL is fetched. */
interface SavedCopy {
  stamp: Promise<Omit<CatalogStampRecord, 'key'> | undefined>;
  copy: Promise<CatalogCacheRecord | undefined>;
}

/**
 * Starts reading the IndexedDB copy of the catalog at `url` (only when its stamp names that URL):
 * the read overlaps the fetch instead of following it (~0.1 s at 100k items). Never rejects.
 * `issued` is called once the copy's read is asked for, or known not to be needed.
 */
function readSavedCopy(url: string, store: BehaviourStore, issued: () => void): SavedCopy {
  const stamp = store.getCatalogStamp().catch(() => undefined);
  const copy = stamp.then((s) => {
    const read = s?.source === url && s.validators && hasValidators(s.validators) ? store.getCatalogCache().catch(() => undefined) : undefined;
    issued();
    return read;
  });
  return { stamp, copy };
}

/**
 * The IndexedDB copy of the catalog at `url`, when the response in hand is the same file as the
 * one it was made from (same validators, same normaliser) and the copy reads back whole; else null.
 */
async function reusableCopy(url: string, response: Response, saved: SavedCopy): Promise<{ items: Item[]; report: NonNullable<CatalogStampRecord['report']>; fingerprint: string } | null> {
  const stamp = await saved.stamp;
  if (!stamp || stamp.source !== url || stamp.normaliser !== NORMALISER_VERSION || !stamp.report || !sameCatalogFile(stamp.validators, validatorsOf(response))) return null;
  const copy = await saved.copy;
  if (!copy || copy.source !== url || copy.fingerprint !== stamp.fingerprint || !Array.isArray(copy.items) || copy.items.length !== stamp.report.size) return null;
  // The copy holds normalised items; a damaged one is parsed afresh from the body instead.
  if (!copy.items.every((item) => typeof item === 'object' && item !== null && typeof item.id === 'string' && typeof item.title === 'string')) return null;
  return { items: copy.items, report: stamp.report, fingerprint: copy.fingerprint };
}

export interface CatalogLoadOptions {
  /**
   * Called once the catalog's own IndexedDB reads are asked for (at once for an array). The
   * database serves reads in turn: a model pack's copy (tens of MB) asked for first held the
   * catalog's stamp back ~0.15 s at 100k items, and the catalog is needed first.
   */
  readsIssued?: () => void;
}

/**
 * Loads the catalog from an array or a URL, validates every row, and keeps a copy in the store so
 * that a later start works even when the URL cannot be reached. When the URL answers with the
 * same validators as the file the copy was made from, the copy is served and the body is not
 * parsed again (0.45 s of a warm start at 100k items).
 */
export async function loadCatalog(source: unknown, store: BehaviourStore, options: CatalogLoadOptions = {}): Promise<LoadedCatalog> {
  const issued = options.readsIssued ?? (() => undefined);
  if (typeof source !== 'string') issued();
  let rows: unknown[];
  let origin: CatalogReport['source'];
  let validators: CatalogValidators | undefined;
  if (Array.isArray(source)) {
    rows = source;
    origin = 'array';
  } else if (typeof source === 'string') {
    const saved = readSavedCopy(source, store, issued);
    try {
      const response = await fetchCatalog(source);
      const copy = await reusableCopy(source, response, saved);
      if (copy) {
        void response.body?.cancel().catch(() => undefined);
        return { items: copy.items, fingerprint: copy.fingerprint, report: { ...copy.report, source: 'url', cached: true, reusedCopy: true } };
      }
      validators = validatorsOf(response);
      rows = parseCatalogText(await response.text());
      origin = 'url';
    } catch (error) {
      const cached = error instanceof LocalrecError && error.code === 'CATALOG_FETCH_FAILED'
        ? ((await saved.copy) ?? (await store.getCatalogCache().catch(() => undefined)))
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
      // Written again when the content changed, or the file's validators did (so that the next start can reuse the copy).
      const newValidators = hasValidators(validators!) && !sameCatalogFile(previous?.validators, validators!);
      if (previous?.fingerprint !== fingerprint || previous.source !== source || previous.normaliser !== NORMALISER_VERSION || newValidators) {
        await store.putCatalogCache({ key: 'current', source: source as string, fingerprint, items, savedAt: Date.now() }, { validators, normaliser: NORMALISER_VERSION, report });
      }
      cached = true;
    } catch {
      cached = false;
    }
  }
  return { items, fingerprint, report: { ...report, source: origin, cached, reusedCopy: false } };
}
