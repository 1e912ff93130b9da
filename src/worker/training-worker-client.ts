import '../shared/runtime-file';
import { proxy } from 'comlink';
import { LocalrecError } from '../shared/errors';
import type { ProgressEvent } from '../shared/types';
import { newLifeLockName, WorkerConnection } from '../shared/worker-connection';
import type { TrainedWeights } from './on-device-training';
import type { TrainingJob, TrainWorkerApi } from './train-worker';

/**
 * Runs one training job in a worker of its own, so serving never waits for a training step.
 * If that worker fails to start, crashes or closes, the job rejects (WORKER_FAILED /
 * WORKER_TERMINATED) instead of hanging; the worker is always terminated afterwards.
 */
export async function trainInWorker(job: TrainingJob, onProgress?: (event: ProgressEvent) => void): Promise<TrainedWeights> {
  // The literal pattern bundlers recognise (see shared/runtime-file.ts).
  const worker = new Worker(new URL(__localrecRuntimeFile__('localrec.train-worker.js'), import.meta.url), { type: 'module', name: 'localrec-training' });
  const connection = new WorkerConnection<TrainWorkerApi>(worker, () => undefined, 'The training worker');
  const lifeLock = newLifeLockName('training');
  try {
    await connection.call((remote) => remote.holdLifeLock(lifeLock));
    connection.markStarted(lifeLock);
    return await connection.call((remote) => remote.train(job, onProgress ? proxy(onProgress) : undefined));
  } finally {
    connection.terminate(new LocalrecError('WORKER_TERMINATED', 'The training worker was closed after its job.'));
  }
}
