import { beforeAll, describe, expect, it, vi } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { decodePack, encodePack, vaeModelPack, vaeScorerFromPack } from '../../../src/models/packs/vae-pack';
import { decodeNormalFloat, decodeNormalFloatRange, encodeNormalFloat, NORMAL_FLOAT_LEVELS, NormalFloatMatrix } from '../../../src/models/packs/normal-float';
import { DeltaVarintMatrix, encodeDeltaVarint } from '../../../src/models/packs/delta-varint';
import { CollaborativeBlend } from '../../../src/models/collaborative-blend';
import { VaeNetwork } from '../../../src/models/vae/vae-network';
import { csrFromRows } from '../../../src/util/csr';
import { mulberry32 } from '../../../src/util/random';

const ITEMS = 70_000; // past 65,536: item indices no longer fit the uint16 form of smaller packs
const K = 4;

beforeAll(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
});

function largeScorer(): CollaborativeBlend {
  const network = VaeNetwork.create({ items: ITEMS, hidden: 8, latent: 4 }, 7);
  const rng = mulberry32(5);
  const indices = Int32Array.from({ length: ITEMS * K }, (_, i) => (i % K === 0 ? ITEMS - 1 - Math.floor(i / K) : Math.floor(rng() * ITEMS)));
  const values = Float32Array.from({ length: ITEMS * K }, (_, i) => 1 - (i % K) * 0.2);
  return new CollaborativeBlend(network, [{ kind: 'ease', items: ITEMS, k: K, indices, values }], [0.3]);
}

describe('a catalog over 65,536 items', () => {
  it('round-trips through a pack (uint8 and nf4): item ids, neighbour indices and scores', async () => {
    const scorer = largeScorer();
    const ids = Array.from({ length: ITEMS }, (_, i) => `sku-${i}`);
    const pack = await vaeModelPack(scorer, ids, { dataFingerprint: 'large', evaluation: null, backend: 'wasm', training: {} });
    const history = csrFromRows([[0, 65_535, 65_536, ITEMS - 1]], ITEMS);
    const original = await scorer.scoreRows(history);
    for (const [dtype, nfBlock] of [['uint8', 64], ['nf4', 64], ['nf3', 64], ['nf3', 128]] as const) {
      const files = encodePack(pack, dtype, { nfBlock });
      const decoded = decodePack({ model: JSON.parse(files['model.json']), weights: files['weights.bin'], items: JSON.parse(files['items.json']), manifest: JSON.parse(files['manifest.json']) });
      expect(decoded.items.length).toBe(ITEMS);
      expect(decoded.items[ITEMS - 1]).toBe(`sku-${ITEMS - 1}`);
      const rebuilt = vaeScorerFromPack(decoded);
      // Each row's neighbours come back (a pack keeps them ordered by index).
      const row = (p: Int32Array, i: number) => Array.from(p.subarray(i * K, (i + 1) * K)).sort((a, b) => a - b);
      for (const i of [0, 1, 70, ITEMS - 1]) expect(row(rebuilt.parts[0]!.indices, i)).toEqual(row(scorer.parts[0]!.indices, i));
      expect(rebuilt.parts[0]!.indices.reduce((a, b) => Math.max(a, b), 0)).toBe(ITEMS - 1);
      // Scores of a history touching items past 65,536 agree closely with the float32 model.
      const scores = await rebuilt.scoreRows(history);
      let dot = 0, na = 0, nb = 0;
      for (let i = 0; i < ITEMS; i++) {
        dot += scores[i]! * original[i]!;
        na += scores[i]! ** 2;
        nb += original[i]! ** 2;
      }
      expect(dot / Math.sqrt(na * nb)).toBeGreaterThan(0.97);
      // Served with enc/w1 left coded (what the worker loads): the same scores, and it stays coded.
      if (dtype !== 'uint8') {
        const served = vaeScorerFromPack(decodePack({ model: JSON.parse(files['model.json']), weights: files['weights.bin'], items: JSON.parse(files['items.json']), manifest: JSON.parse(files['manifest.json']) }, { coded: true }));
        expect(served.network.firstLayerCoded).toBe(true);
        // Its neighbour lists are read a row at a time from the codes, and agree with the decoded part.
        const coded = served.parts[0]!;
        expect(coded.readRow).toBeDefined();
        const [ri, rv] = [new Int32Array(K), new Float32Array(K)];
        for (const i of [0, 65_536, ITEMS - 1]) {
          coded.readRow!(i, ri, rv);
          expect(Array.from(ri)).toEqual(Array.from(rebuilt.parts[0]!.indices.subarray(i * K, (i + 1) * K)));
          expect(Array.from(rv)).toEqual(Array.from(rebuilt.parts[0]!.values.subarray(i * K, (i + 1) * K)));
        }
        const tensorsBefore = tf.memory().numBytes;
        const same = await served.scoreRows(history);
        for (const i of [0, 1, 65_536, ITEMS - 1]) expect(same[i]!).toBeCloseTo(scores[i]!, 4);
        // A new shopper (no history) reads no row either, and gets the float32 model's answer.
        const empty = await served.scoreRows(csrFromRows([[]], ITEMS));
        const emptyBefore = await rebuilt.scoreRows(csrFromRows([[]], ITEMS));
        for (const i of [0, 7, ITEMS - 1]) expect(empty[i]!).toBeCloseTo(emptyBefore[i]!, 4);
        expect(served.network.firstLayerCoded).toBe(true);
        // Scoring read rows of the coded neighbour lists, never the whole part.
        expect((served.parts[0] as unknown as { decoded: boolean }).decoded).toBe(false);
        expect(tf.memory().numBytes).toBe(tensorsBefore);
        served.network.dispose();
      }
      rebuilt.network.dispose();
    }
    scorer.network.dispose();
  });

  it.each([4, 3] as const)('NF%i keeps each value within half a level step of its block scale', (bits) => {
    const rng = mulberry32(3);
    const values = Float32Array.from({ length: 1001 }, () => (rng() - 0.5) * 0.2);
    const back = decodeNormalFloat(encodeNormalFloat(values, bits), values.length, bits);
    const levels = NORMAL_FLOAT_LEVELS[bits];
    let maxGap = 0;
    for (let i = 1; i < levels.length; i++) maxGap = Math.max(maxGap, levels[i]! - levels[i - 1]!);
    for (let b = 0; b < values.length; b += 64) {
      const block = values.subarray(b, b + 64);
      const scale = Math.max(...Array.from(block, Math.abs));
      for (let i = b; i < Math.min(values.length, b + 64); i++) expect(Math.abs(back[i]! - values[i]!)).toBeLessThanOrEqual((maxGap / 2) * scale * 1.001 + 1e-4);
    }
  });

  it.each([4, 3] as const)('NF%i decodes whole tensors as value-by-value reads do, whatever the block size', (bits) => {
    const rng = mulberry32(5);
    // Lengths that end mid-group and mid-block; blocks that are and are not multiples of 8.
    for (const [length, block] of [[1001, 64], [4099, 128], [77, 12], [64, 7]] as const) {
      const values = Float32Array.from({ length }, () => rng() - 0.5);
      const coded = encodeNormalFloat(values, bits, block);
      const whole = decodeNormalFloat(coded, length, bits, block);
      const oneByOne = new Float32Array(length);
      for (let i = 0; i < length; i++) decodeNormalFloatRange(coded, length, bits, block, i, 1, oneByOne, i);
      expect(Array.from(whole)).toEqual(Array.from(oneByOne));
    }
  });
});

describe('a coded first layer (NormalFloatMatrix)', () => {
  it('gathers the rows decodeAll gives, becomes a variable only when the whole matrix is needed, and disposes without decoding', async () => {
    const rows = 37, cols = 30; // rows straddle the 64-value blocks
    const rng = mulberry32(9);
    const values = Float32Array.from({ length: rows * cols }, () => rng() - 0.5);
    for (const bits of [4, 3] as const) {
      const matrix = new NormalFloatMatrix(encodeNormalFloat(values, bits), rows, cols, bits, 64);
      const all = matrix.decodeAll();
      const some = matrix.gatherRows([5, 0, 36, 5]);
      [5, 0, 36, 5].forEach((r, k) => expect(Array.from(some.subarray(k * cols, (k + 1) * cols))).toEqual(Array.from(all.subarray(r * cols, (r + 1) * cols))));
      expect(() => matrix.gatherRows([rows])).toThrow(RangeError);
    }
    const arch = { items: rows, hidden: cols, latent: 4 };
    const plain = VaeNetwork.create(arch, 3);
    const weights = await plain.weights();
    const matrix = new NormalFloatMatrix(encodeNormalFloat(weights['enc/w1'], 4), rows, cols, 4, 64);
    const decoded = new VaeNetwork(arch, { ...weights, 'enc/w1': matrix.decodeAll() }, false);
    const coded = new VaeNetwork(arch, { ...weights, 'enc/w1': matrix }, false);
    const mix = tf.tensor2d([0.6, 0.8], [1, 2]);
    const [a, b] = [decoded.scoreSparse(mix, Int32Array.of(4, 30)), coded.scoreSparse(mix, Int32Array.of(4, 30))];
    expect(Array.from(await b.data())).toEqual(Array.from(await a.data()));
    // weights() decodes on the CPU: still coded, still no variable for it.
    expect((await coded.weights())['enc/w1']).toEqual(matrix.decodeAll());
    expect(coded.firstLayerCoded).toBe(true);
    const before = tf.memory().numTensors;
    coded.dispose();
    expect(tf.memory().numTensors).toBe(before - 7);
    // A dense input needs the whole matrix: it becomes a variable, with the same scores.
    const again = new VaeNetwork(arch, { ...weights, 'enc/w1': matrix }, false);
    const dense = new Float32Array(rows);
    dense[4] = 0.6; dense[30] = 0.8;
    const c = again.score(tf.tensor2d(dense, [1, rows]));
    expect(again.firstLayerCoded).toBe(false);
    const [x, y] = [await a.data(), await c.data()];
    for (let i = 0; i < rows; i++) expect(y[i]!).toBeCloseTo(x[i]!, 5);
    tf.dispose([a, b, c, mix]);
    for (const net of [plain, decoded, again]) net.dispose();
  });
});

describe('a coded decoder layer (dec/w2) and the first products', () => {
  const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));

  it('leftProduct gives h · M of the decoded matrix, for blocks that run over rows and for NF3 and NF4', () => {
    for (const [rows, cols, bits] of [[7, 101, 3], [5, 64, 4], [3, 1000, 3], [4, 37, 4]] as const) {
      const values = Float32Array.from({ length: rows * cols }, (_, i) => Math.sin(i * 0.37));
      const matrix = new NormalFloatMatrix(encodeNormalFloat(values, bits), rows, cols, bits, 64);
      const m = matrix.decodeAll();
      const h = Float32Array.from({ length: 2 * rows }, (_, i) => Math.cos(i * 1.3));
      const got = matrix.leftProduct(h, 2);
      for (let r = 0; r < 2; r++) {
        for (let j = 0; j < cols; j++) {
          let want = 0;
          for (let k = 0; k < rows; k++) want += h[r * rows + k]! * m[k * cols + j]!;
          expect(got[r * cols + j]!).toBeCloseTo(want, 5);
        }
      }
      expect(() => matrix.leftProduct(h, 3)).toThrow(RangeError);
    }
  });

  it('serves the first products from the codes, then decodes and packs dec/w2 in the next tasks: the same scores throughout', async () => {
    const arch = { items: 300, hidden: 24, latent: 6 };
    const plain = VaeNetwork.create(arch, 5);
    const weights = await plain.weights();
    const encoded = new NormalFloatMatrix(encodeNormalFloat(weights['dec/w2'], 3), arch.hidden, arch.items, 3, 64);
    const reference = new VaeNetwork(arch, { ...weights, 'dec/w2': encoded.decodeAll() }, false);
    const served = new VaeNetwork(arch, { ...weights, 'dec/w2': encoded }, false);
    const mix = tf.tensor2d([0.6, 0.8], [1, 2]);
    const want = reference.scoreSparse(mix, Int32Array.of(4, 30));
    expect(served.decoderCoded).toBe(true);
    const first = served.scoreSparse(mix, Int32Array.of(4, 30));
    // Still coded: the first product came from the codes, and the layer is no tensor yet.
    expect(served.decoderCoded).toBe(true);
    // Decoded in the tasks after it (they may take a few turns of the event loop).
    await vi.waitFor(() => expect(served.decoderCoded).toBe(false), { timeout: 2000, interval: 1 });
    const later = served.scoreSparse(mix, Int32Array.of(4, 30));
    const [w, a, b] = [await want.data(), await first.data(), await later.data()];
    for (let i = 0; i < arch.items; i++) {
      expect(a[i]!).toBeCloseTo(w[i]!, 4);
      expect(b[i]!).toBeCloseTo(w[i]!, 4);
    }
    // A batch (training, evaluation) decodes it at once.
    const batch = new VaeNetwork(arch, { ...weights, 'dec/w2': encoded }, false);
    const rows = tf.tensor2d(Float32Array.from({ length: 6 * 2 }, (_, i) => (i % 3) / 3), [6, 2]);
    const batched = batch.scoreSparse(rows, Int32Array.of(4, 30));
    expect(batch.decoderCoded).toBe(false);
    // weights() decodes a still-coded layer on the CPU; dispose() frees the 7 variables it made.
    const fresh = new VaeNetwork(arch, { ...weights, 'dec/w2': encoded }, false);
    expect((await fresh.weights())['dec/w2']).toEqual(encoded.decodeAll());
    const before = tf.memory().numTensors;
    fresh.dispose();
    expect(tf.memory().numTensors).toBe(before - 7);
    tf.dispose([mix, want, first, later, rows, batched]);
    for (const net of [plain, reference, served, batch]) net.dispose();
  });

  it('a model whose dec/w2 is not yet packed gives the packed product’s scores on its first calls (WASM)', async () => {
    const arch = { items: 200, hidden: 16, latent: 4 };
    const network = VaeNetwork.create(arch, 11);
    const mix = tf.tensor2d([1], [1, 1]);
    const unpacked = network.scoreSparse(mix, Int32Array.of(7));
    await nextTask();
    const packed = network.scoreSparse(mix, Int32Array.of(7));
    const [a, b] = [await unpacked.data(), await packed.data()];
    for (let i = 0; i < arch.items; i++) expect(a[i]!).toBeCloseTo(b[i]!, 5);
    tf.dispose([mix, unpacked, packed]);
    network.dispose();
  });
});

describe('a coded neighbour matrix (DeltaVarintMatrix)', () => {
  it('reads any row as the full decode does, and refuses streams that are short, long or name items past the catalog', () => {
    const rows = 5, k = 3;
    const indices = Int32Array.from([0, 4, 70_000, 1, 2, 3, 9, 10, 11, 0, 0, 0, 5, 6, 200_000]);
    const bytes = encodeDeltaVarint(indices, k);
    const m = new DeltaVarintMatrix(bytes, rows, k, 200_001);
    const out = new Int32Array(k);
    for (let r = 0; r < rows; r++) {
      m.readRow(r, out);
      expect(Array.from(out)).toEqual(Array.from(indices.subarray(r * k, (r + 1) * k)));
    }
    expect(Array.from(m.decodeAll())).toEqual(Array.from(indices));
    expect(() => new DeltaVarintMatrix(bytes, rows, k, 200_000)).toThrow(/names item 200000/);
    expect(() => new DeltaVarintMatrix(bytes.subarray(0, bytes.length - 1), rows, k, 200_001)).toThrow(/ends early/);
    expect(() => new DeltaVarintMatrix(Uint8Array.from([...bytes, 0]), rows, k, 200_001)).toThrow(/trailing/);
  });
});

describe('serving scores from sparse histories', () => {
  it('scoreSparse (gathered enc/w1 rows) gives the dense product’s scores', async () => {
    const network = VaeNetwork.create({ items: 500, hidden: 16, latent: 8 }, 11);
    const dense = new Float32Array(2 * 500);
    dense[3] = 0.6; dense[77] = 0.8; // row 0, L2 norm 1
    dense[500 + 499] = 1; // row 1
    const a = network.score(tf.tensor2d(dense, [2, 500]));
    const mix = tf.tensor2d([0.6, 0.8, 0, 0, 0, 1], [2, 3]);
    const b = network.scoreSparse(mix, tf.tensor1d([3, 77, 499], 'int32'));
    const [x, y] = [await a.data(), await b.data()];
    for (let i = 0; i < x.length; i++) expect(y[i]!).toBeCloseTo(x[i]!, 4);
    tf.dispose([a, b, mix]);
    // And the blend scores a history the same with or without parts' order in the pack.
    const blend = new CollaborativeBlend(network, [], []);
    const scores = await blend.scoreRows(csrFromRows([[3, 77]], 500, [[3, 4]]));
    for (let i = 0; i < 500; i++) expect(scores[i]!).toBeCloseTo(x[i]!, 4);
    network.dispose();
  });
});
