import { proxy } from 'comlink';
import { PROGRESS_METHODS, REMOTE_METHODS, type ProgressPort, type Recommender, type RemoteMethod, type WorkerApi } from '../shared/contract';
import { registerErrorTransfer } from '../shared/error-transfer';
import { LocalrecError } from '../shared/errors';
import type { ProgressEvent, RecommenderOptions } from '../shared/types';
import type { RecommenderStatus } from '../shared/status';
import { newLifeLockName, WorkerConnection } from '../shared/worker-connection';
import { toEngineConfig } from './validate-options';
import { defaultWorkerUrl } from './worker-url';

export type { Recommender };

/** train()'s interactions URL is relative to the page, but the worker resolves URLs against its own. */
function resolveArguments(method: RemoteMethod, args: unknown[]): unknown[] {
  const [options, ...rest] = args as [{ interactions?: unknown } | undefined, ...unknown[]];
  const url = method === 'train' ? options?.interactions : undefined;
  return typeof url === 'string' || url instanceof URL ? [{ ...options, interactions: new URL(String(url), document.baseURI).href }, ...rest] : args;
}

/**
 * Starts localrec: a Web Worker with the models, the shopper's history from IndexedDB, and the
 * catalog. Resolves when the first recommendation can be served. The object it returns forwards
 * every method of the contract to the worker's engine; none blocks the page.
 * @example
 * const rec = await createRecommender({ catalog: '/items.jsonl', onProgress: (p) => console.log(p.overall) });
 * @throws LocalrecError INVALID_OPTIONS | CATALOG_INVALID | CATALOG_EMPTY | CATALOG_FETCH_FAILED |
 *   WORKER_FAILED | BACKEND_UNAVAILABLE | STORAGE_FAILED
 */
export async function createRecommender(options: RecommenderOptions): Promise<Recommender> {
  registerErrorTransfer();
  const config = toEngineConfig(options);
  if (typeof Worker === 'undefined') {
    throw new LocalrecError('WORKER_FAILED', 'This environment has no Web Workers.');
  }
  const workerUrl = options.workerUrl !== undefined ? new URL(String(options.workerUrl), document.baseURI) : defaultWorkerUrl();
  let worker: Worker;
  try {
    worker = new Worker(workerUrl, { type: 'module', name: 'localrec' });
  } catch (error) {
    throw new LocalrecError('WORKER_FAILED', `Could not start the worker at ${workerUrl.href}: ${(error as Error).message}`);
  }
  const connection = new WorkerConnection<WorkerApi>(worker, workerUrl.href, 'The localrec worker', ' Set options.workerUrl if it is served elsewhere.');
  const lifeLock = newLifeLockName('worker');
  const onProgress = options.onProgress;
  let status: RecommenderStatus;
  try {
    status = await connection.call((remote) =>
      remote.init(config, onProgress ? proxy((event: ProgressEvent) => onProgress(event)) : undefined, lifeLock),
    );
  } catch (error) {
    connection.terminate(error instanceof LocalrecError ? error : new LocalrecError('WORKER_FAILED', String(error)));
    throw error;
  }
  connection.markStarted(lifeLock);
  const lastingOptions = options.storage;
  const lasting = config.persist && (lastingOptions?.requestPersistence || lastingOptions?.detectEviction)
    ? await (await import('./storage-lasting')).lastingStorage(config.dbName, lastingOptions, status.events)
    : null;
  if (lasting) status = lasting.onReply(null, status);

  const forward = (method: RemoteMethod) => async (...args: unknown[]): Promise<unknown> => {
    let port: ProgressPort | undefined;
    let sent = resolveArguments(method, args);
    const first = sent[0] as { onProgress?: unknown } | undefined;
    if (PROGRESS_METHODS.has(method) && typeof first === 'object' && first !== null && 'onProgress' in first) {
      const { onProgress: callback, ...rest } = first;
      if (typeof callback === 'function') port = proxy((event: ProgressEvent) => (callback as (e: ProgressEvent) => unknown)(event));
      sent = [rest, ...sent.slice(1)];
    }
    const reply = await connection.call((remote) => remote.call(method, sent, port));
    status = lasting ? lasting.onReply(method, reply.status) : reply.status;
    return reply.value;
  };
  const methods = Object.fromEntries(REMOTE_METHODS.map((method) => [method, forward(method)])) as Pick<Recommender, RemoteMethod>;
  return {
    ...methods,
    status: () => structuredClone(status),
    dispose() {
      if (connection.isDead) return;
      void connection.remote.dispose().catch(() => undefined);
      connection.terminate(new LocalrecError('DISPOSED', 'This recommender was disposed.'));
    },
  };
}
