/**
 * Every error localrec throws is a LocalrecError with a stable `code` from this table, on both
 * sides of the worker (see error-transfer.ts).
 */
export const ERROR_CODES = {
  INVALID_OPTIONS: 'The options passed are invalid.',
  CATALOG_INVALID: 'The catalog is not an array of items or a URL of one.',
  CATALOG_EMPTY: 'The catalog holds no valid item.',
  CATALOG_FETCH_FAILED: 'The catalog URL could not be loaded.',
  UNKNOWN_ITEM: 'No catalog item has this id.',
  INVALID_EVENT: 'The event is malformed.',
  INVALID_ARGUMENT: 'An argument has the wrong type or value.',
  STORAGE_FAILED: 'IndexedDB refused the operation.',
  QUOTA_EXCEEDED: 'The browser storage quota is exhausted.',
  BACKEND_UNAVAILABLE: 'No TensorFlow.js backend could be initialised.',
  BACKEND_LOST: 'The GPU device was lost (driver reset, GPU removed or out of memory).',
  MODEL_FETCH_FAILED: 'The model pack could not be loaded.',
  MODEL_INVALID: 'The model pack is corrupted or of an unsupported version.',
  MODEL_TOO_LARGE: "The model pack needs more memory than the recommender's memory budget.",
  CATALOG_TOO_LARGE: "The catalog needs more memory than the recommender's memory budget.",
  TRAINING_IN_PROGRESS: 'A training run is already going on.',
  NO_MODEL: 'This needs a trained model (a model pack or train()).',
  WORKER_FAILED: 'The worker could not be started.',
  WORKER_TERMINATED: 'The worker stopped before answering.',
  DISPOSED: 'The recommender was disposed.',
  NOT_READY: 'The recommender is still starting: await it (or a call on it) first.',
  INTERNAL: 'An unexpected internal error.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/**
 * A typed localrec error.
 * @example
 * try { await rec.track({ type: 'view', itemId: 'nope' }); }
 * catch (e) { if (e instanceof LocalrecError && e.code === 'UNKNOWN_ITEM') { ... } }
 */
export class LocalrecError extends Error {
  readonly code: ErrorCode;
  /** Extra plain-data context (e.g. the offending id). */
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message?: string, details?: Record<string, unknown>) {
    super(message ?? ERROR_CODES[code]);
    this.name = 'LocalrecError';
    this.code = code;
    this.details = details;
  }
}

export function isLocalrecError(value: unknown): value is LocalrecError {
  return value instanceof LocalrecError;
}

/** Wraps anything thrown into a LocalrecError, keeping an existing code. */
export function toLocalrecError(value: unknown, fallback: ErrorCode = 'INTERNAL'): LocalrecError {
  if (value instanceof LocalrecError) return value;
  if (value instanceof Error) {
    if (value.name === 'QuotaExceededError') return new LocalrecError('QUOTA_EXCEEDED', value.message);
    return new LocalrecError(fallback, value.message);
  }
  return new LocalrecError(fallback, String(value));
}

/** A short, safe description of an untrusted value for error messages (never throws). */
export function describeValue(value: unknown, max = 100): string {
  if (typeof value === 'string') return JSON.stringify(value.slice(0, max));
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return String(value);
  return Array.isArray(value) ? 'an array' : `a value of type ${typeof value}`;
}
