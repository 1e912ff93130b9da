import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initEvalBackend } from '../../../tools/io/node-backend';
import { registerReasonGradients } from '../../../src/explain/generator/gradients';
import { initialReasonWeights, REASON_PARAMS, ReasonNet, type ReasonNetShape } from '../../../src/explain/generator/network';

beforeAll(async () => {
  await initEvalBackend();
  registerReasonGradients();
});

describe('gradients registered for the reason generator', () => {
  it('match finite differences of the GRU loss for every parameter', () => {
    const shape: ReasonNetShape = { vocab: 12, aspects: 6, items: 5, wordDim: 4, condDim: 3, ctxDim: 5, hidden: 6 };
    const net = new ReasonNet(shape, initialReasonWeights(shape, 3), true);
    const conds = [
      { item: 1, history: [2, 3], aspects: [0, 4] },
      { item: 0, history: [], aspects: [5] },
    ];
    const inputs = [Int32Array.from([1, 5, 7, 4]), Int32Array.from([1, 9, 0, 0])];
    const outputs = [Int32Array.from([5, 7, 4, 2]), Int32Array.from([9, 2, 0, 0])];
    const mask = [Float32Array.from([1, 1, 1, 1]), Float32Array.from([1, 1, 0, 0])];
    const lossValue = (): number => tf.tidy(() => net.loss(conds, inputs, outputs, mask).dataSync()[0]!);
    const { grads } = tf.variableGrads(() => net.loss(conds, inputs, outputs, mask));
    const eps = 1e-2;
    for (const name of REASON_PARAMS) {
      const v = net.vars[name];
      const g = grads[v.name]!.dataSync();
      const values = v.dataSync().slice();
      // The entry with the largest gradient, and one more.
      let at = 0;
      for (let i = 1; i < g.length; i++) if (Math.abs(g[i]!) > Math.abs(g[at]!)) at = i;
      for (const i of [at, Math.floor(g.length / 2)]) {
        const bump = (d: number): number => {
          const copy = values.slice();
          copy[i]! += d;
          v.assign(tf.tensor(copy, v.shape));
          return lossValue();
        };
        const numeric = (bump(eps) - bump(-eps)) / (2 * eps);
        v.assign(tf.tensor(values, v.shape));
        expect(Math.abs(numeric - g[i]!), `${name}[${i}]: ${numeric} vs ${g[i]}`).toBeLessThan(2e-3 + 0.05 * Math.abs(numeric));
      }
    }
    tf.dispose(Object.values(grads));
    net.dispose();
  });
});
