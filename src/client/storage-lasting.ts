import type { RecommenderStatus } from '../shared/status';

// Loaded only when a store asks for lasting storage (`storage.requestPersistence` /
// `storage.detectEviction`): StorageManager.persist() exists on the page, not in workers, and
// cookies are the one thing an eviction of the origin's storage does not take with it.

const cookieName = (dbName: string): string => `localrec-history-${encodeURIComponent(dbName)}`;

function hasMark(dbName: string): boolean {
  return document.cookie.split('; ').some((c) => c === `${cookieName(dbName)}=1`);
}

/** Marks (or, with `on` false, unmarks) that this browser holds a history for `dbName`. */
function markHistory(dbName: string, on: boolean): void {
  const age = on ? 400 * 24 * 3600 : 0; // 400 days: the longest lifetime browsers allow
  document.cookie = `${cookieName(dbName)}=${on ? '1' : ''}; max-age=${age}; path=/; SameSite=Strict${location.protocol === 'https:' ? '; Secure' : ''}`;
}

/**
 * Reads whether storage is persistent, asks for it when requested (without waiting: Firefox asks
 * the shopper, and start-up must not hang on their answer), and tells whether a history this
 * browser held is gone (the cookie is there, the events are not).
 */
async function checkLastingStorage(options: { dbName: string; request: boolean; detectEviction: boolean; events: number }): Promise<{ persisted: () => boolean | null; historyLost: boolean }> {
  const storage = typeof navigator !== 'undefined' ? navigator.storage : undefined;
  let persisted: boolean | null = null;
  try {
    // WebKitGTK's persisted() never settles: give it a moment, then report unknown.
    if (storage?.persisted) persisted = await Promise.race([storage.persisted(), new Promise<null>((done) => setTimeout(() => done(null), 500))]);
    if (options.request && storage?.persist && !persisted) {
      storage.persist().then(
        (granted) => (persisted = granted),
        () => undefined,
      );
    }
  } catch {
    persisted = null;
  }
  const historyLost = options.detectEviction && options.events === 0 && hasMark(options.dbName);
  if (historyLost) markHistory(options.dbName, false);
  return { persisted: () => persisted, historyLost };
}

/**
 * Lasting storage for one recommender: checked once at start, then `onReply` adds what only the
 * page knows to every status from the worker and keeps the eviction cookie in step with the history.
 */
export async function lastingStorage(
  dbName: string,
  options: { requestPersistence?: boolean; detectEviction?: boolean },
  events: number,
): Promise<{ onReply(method: string | null, status: RecommenderStatus): RecommenderStatus }> {
  const detectEviction = options.detectEviction === true;
  const checked = await checkLastingStorage({ dbName, request: options.requestPersistence === true, detectEviction, events });
  let marked = false;
  return {
    onReply(method, status) {
      if (detectEviction && (method === 'forget' || (!marked && status.events > 0))) {
        marked = method !== 'forget';
        markHistory(dbName, marked);
      }
      return { ...status, storagePersisted: checked.persisted(), historyLost: checked.historyLost };
    },
  };
}
