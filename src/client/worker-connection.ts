import { releaseProxy, wrap, type Remote } from 'comlink';
import type { WorkerApi } from '../worker/worker-api';
import { LocalrecError } from '../shared/errors';

/**
 * The page's line to the worker. comlink leaves a call pending forever if the worker dies, so
 * every call here also races the worker's death: a failed start (`error` event before init), the
 * worker's life lock being released (it exited or crashed), or `dispose()`.
 */
export class WorkerConnection {
  readonly remote: Remote<WorkerApi>;
  private death: LocalrecError | null = null;
  private readonly pending = new Set<(error: LocalrecError) => void>();
  private started = false;

  constructor(private readonly worker: Worker, private readonly workerUrl: string) {
    this.remote = wrap<WorkerApi>(worker);
    worker.addEventListener('error', (event) => {
      // Before init finishes, any uncaught error means the worker could not start.
      if (!this.started) {
        event.preventDefault();
        this.die(new LocalrecError('WORKER_FAILED', `The worker at ${this.workerUrl} failed to start${event.message ? `: ${event.message}` : ''}. Set options.workerUrl if it is served elsewhere.`));
      }
    });
    worker.addEventListener('messageerror', () => {
      this.die(new LocalrecError('WORKER_TERMINATED', 'A message from the worker could not be read.'));
    });
  }

  /** Called once init succeeded; from then on the life lock tells us if the worker ends. */
  markStarted(lifeLock: string | undefined): void {
    this.started = true;
    const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
    if (!lifeLock || !locks) return;
    void locks.request(lifeLock, () => {
      this.die(new LocalrecError('WORKER_TERMINATED', 'The localrec worker stopped (it crashed or was closed).'));
    });
  }

  get isDead(): boolean {
    return this.death !== null;
  }

  /** Runs one remote call; rejects at once if the worker is, or becomes, dead. */
  call<T>(invoke: (remote: Remote<WorkerApi>) => Promise<T>): Promise<T> {
    if (this.death) return Promise.reject(this.death);
    return new Promise<T>((resolve, reject) => {
      this.pending.add(reject);
      invoke(this.remote).then(resolve, reject).finally(() => this.pending.delete(reject));
    });
  }

  die(error: LocalrecError): void {
    if (this.death) return;
    this.death = error;
    for (const reject of this.pending) reject(error);
    this.pending.clear();
  }

  terminate(reason: LocalrecError): void {
    this.die(reason);
    this.remote[releaseProxy]();
    this.worker.terminate();
  }
}
