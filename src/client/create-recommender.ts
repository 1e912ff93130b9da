import { proxy } from 'comlink';
import { PROGRESS_METHODS, REMOTE_METHODS, type ProgressPort, type Recommender, type RemoteMethod, type WorkerApi } from '../shared/contract';
import { registerErrorTransfer } from '../shared/error-transfer';
import { LocalrecError } from '../shared/errors';
import type { ProgressEvent, RecommenderOptions } from '../shared/types';
import type { RecommenderStatus } from '../shared/status';
import { newLifeLockName, WorkerConnection } from '../shared/worker-connection';
import { toEngineConfig } from './validate-options';
import { startWorker } from './start-worker';

export type { Recommender };

type LastingStorage = Awaited<ReturnType<typeof import('./storage-lasting').lastingStorage>>;

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

/** train()'s interactions URL is relative to the page, but the worker resolves URLs against its own. */
function resolveArguments(method: RemoteMethod, args: unknown[]): unknown[] {
  const [options, ...rest] = args as [{ interactions?: unknown } | undefined, ...unknown[]];
  const url = method === 'train' ? options?.interactions : undefined;
  return typeof url === 'string' || url instanceof URL ? [{ ...options, interactions: new URL(String(url), document.baseURI).href }, ...rest] : args;
}

/** Whether this call changed what recommend() returns (so onChange listeners hear of it). */
function changesRecommendations(method: RemoteMethod, args: unknown[]): boolean {
  if (method === 'search') return (args[1] as { track?: unknown } | undefined)?.track === true;
  return method === 'track' || method === 'updateCatalog' || method === 'train' || method === 'fineTune' || method === 'fineTuneReasons' || method === 'forget';
}

/**
 * Starts localrec: a Web Worker with the models, the shopper's history from IndexedDB, and the
 * catalog. The result is a promise that resolves when the first recommendation can be served,
 * and is also usable at once: calls made before then wait for start-up. None blocks the page.
 * @example
 * const rec = await createRecommender({ catalog: '/items.jsonl', onProgress: (p) => console.log(p.overall) });
 * @example
 * // Track the first click even while the models load:
 * const rec = createRecommender({ catalog: '/items.jsonl' });
 * button.onclick = () => rec.track({ type: 'cart', itemId: 'B00ABC' });
 * @throws LocalrecError (the promise rejects) INVALID_OPTIONS | CATALOG_INVALID | CATALOG_EMPTY | CATALOG_FETCH_FAILED |
 *   WORKER_FAILED | BACKEND_UNAVAILABLE | STORAGE_FAILED | DISPOSED (disposed while starting)
 */
export function createRecommender(options: RecommenderOptions): StartingRecommender {
  registerErrorTransfer();
  const listeners = new Set<(change: RecommenderChange) => void>();
  let status: RecommenderStatus | null = null;
  let lasting: LastingStorage | null = null;
  let connection: WorkerConnection<WorkerApi> | null = null;
  let boot: Promise<void>;
  try {
    // Bad options reject (as every start-up failure does) before any worker starts.
    const config = toEngineConfig(options);
    if (typeof Worker === 'undefined') {
      throw new LocalrecError('WORKER_FAILED', 'This environment has no Web Workers (in tests, use localrec/testing).');
    }
    let started: ReturnType<typeof startWorker>;
    try {
      started = startWorker(options.workerUrl);
    } catch (error) {
      throw new LocalrecError('WORKER_FAILED', `Could not start the worker: ${(error as Error).message}`);
    }
    const line = new WorkerConnection<WorkerApi>(started.worker, started.url, 'The localrec worker', ' Set options.workerUrl if it is served elsewhere.');
    connection = line;
    boot = (async (): Promise<void> => {
      const lifeLock = newLifeLockName('worker');
      const onProgress = options.onProgress;
      let first: RecommenderStatus;
      try {
        first = await line.call((remote) =>
          remote.init(config, onProgress ? proxy((event: ProgressEvent) => onProgress(event)) : undefined, lifeLock),
        );
      } catch (error) {
        if (!line.isDead) line.terminate(error instanceof LocalrecError ? error : new LocalrecError('WORKER_FAILED', String(error)));
        throw error;
      }
      line.markStarted(lifeLock);
      const lastingOptions = options.storage;
      if (config.persist && (lastingOptions?.requestPersistence || lastingOptions?.detectEviction)) {
        lasting = await (await import('./storage-lasting')).lastingStorage(config.dbName, lastingOptions, first.events);
        first = lasting.onReply(null, first);
      }
      status = first;
    })();
  } catch (error) {
    boot = Promise.reject(error);
  }

  const forward = (method: RemoteMethod) => async (...args: unknown[]): Promise<unknown> => {
    await boot;
    let port: ProgressPort | undefined;
    let sent = resolveArguments(method, args);
    const first = sent[0] as { onProgress?: unknown } | undefined;
    if (PROGRESS_METHODS.has(method) && typeof first === 'object' && first !== null && 'onProgress' in first) {
      const { onProgress: callback, ...rest } = first;
      if (typeof callback === 'function') port = proxy((event: ProgressEvent) => (callback as (e: ProgressEvent) => unknown)(event));
      sent = [rest, ...sent.slice(1)];
    }
    const reply = await connection!.call((remote) => remote.call(method, sent, port));
    status = lasting ? lasting.onReply(method, reply.status) : reply.status;
    if (changesRecommendations(method, args)) {
      for (const listener of [...listeners]) {
        try {
          listener({ method });
        } catch (error) {
          // A listener's bug must not fail the call that succeeded.
          queueMicrotask(() => { throw error; });
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
      if (!connection || connection.isDead) return;
      if (status) void connection.remote.dispose().catch(() => undefined);
      // Disposed while starting (a StrictMode effect cleanup): that rejection is expected.
      if (!status) ready.catch(() => undefined);
      connection.terminate(new LocalrecError('DISPOSED', 'This recommender was disposed.'));
    },
  };
  const ready: Promise<LocalRecommender> = boot.then(() => handle);
  return Object.assign(ready, handle);
}
