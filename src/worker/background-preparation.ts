import { nextTask } from '../util/next-task';

/** What the worker builds on first use and can prepare ahead: similar()'s vectors, the search index, the title lookups, each row's hubness. */
export type PreparedPart = 'alike' | 'search' | 'lookups' | 'hubness';

/** No call for this long after start, or after the last call before the steps began: the page is idle. */
export const PREPARE_AFTER_IDLE_MS = 300;

/**
 * Builds, after start, what the first similar(), search() and boughtTogether() would otherwise
 * build inside the call: at 100k items the first similar() took ~2.8 s and the first search()
 * ~1 s after a warm start. The steps run one after another in slices (a task each), starting once
 * the page has made no call for PREPARE_AFTER_IDLE_MS (the first recommendation answered and
 * shown), so a call that comes meanwhile waits for one slice. A call that needs a part being built
 * waits for that step (whenReady) rather than build it a second time; a part whose step has not
 * begun is built by the call as before, and the step then finds it built. A failed step only
 * leaves its part to be built on first use.
 */
export class BackgroundPreparation {
  private readonly running = new Map<PreparedPart, Promise<void>>();
  private started = false;
  private stopped = false;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly steps: readonly (readonly [PreparedPart, (yieldNow: () => Promise<void>) => Promise<void>])[],
    /** Quiet time (no call) before the steps start. */
    private readonly idleMs = PREPARE_AFTER_IDLE_MS,
  ) {}

  /** A call came (or the engine is ready): the steps start once `idleMs` pass without another. */
  touch(): void {
    if (this.started || this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.start(), this.idleMs);
  }

  /** Starts the steps now (once). */
  start(): void {
    if (this.started || this.stopped) return;
    clearTimeout(this.timer);
    this.started = true;
    void this.run();
  }

  /** No step starts after this (the engine was disposed). */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  get isStarted(): boolean {
    return this.started;
  }

  /** Resolves when the steps of `parts` that are running now are over (at once when none is). */
  async whenReady(...parts: PreparedPart[]): Promise<void> {
    for (const part of parts) await this.running.get(part);
  }

  private async run(): Promise<void> {
    const yieldNow = async () => {
      await nextTask();
      if (this.stopped) throw new Error('stopped');
    };
    for (const [part, step] of this.steps) {
      if (this.stopped) return;
      const done = (async () => {
        await yieldNow();
        await step(yieldNow);
      })().catch(() => undefined);
      this.running.set(part, done);
      await done;
      this.running.delete(part);
    }
  }
}
