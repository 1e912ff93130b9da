import { releaseProxy, wrap, type Remote } from 'comlink';
import { LocalrecError } from './errors';

/**
 * A line to a worker that never hangs. comlink leaves a call pending forever if the worker dies,
 * so every call here also races the worker's death: a failed start (an `error` event before
 * markStarted), an unreadable message, the worker's life lock being released (it exited or
 * crashed), or terminate(). The page uses it for the serving worker, the serving worker for the
 * training worker.
 */
export class WorkerConnection<Api> {
  readonly remote: Remote<Api>;
  private death: LocalrecError | null = null;
  private readonly pending = new Set<(error: LocalrecError) => void>();
  private started = false;

  /**
   * @param url where the worker script came from, or how to find out once it failed (a bundler's
   *   URL for it is only known to the browser)
   * @param name what the worker is, for messages ("The localrec worker", "The training worker")
   */
  constructor(
    private readonly worker: Worker,
    private readonly url: string | (() => string | undefined),
    private readonly name: string,
    private readonly hint = '',
  ) {
    this.remote = wrap<Api>(worker);
    worker.addEventListener('error', (event) => {
      // Before it has started, any uncaught error means the worker could not start.
      if (this.started) return;
      event.preventDefault();
      const url = typeof this.url === 'string' ? this.url : this.url();
      void (url ? diagnose(url) : Promise.resolve(UNKNOWN_URL)).then(({ said, details }) =>
        this.die(new LocalrecError('WORKER_FAILED', `${this.name} ${url ? `at ${url} ` : ''}failed to start${event.message ? `: ${event.message}` : ''}${said}.${this.hint}`, details)),
      );
    });
    worker.addEventListener('messageerror', () => {
      this.die(new LocalrecError('WORKER_TERMINATED', `A message from ${this.name.toLowerCase()} could not be read.`));
    });
  }

  /** Called once the worker holds `lifeLock`; from then on its release tells that the worker ended. */
  markStarted(lifeLock: string | undefined): void {
    this.started = true;
    const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
    if (!lifeLock || !locks) return;
    void locks.request(lifeLock, () => {
      this.die(new LocalrecError('WORKER_TERMINATED', `${this.name} stopped (it crashed or was closed).`));
    });
  }

  get isDead(): boolean {
    return this.death !== null;
  }

  /** Runs one remote call; rejects at once if the worker is, or becomes, dead. */
  call<T>(invoke: (remote: Remote<Api>) => Promise<T>): Promise<T> {
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

let lockCounter = 0;

/** A Web Lock name unique to one worker's life. */
export function newLifeLockName(kind: string): string {
  return `localrec-${kind}-${Date.now().toString(36)}-${(lockCounter++).toString(36)}-${Math.random().toString(36).slice(2)}`;
}

/**
 * Holds the Web Lock `name` for the rest of this worker's life, so the side that started it
 * learns when it dies; resolves once the lock is held.
 */
export function holdLifeLock(name: string): Promise<void> {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  if (!locks) return Promise.resolve();
  return new Promise((acquired) => {
    void locks.request(name, () => {
      acquired();
      return new Promise<never>(() => undefined);
    });
  });
}

/** When the page cannot tell where the bundler put the worker script. */
const UNKNOWN_URL = { said: ' (the URL the bundler gave the worker script is not known to the page; check the network panel)', details: {} };

/**
 * What the server answers for a worker that would not start (the browser's error event says
 * nothing): its HTTP status and content type, and whether it is an HTML page (a single-page app's
 * fallback route answering for a file that is not there).
 */
async function diagnose(url: string): Promise<{ said: string; details: Record<string, unknown> }> {
  try {
    const response = await fetch(url, { cache: 'no-store' });
    const contentType = response.headers.get('content-type') ?? '';
    const details = { url, status: response.status, contentType };
    const html = /text\/html/i.test(contentType) ? ': an HTML page, not the worker script (a fallback route?)' : '';
    return { said: ` (HTTP ${response.status}, ${contentType || 'no content type'}${html})`, details };
  } catch (error) {
    return { said: ` (fetching it failed: ${(error as Error).message})`, details: { url } };
  }
}
