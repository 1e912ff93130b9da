import { LocalrecError } from '../shared/errors';

/**
 * Runs one training job at a time (train, fineTune, fineTuneReasons): a second one is refused
 * with TRAINING_IN_PROGRESS, and a result that arrives after dispose() is freed, not used.
 */
export class ExclusiveJob {
  private running = false;

  constructor(private readonly isDisposed: () => boolean) {}

  get busy(): boolean {
    return this.running;
  }

  /**
   * @param work the job; resolves with its result
   * @param discard frees a result that came too late (the recommender was disposed meanwhile)
   * @throws LocalrecError TRAINING_IN_PROGRESS | DISPOSED, or what `work` throws
   */
  async run<T>(work: () => Promise<T>, discard: (result: T) => void): Promise<T> {
    if (this.running) throw new LocalrecError('TRAINING_IN_PROGRESS', 'A training run is already going on in this recommender.');
    this.running = true;
    try {
      const result = await work();
      if (this.isDisposed()) {
        discard(result);
        throw new LocalrecError('DISPOSED', 'The recommender was disposed while training.');
      }
      return result;
    } finally {
      this.running = false;
    }
  }
}
