import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import type { Item } from '../../../src/shared/types';
import { Engine } from '../../../src/worker/engine';
import { CollaborativeBlend } from '../../../src/models/collaborative-blend';
import { VaeNetwork } from '../../../src/models/vae/vae-network';
import { encodePack, vaeModelPack } from '../../../src/models/packs/vae-pack';
import { savePackToDir } from '../../../tools/io/pack-node';
import { startStaticServer, type StaticServer } from '../../../tools/browser/static-server';
import { mulberry32 } from '../../../src/util/random';
import { initEvalBackend } from '../../../tools/io/node-backend';
import { nextTask } from '../../../src/util/next-task';

// A 100k-item store served with a model pack over HTTP: memory must stay bounded across 1,000
// recommend() calls (no tensor or buffer kept per call). The network is small and untrained: what
// is measured is what serving holds on to, which does not depend on the weights' values.
const ITEMS = 100_000;
const K = 10;
let dir: string;
let server: StaticServer;
let catalog: Item[];

beforeAll(async () => {
  await initEvalBackend();
  catalog = Array.from({ length: ITEMS }, (_, i) => ({ id: `p${i}`, title: `Product ${i} in line ${i % 997}`, category: ['Store', `Aisle ${i % 53}`], price: 5 + (i % 90) }));
  const network = VaeNetwork.create({ items: ITEMS, hidden: 16, latent: 8 }, 3);
  const rng = mulberry32(9);
  const indices = Int32Array.from({ length: ITEMS * K }, () => Math.floor(rng() * ITEMS));
  const values = Float32Array.from({ length: ITEMS * K }, () => rng());
  const scorer = new CollaborativeBlend(network, [{ kind: 'ease', items: ITEMS, k: K, indices, values }], [0.3]);
  const pack = await vaeModelPack(scorer, catalog.map((item) => item.id), { dataFingerprint: 'test-100k', evaluation: null, backend: 'wasm', training: {} });
  network.dispose();
  dir = mkdtempSync(join(tmpdir(), 'localrec-100k-'));
  await savePackToDir(join(dir, 'pack'), encodePack(pack, 'nf4'));
  server = await startStaticServer(dir);
}, 120_000);
afterAll(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a 100k-item catalog with a model pack', () => {
  it('serves 1,000 recommend() calls without growing its tensors or heap', async () => {
    const engine = await Engine.create({ catalog, backend: 'wasm', dbName: 'big', maxEvents: 1000, persist: false, models: `${server.url}/pack/` });
    expect(engine.status().model).toMatchObject({ error: null, coveredItems: ITEMS });
    // A new shopper first: the popular items need no row of the first encoder layer.
    expect(await engine.recommend({ k: 12 })).toHaveLength(12);
    for (let i = 0; i < 5; i++) await engine.track({ type: 'view', itemId: `p${i * 7919}` });
    await engine.recommend({ k: 12 });
    // The decoder's item layer is decoded and packed in the two tasks after the first products.
    for (let i = 0; i < 2; i++) await nextTask();
    // The compact pack's first encoder layer stays coded in JS: on the backend only the decoder's
    // item-sized layer (items × hidden floats) and vectors of item size, not enc/w1 as well.
    expect(engine.status().tensorBytes).toBeLessThan(ITEMS * 16 * 4 + 16 * ITEMS * 4);
    const tensors = tf.memory().numTensors;
    const bytes = tf.memory().numBytes;
    const heap = process.memoryUsage().heapUsed;
    for (let i = 0; i < 1000; i++) {
      if (i % 100 === 0) await engine.track({ type: 'view', itemId: `p${(i * 31) % ITEMS}` });
      const list = await engine.recommend({ k: 12 });
      if (list.length !== 12) throw new Error(`call ${i}: ${list.length} results`);
    }
    expect(tf.memory().numTensors).toBe(tensors);
    expect(tf.memory().numBytes).toBe(bytes);
    // A per-call leak of even one score vector (400 KB) would add 400 MB over 1,000 calls.
    expect(process.memoryUsage().heapUsed - heap).toBeLessThan(64 * 2 ** 20);
    engine.dispose();
  }, 300_000);
});
