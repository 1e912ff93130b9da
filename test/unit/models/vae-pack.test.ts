import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { trainVaeModel, type TrainedVaeModel } from '../../../tools/recipe/vae-recipe';
import { decodePack, encodePack, loadPackFromUrl, vaeModelPack, vaeScorerFromPack, PACK_FILES } from '../../../src/models/packs/vae-pack';
import { loadPackFromDir, savePackToDir } from '../../../tools/io/pack-node';
import { topK } from '../../../src/util/ranking-metrics';
import { officeSlice, sliceSplit } from './vae-fixture';

let trained: TrainedVaeModel;
let itemIds: string[];
let dir: string;
const meta = { dataFingerprint: 'test', evaluation: null, backend: 'wasm', training: { epochs: 3 } };

beforeAll(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
  const { train } = sliceSplit();
  itemIds = officeSlice().data.itemIds;
  const items = officeSlice().data.items;
  trained = await trainVaeModel(train, { hidden: 48, latent: 12, batchSize: 100, epochs: 3, neighbours: 20 }, { items });
  dir = mkdtempSync(join(tmpdir(), 'localrec-vae-pack-'));
});
afterAll(() => {
  trained.scorer.network.dispose();
  rmSync(dir, { recursive: true, force: true });
});

/** A fetch that serves a pack folder under http://packs.test/NAME/. */
function folderFetch(root: string): typeof fetch {
  return (async (input: string | URL | Request) => {
    const url = new URL(String(input instanceof Request ? input.url : input));
    try {
      const body = readFileSync(join(root, url.pathname.replace(/^\/[^/]+\//, '')));
      return new Response(body, { status: 200 });
    } catch {
      return new Response('not found', { status: 404, statusText: 'Not Found' });
    }
  }) as typeof fetch;
}

describe('VAE model packs', () => {
  it('float32: a saved and reloaded pack scores exactly like the trained model', async () => {
    const { validation } = sliceSplit();
    const out = join(dir, 'f32');
    await savePackToDir(out, encodePack(await vaeModelPack(trained.scorer, itemIds, meta), 'float32'));
    const pack = loadPackFromDir(out);
    expect(pack.items).toEqual(itemIds);
    expect(pack.manifest).toMatchObject({ model: 'vae', backend: 'wasm', dataFingerprint: 'test', weights: { dtype: 'float32' } });
    expect(pack.manifest.dimensions).toMatchObject({ items: itemIds.length, hidden: 48, latent: 12, neighbours: 20, parts: 3 });
    expect(trained.scorer.parts.map((p) => p.kind)).toEqual(['ease', 'knn', 'content']);
    const before = tf.memory().numTensors;
    const reloaded = vaeScorerFromPack(pack);
    expect(reloaded.weights).toEqual(trained.scorer.weights);
    expect(reloaded.parts.map((p) => p.kind)).toEqual(['ease', 'knn', 'content']);
    const a = await trained.scorer.scoreRows(validation.inputs);
    const b = await reloaded.scoreRows(validation.inputs);
    expect(b).toEqual(a);
    reloaded.network.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('float16: reloads are identical to each other and within 1e-2 (standardised) of the original; from a URL too', async () => {
    const { validation } = sliceSplit();
    const out = join(dir, 'f16');
    const files = encodePack(await vaeModelPack(trained.scorer, itemIds, meta), 'float16');
    await savePackToDir(out, files);
    // float16 halves the weight file (item indices are uint16 in both).
    expect(statSync(join(out, PACK_FILES.weights)).size).toBe(files[PACK_FILES.weights].byteLength);
    const first = vaeScorerFromPack(loadPackFromDir(out));
    const second = vaeScorerFromPack(await loadPackFromUrl('http://packs.test/f16', folderFetch(out)));
    const original = await trained.scorer.scoreRows(validation.inputs);
    const s1 = await first.scoreRows(validation.inputs);
    const s2 = await second.scoreRows(validation.inputs);
    expect(s2).toEqual(s1);
    // Blended scores are per-user z-scores: float16 weights move them by well under 1e-2.
    let maxDiff = 0;
    for (let i = 0; i < s1.length; i++) maxDiff = Math.max(maxDiff, Math.abs(s1[i]! - original[i]!));
    expect(maxDiff).toBeLessThan(1e-2);
    first.network.dispose();
    second.network.dispose();
  });

  it('uint8: reloads are identical to each other and rank like the original', async () => {
    const { validation } = sliceSplit();
    const out = join(dir, 'u8');
    const files = encodePack(await vaeModelPack(trained.scorer, itemIds, meta), 'uint8');
    await savePackToDir(out, files);
    const first = vaeScorerFromPack(loadPackFromDir(out));
    const second = vaeScorerFromPack(loadPackFromDir(out));
    const original = await trained.scorer.scoreRows(validation.inputs);
    const s1 = await first.scoreRows(validation.inputs);
    expect(await second.scoreRows(validation.inputs)).toEqual(s1);
    // 8-bit weights (one affine map per tensor): the top 20 of every shopper stays ≥ 80% the same.
    const cols = validation.inputs.cols;
    let overlap = 0;
    for (let u = 0; u < validation.inputs.rows; u++) {
      const a = new Set(topK(original, u * cols, cols, 20));
      overlap += Array.from(topK(s1, u * cols, cols, 20)).filter((i) => a.has(i)).length / 20;
    }
    expect(overlap / validation.inputs.rows).toBeGreaterThan(0.8);
    first.network.dispose();
    second.network.dispose();
  });

  it('rejects a pack whose weights do not match its manifest', async () => {
    const files = encodePack(await vaeModelPack(trained.scorer, itemIds, meta), 'float16');
    const parse = (weights: Uint8Array) =>
      decodePack({ model: JSON.parse(files['model.json']), weights, items: JSON.parse(files['items.json']), manifest: JSON.parse(files['manifest.json']) });
    expect(() => parse(files['weights.bin'].subarray(0, 100))).toThrow(/too short/);
    const longer = new Uint8Array(files['weights.bin'].byteLength + 4);
    longer.set(files['weights.bin']);
    expect(() => parse(longer)).toThrow(/trailing/);
    await expect(loadPackFromUrl('http://packs.test/missing', folderFetch(join(dir, 'nothing')))).rejects.toThrow(/404/);
  });
});
