// A worker of its own for on-device training, started by the serving worker: training never
// holds up recommend(). It writes its checkpoints to the same IndexedDB database.
import { expose, transfer } from 'comlink';
import { registerErrorTransfer } from '../shared/error-transfer';
import { LocalrecError } from '../shared/errors';
import type { BackendName, ProgressEvent, TrainOptions } from '../shared/types';
import { holdLifeLock } from '../shared/worker-connection';
import { deviceLost, nextBackend, selectBackend } from '../backend/select-backend';
import { IdbStore } from '../store/idb-store';
import { MemoryStore } from '../store/memory-store';
import { trainVaeWeights, type TrainedWeights } from './on-device-training';
import type { WasmPaths } from '../shared/engine-config';

/** What the serving worker sends: plain data. */
export interface TrainingJob {
  options: Omit<TrainOptions, 'onProgress'>;
  itemIds: string[];
  dbName: string;
  persist: boolean;
  backend: BackendName;
  wasmPaths?: WasmPaths;
}

export interface TrainWorkerApi {
  /** Holds `name` for this worker's life, so the serving worker learns when it dies. */
  holdLifeLock(name: string): Promise<void>;
  train(job: TrainingJob, onProgress?: (event: ProgressEvent) => unknown): Promise<TrainedWeights>;
}

registerErrorTransfer();
const api: TrainWorkerApi = {
  holdLifeLock,
  async train(job, onProgress) {
    let backend = (await selectBackend(job.backend, job.wasmPaths)).backend;
    const store = job.persist ? new IdbStore(job.dbName, 1) : new MemoryStore(job.dbName, 1);
    const known = new Set(job.itemIds);
    const backendFailures: { backend: BackendName; error: string }[] = [];
    try {
      for (;;) {
        try {
          const trained = await trainVaeWeights(job.options, {
            store,
            isKnownItem: (id) => known.has(id),
            backend,
            deviceLost: deviceLost(),
            ...(onProgress ? { onProgress: (event: ProgressEvent) => void onProgress(event) } : {}),
          });
          trained.report.where = 'training-worker';
          trained.report.backendFailures = backendFailures;
          return transfer(trained, Object.values(trained.weights).map((w) => w.buffer as ArrayBuffer));
        } catch (error) {
          // A lost GPU device: go on down the chain; the run resumes from its last epoch checkpoint.
          const next = nextBackend(backend);
          if (!(error instanceof LocalrecError && error.code === 'BACKEND_LOST') || next === null) throw error;
          backendFailures.push({ backend, error: error.message });
          backend = (await selectBackend(next, job.wasmPaths)).backend;
        }
      }
    } finally {
      store.close();
    }
  },
};
expose(api);
