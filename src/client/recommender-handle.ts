import { REMOTE_METHODS, type Recommender, type RemoteMethod } from '../shared/contract';
import { LocalrecError } from '../shared/errors';
import type { RecommenderStatus } from '../shared/status';

/** What changed, for `onChange` listeners: the method whose call changed what recommend() returns. */
export interface RecommenderChange {
  method: RemoteMethod;
}

/** The page's handle: the contract, plus what only the page has. */
export interface LocalRecommender extends Recommender {
  /**
   * Calls `listener` after every call that changes what recommend() returns (track, a tracked
   * search, updateCatalog, train, fineTune, fineTuneReasons, forget), e.g. to refresh a widget.
   * @returns a function that removes the listener
   * @example const off = rec.onChange(() => refreshPanel()); // later: off();
   */
  onChange(listener: (change: RecommenderChange) => void): () => void;
}

/**
 * What createRecommender() returns at once: a promise of the ready recommender that can already
 * be used. Calls made before start-up ends wait for it (no first click is lost); `dispose()`
 * stops it even while it starts (a React StrictMode effect cleanup); `status()` needs it ready
 * (NOT_READY before).
 */
export type StartingRecommender = Promise<LocalRecommender> & LocalRecommender;

/** Where a handle's calls go: the worker (createRecommender) or an engine in this thread (localrec/testing). */
export interface HandleBackend {
  /** Resolves with the first status once the recommender is ready. */
  boot: Promise<RecommenderStatus>;
  /** One method call; resolves with its value and the status after it. */
  call(method: RemoteMethod, args: unknown[]): Promise<{ value: unknown; status: RecommenderStatus }>;
  /** Stops it; `started`: whether boot had resolved. Later and pending calls reject with DISPOSED. */
  dispose(started: boolean): void;
  /** Whether it already stopped (disposed, or it died). */
  isStopped(): boolean;
}

/** Whether this call changed what recommend() returns (so onChange listeners hear of it). */
function changesRecommendations(method: RemoteMethod, args: unknown[]): boolean {
  if (method === 'search') return (args[1] as { track?: unknown } | undefined)?.track === true;
  return method === 'track' || method === 'updateCatalog' || method === 'train' || method === 'fineTune' || method === 'fineTuneReasons' || method === 'forget';
}

/** The handle createRecommender() returns, over either backend: calls wait for boot, onChange, dispose. */
export function recommenderHandle(backend: HandleBackend): StartingRecommender {
  const listeners = new Set<(change: RecommenderChange) => void>();
  let status: RecommenderStatus | null = null;
  const boot = backend.boot.then((first) => {
    status = first;
  });
  const forward = (method: RemoteMethod) => async (...args: unknown[]): Promise<unknown> => {
    await boot;
    const reply = await backend.call(method, args);
    status = reply.status;
    if (changesRecommendations(method, args)) {
      for (const listener of [...listeners]) {
        try {
          listener({ method });
        } catch (error) {
          // A listener's bug must not fail the call that succeeded.
          queueMicrotask(() => {
            throw error;
          });
        }
      }
    }
    return reply.value;
  };
  const methods = Object.fromEntries(REMOTE_METHODS.map((method) => [method, forward(method)])) as Pick<Recommender, RemoteMethod>;
  const handle: LocalRecommender = {
    ...methods,
    status: () => {
      if (!status) throw new LocalrecError('NOT_READY', 'status() is known once the recommender is ready: await it (or any call on it) first.');
      return structuredClone(status);
    },
    onChange(listener) {
      if (typeof listener !== 'function') throw new LocalrecError('INVALID_ARGUMENT', 'onChange() takes a function.');
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    dispose() {
      listeners.clear();
      if (backend.isStopped()) return;
      // Disposed while starting (a StrictMode effect cleanup): that rejection is expected.
      if (!status) ready.catch(() => undefined);
      backend.dispose(status !== null);
    },
  };
  const ready: Promise<LocalRecommender> = boot.then(() => handle);
  return Object.assign(ready, handle);
}
