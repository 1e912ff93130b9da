import { Rng } from '../../util/random';

/** The project's seeded generator (vae/rng.ts) plus Glorot-uniform weights, for content-ae / cold-start. */
export class SeededRandom extends Rng {
  /** Glorot-uniform [rows × cols] weights. */
  glorot(rows: number, cols: number): Float32Array {
    const limit = Math.sqrt(6 / (rows + cols));
    const out = new Float32Array(rows * cols);
    for (let i = 0; i < out.length; i++) out[i] = (this.next() * 2 - 1) * limit;
    return out;
  }
}
