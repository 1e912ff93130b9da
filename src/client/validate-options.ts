import type { EngineConfig } from '../shared/engine-config';
import { LocalrecError } from '../shared/errors';
import type { BackendPreference, RecommenderOptions } from '../shared/types';

const BACKENDS: readonly BackendPreference[] = ['auto', 'webgpu', 'webgl', 'wasm', 'cpu'];

function absoluteUrl(value: string | URL, what: string): string {
  try {
    // Relative URLs mean "relative to the page", but the worker resolves against its own URL.
    const base = typeof document !== 'undefined' ? document.baseURI : undefined;
    return new URL(String(value), base).href;
  } catch {
    return invalid(`${what} is not a valid URL.`);
  }
}

const invalid = (message: string): never => {
  throw new LocalrecError('INVALID_OPTIONS', message);
};

/** A pack URL option (`models`, `reasons`), absolute, or undefined. */
function packUrl(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' && !(value instanceof URL)) invalid(`options.${name} must be a URL.`);
  return absoluteUrl(value as string, `options.${name}`);
}

/**
 * Checks options on the page, before a worker is started, and turns them into the engine's
 * plain-data config.
 * @throws LocalrecError INVALID_OPTIONS | CATALOG_INVALID
 */
export function toEngineConfig(options: RecommenderOptions): EngineConfig {
  if (typeof options !== 'object' || options === null) invalid('createRecommender() takes an options object.');
  const { catalog, backend = 'auto', storage = {}, integrity = {} } = options;
  let catalogSource: EngineConfig['catalog'];
  if (Array.isArray(catalog)) catalogSource = catalog;
  else if (typeof catalog === 'string' || catalog instanceof URL) catalogSource = absoluteUrl(catalog, 'options.catalog');
  else throw new LocalrecError('CATALOG_INVALID', 'options.catalog must be an array of items or a URL.');

  if (!BACKENDS.includes(backend)) invalid(`options.backend must be one of ${BACKENDS.join(', ')}.`);
  const { dbName = 'localrec', maxEvents = 50_000, persist = true } = storage;
  if (typeof dbName !== 'string' || dbName === '' || dbName.length > 100) invalid('storage.dbName must be a string of 1–100 characters.');
  if (!Number.isInteger(maxEvents) || maxEvents < 1) invalid('storage.maxEvents must be a positive integer.');
  for (const flag of ['persist', 'requestPersistence', 'detectEviction'] as const) {
    if (storage[flag] !== undefined && typeof storage[flag] !== 'boolean') invalid(`storage.${flag} must be a boolean.`);
  }
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') invalid('options.onProgress must be a function.');
  const budget = options.memoryBudgetMB;
  if (budget !== undefined && !(typeof budget === 'number' && Number.isFinite(budget) && budget > 0)) invalid('options.memoryBudgetMB must be a positive number of megabytes.');
  const models = packUrl(options.models, 'models');
  const reasons = packUrl(options.reasons, 'reasons');
  // Their form (sha256-…) is checked in the worker (checkIntegrityOptions), to keep this loader small.
  if (typeof integrity !== 'object' || integrity === null || ![integrity.models, integrity.reasons].every((v) => v === undefined || typeof v === 'string')) {
    invalid('options.integrity must be { models?, reasons? } with string values.');
  }
  return {
    catalog: catalogSource,
    backend,
    dbName,
    maxEvents,
    persist,
    ...(models ? { models } : {}),
    ...(budget !== undefined ? { memoryBudgetMB: budget } : {}),
    ...(reasons ? { reasons } : {}),
    ...(integrity.models ? { modelsIntegrity: integrity.models } : {}),
    ...(integrity.reasons ? { reasonsIntegrity: integrity.reasons } : {}),
  };
}
