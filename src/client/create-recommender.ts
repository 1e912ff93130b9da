import { proxy } from 'comlink';
import { PROGRESS_METHODS, type ProgressPort, type Recommender, type RemoteMethod, type WorkerApi } from '../shared/contract';
import { registerErrorTransfer } from '../shared/error-transfer';
import { LocalrecError } from '../shared/errors';
import type { ProgressEvent, RecommenderOptions } from '../shared/types';
import type { RecommenderStatus } from '../shared/status';
import { newLifeLockName, WorkerConnection } from '../shared/worker-connection';
import { toEngineConfig } from './validate-options';
import { startWorker } from './start-worker';
import { recommenderHandle, type StartingRecommender } from './recommender-handle';

export type { LocalRecommender, RecommenderChange, StartingRecommender } from './recommender-handle';

export type { Recommender };

type LastingStorage = Awaited<ReturnType<typeof import('./storage-lasting').lastingStorage>>;

/** train()'s interactions URL is relative to the page, but the worker resolves URLs against its own. */
function resolveArguments(method: RemoteMethod, args: unknown[]): unknown[] {
  const [options, ...rest] = args as [{ interactions?: unknown } | undefined, ...unknown[]];
  const url = method === 'train' ? options?.interactions : undefined;
  return typeof url === 'string' || url instanceof URL ? [{ ...options, interactions: new URL(String(url), document.baseURI).href }, ...rest] : args;
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
  let connection: WorkerConnection<WorkerApi> | null = null;
  let lasting: LastingStorage | null = null;
  let boot: Promise<RecommenderStatus>;
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
    boot = (async (): Promise<RecommenderStatus> => {
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
      return first;
    })();
  } catch (error) {
    boot = Promise.reject(error);
  }

  return recommenderHandle({
    boot,
    async call(method, args) {
      let port: ProgressPort | undefined;
      let sent = resolveArguments(method, args);
      const first = sent[0] as { onProgress?: unknown } | undefined;
      if (PROGRESS_METHODS.has(method) && typeof first === 'object' && first !== null && 'onProgress' in first) {
        const { onProgress: callback, ...rest } = first;
        if (typeof callback === 'function') port = proxy((event: ProgressEvent) => (callback as (e: ProgressEvent) => unknown)(event));
        sent = [rest, ...sent.slice(1)];
      }
      // boot resolved, so the connection exists.
      const reply = await connection!.call((remote) => remote.call(method, sent, port));
      return { value: reply.value, status: lasting ? lasting.onReply(method, reply.status) : reply.status };
    },
    dispose(started) {
      const line = connection;
      if (!line) return;
      const reason = new LocalrecError('DISPOSED', 'This recommender was disposed.');
      if (!started) return line.terminate(reason);
      // Calls end at once; the worker first closes its IndexedDB connection (at most 1 s), then
      // stops. A worker stopped mid-way can leave its connection open (WebKit), and an open
      // connection blocks a later deleteDatabase: forget() in the next recommender would wait.
      line.die(reason);
      const closed = line.remote.dispose().catch(() => undefined);
      void Promise.race([closed, new Promise((done) => setTimeout(done, 1000))]).then(() => line.terminate(reason));
    },
    isStopped: () => connection === null || connection.isDead,
  });
}
