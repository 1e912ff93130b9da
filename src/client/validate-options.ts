import type { EngineConfig } from '../worker/engine-config';
import { LocalrecError } from '../shared/errors';
import type { BackendPreference, RecommenderOptions } from '../shared/types';

const BACKENDS: readonly BackendPreference[] = ['auto', 'webgpu', 'webgl', 'wasm', 'cpu'];

function absoluteUrl(value: string | URL, what: string): string {
  try {
    // Relative URLs mean "relative to the page", but the worker resolves against its own URL.
    const base = typeof document !== 'undefined' ? document.baseURI : undefined;
    return new URL(String(value), base).href;
  } catch {
    throw new LocalrecError('INVALID_OPTIONS', `${what} is not a valid URL.`);
  }
}

/**
 * Checks options on the page, before a worker is started, and turns them into the engine's
 * plain-data config.
 * @throws LocalrecError INVALID_OPTIONS | CATALOG_INVALID
 */
export function toEngineConfig(options: RecommenderOptions): EngineConfig {
  if (typeof options !== 'object' || options === null) {
    throw new LocalrecError('INVALID_OPTIONS', 'createRecommender() takes an options object.');
  }
  const { catalog, backend = 'auto', storage = {} } = options;
  let catalogSource: EngineConfig['catalog'];
  if (Array.isArray(catalog)) catalogSource = catalog;
  else if (typeof catalog === 'string' || catalog instanceof URL) catalogSource = absoluteUrl(catalog, 'options.catalog');
  else throw new LocalrecError('CATALOG_INVALID', 'options.catalog must be an array of items or a URL.');

  if (!BACKENDS.includes(backend)) {
    throw new LocalrecError('INVALID_OPTIONS', `options.backend must be one of ${BACKENDS.join(', ')}.`);
  }
  const { dbName = 'localrec', maxEvents = 50_000, persist = true } = storage;
  if (typeof dbName !== 'string' || dbName === '' || dbName.length > 100) {
    throw new LocalrecError('INVALID_OPTIONS', 'storage.dbName must be a non-empty string of at most 100 characters.');
  }
  if (!Number.isInteger(maxEvents) || maxEvents < 1) {
    throw new LocalrecError('INVALID_OPTIONS', 'storage.maxEvents must be a positive integer.');
  }
  if (typeof persist !== 'boolean') throw new LocalrecError('INVALID_OPTIONS', 'storage.persist must be a boolean.');
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') {
    throw new LocalrecError('INVALID_OPTIONS', 'options.onProgress must be a function.');
  }
  let models: string | undefined;
  if (options.models !== undefined) {
    if (typeof options.models !== 'string' && !(options.models instanceof URL)) throw new LocalrecError('INVALID_OPTIONS', 'options.models must be a URL.');
    models = absoluteUrl(options.models, 'options.models');
  }
  let reasons: string | undefined;
  if (options.reasons !== undefined) {
    if (typeof options.reasons !== 'string' && !(options.reasons instanceof URL)) throw new LocalrecError('INVALID_OPTIONS', 'options.reasons must be a URL.');
    reasons = absoluteUrl(options.reasons, 'options.reasons');
  }
  const integrity = options.integrity ?? {};
  if (typeof integrity !== 'object' || integrity === null) throw new LocalrecError('INVALID_OPTIONS', 'options.integrity must be { models?, reasons? }.');
  // Their form (sha256-…) is checked in the worker (checkIntegrityOptions), to keep this loader small.
  if (![integrity.models, integrity.reasons].every((v) => v === undefined || typeof v === 'string')) throw new LocalrecError('INVALID_OPTIONS', 'options.integrity values must be strings.');
  return {
    catalog: catalogSource,
    backend,
    dbName,
    maxEvents,
    persist,
    ...(models ? { models } : {}),
    ...(reasons ? { reasons } : {}),
    ...(integrity.models ? { modelsIntegrity: integrity.models } : {}),
    ...(integrity.reasons ? { reasonsIntegrity: integrity.reasons } : {}),
  };
}
