import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { CollaborativeBlend } from '../../../src/models/collaborative-blend';
import { neighbourScores, type ItemNeighbours } from '../../../src/models/item-item/item-item';
import { VaeNetwork } from '../../../src/models/vae/vae-network';
import { csrFromRows } from '../../../src/util/csr';
import { mulberry32 } from '../../../src/util/random';

beforeAll(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
});

/** Each row minus its mean, over its standard deviation, over every column (the definition). */
function standardiseDense(x: Float32Array): Float64Array {
  let mean = 0;
  for (const v of x) mean += v / x.length;
  let variance = 0;
  for (const v of x) variance += (v - mean) ** 2 / x.length;
  return Float64Array.from(x, (v) => (v - mean) / Math.sqrt(variance + 1e-12));
}

describe('the blend’s item–item parts', () => {
  it('are standardised over every column from the columns a history reaches: the dense definition’s scores', async () => {
    const items = 300, k = 7;
    const rng = mulberry32(4);
    const part = (kind: string): ItemNeighbours => ({
      kind,
      items,
      k,
      indices: Int32Array.from({ length: items * k }, () => Math.floor(rng() * items)),
      values: Float32Array.from({ length: items * k }, () => rng() * 2 - 0.5),
    });
    const parts = [part('ease'), part('knn')];
    const weights = [0.3, 0.2];
    const network = VaeNetwork.create({ items, hidden: 8, latent: 4 }, 1);
    const blend = new CollaborativeBlend(network, parts, weights);
    const histories = [[3, 17, 250], [5], [], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]];
    const values = histories.map((h) => h.map((_, i) => 1 + i * 0.5));
    const inputs = csrFromRows(histories, items, values);
    const blended = await blend.scoreRows(inputs);
    // The reference: the VAE's standardised logits weighted, plus each part scored densely.
    const vaeOnly = await new CollaborativeBlend(network, parts, [0, 0]).scoreRows(inputs);
    const out = new Float32Array(items);
    histories.forEach((_, r) => {
      const vae = standardiseDense(vaeOnly.subarray(r * items, (r + 1) * items));
      const expected = Float64Array.from(vae, (v) => v * (1 - 0.5));
      parts.forEach((nb, p) => {
        neighbourScores(nb, inputs, [r], 0, 1, out);
        standardiseDense(out).forEach((z, j) => (expected[j]! += weights[p]! * z));
      });
      for (let j = 0; j < items; j++) expect(blended[r * items + j]!).toBeCloseTo(expected[j]!, 3);
    });
    network.dispose();
  });

  it('scoreAt() gives the blend at a few columns up to one shift, for search() to re-rank its hits', async () => {
    const items = 300, k = 7;
    const rng = mulberry32(8);
    const part = (kind: string): ItemNeighbours => ({
      kind,
      items,
      k,
      indices: Int32Array.from({ length: items * k }, () => Math.floor(rng() * items)),
      values: Float32Array.from({ length: items * k }, () => rng() * 2 - 0.5),
    });
    const network = VaeNetwork.create({ items, hidden: 8, latent: 4 }, 2);
    for (const weights of [[0.3, 0.2], [0, 0], [0.6, 0.4]]) {
      const parts = [part('ease'), part('knn')];
      const blend = new CollaborativeBlend(network, parts, weights);
      for (const history of [[3, 17, 250], [5]]) {
        const inputs = csrFromRows([history], items, [history.map((_, i) => 1 + i)]);
        const full = await blend.scoreRows(inputs);
        // Some columns the parts reach from the history, some they do not.
        const reached = Array.from(parts[0]!.indices!.subarray(history[0]! * k, history[0]! * k + 3));
        const cols = Int32Array.from(new Set([0, 3, 99, 17, 280, 5, 150, ...reached]));
        const at = await blend.scoreAt(inputs, cols);
        // The same values less one shift: every difference is the same.
        const shift = full[cols[0]!]! - at[0]!;
        cols.forEach((c, i) => expect(full[c]! - at[i]!).toBeCloseTo(shift, 4));
        // Not a constant (the check could not fail on one).
        expect(Math.max(...at) - Math.min(...at)).toBeGreaterThan(1e-4);
      }
    }
    await expect(new CollaborativeBlend(network).scoreAt(csrFromRows([[1], [2]], items), Int32Array.of(0))).rejects.toThrow(RangeError);
    network.dispose();
  });
});
