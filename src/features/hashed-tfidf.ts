import { fnv1a } from '../util/hash';
import type { FeatureBag } from './item-features';
import { smoothIdf, sublinearTf } from './tf-idf';


/**
 * TF-IDF with the hashing trick: each feature lands in one of `dims` slots with a ±1 sign taken
 * from another bit of its hash, so collisions cancel on average instead of adding up. IDF is
 * exact (counted per feature name, not per slot).
 */
export class HashedTfIdf {
  /** Per known feature: IDF, slot and sign (hashed once here, not at every accumulate). */
  private readonly known = new Map<string, { idf: number; slot: number; sign: number }>();
  private readonly unseenIdf: number;

  constructor(
    readonly dims: number,
    bags: readonly FeatureBag[],
  ) {
    if (!Number.isInteger(Math.log2(dims))) throw new RangeError('dims must be a power of two');
    const df = new Map<string, number>();
    for (const bag of bags) for (const feature of bag.keys()) df.set(feature, (df.get(feature) ?? 0) + 1);
    const n = bags.length;
    for (const [feature, count] of df) this.known.set(feature, { idf: smoothIdf(n, count), ...this.slotOf(feature) });
    this.unseenIdf = smoothIdf(n, 0);
  }

  private slotOf(feature: string): { slot: number; sign: number } {
    const hash = fnv1a(feature);
    return { slot: hash & (this.dims - 1), sign: hash & 0x80000000 ? -1 : 1 };
  }

  /** Writes the (unnormalised) vector of `bag` into `out` at `offset`, adding `scale` times it. */
  accumulate(bag: FeatureBag, out: Float32Array, offset = 0, scale = 1, knownOnly = false): void {
    for (const [feature, tf] of bag) {
      let entry = this.known.get(feature);
      if (entry === undefined) {
        if (knownOnly) continue;
        entry = { idf: this.unseenIdf, ...this.slotOf(feature) };
      }
      // Sublinear term frequency: a word repeated in a title should not dominate it.
      const weight = sublinearTf(tf);
      out[offset + entry.slot]! += entry.sign * scale * weight * entry.idf;
    }
  }
}
