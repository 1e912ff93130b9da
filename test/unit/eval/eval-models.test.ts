import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ContentKnnModel } from '../../../eval/baselines/content-knn';
import { easeWeights } from '../../../eval/baselines/ease';
import { ItemKnnModel } from '../../../eval/baselines/item-knn';
import { PopularModel } from '../../../eval/baselines/popular';
import { csrFromRows } from '../../../src/util/csr';
import { gramMatrix } from '../../../src/util/csr';
import { loadDataset } from '../../../tools/io/dataset-node';
import { createModel, MODEL_REGISTRY } from '../../../eval/model-registry';
import { mulberry32 } from '../../../src/util/random';
import { runProtocol } from '../../../eval/run-protocol';
import { gaussJordanInverseInPlace, spdInverseWithRidge } from '../../../src/util/spd-inverse';
import { initEvalBackend } from '../../../tools/io/node-backend';

const FIXTURE = fileURLToPath(new URL('../../fixtures/office-slice', import.meta.url));
const context = { seed: 42, items: [] };

/** A random binary user × item matrix as a Gram matrix (what EASE inverts). */
function randomGram(users: number, n: number, density: number, seed: number): Float32Array {
  const rng = mulberry32(seed);
  const rows = Array.from({ length: users }, () => Array.from({ length: n }, (_, i) => i).filter(() => rng() < density));
  return Float32Array.from(gramMatrix(csrFromRows(rows, n)));
}

describe('SPD inverse', () => {
  it('Gauss–Jordan inverts a small SPD matrix', () => {
    const a = Float64Array.from([4, 1, 0, 1, 3, 1, 0, 1, 2]);
    const inv = Float64Array.from(a);
    gaussJordanInverseInPlace(inv, 3);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += (a[i * 3 + k] as number) * (inv[k * 3 + j] as number);
        expect(s).toBeCloseTo(i === j ? 1 : 0, 12);
      }
    }
  });

  it('the block recursion (n above the base size) gives (G + λI)·P ≈ I', async () => {
    await initEvalBackend();
    const n = 600;
    const g = randomGram(400, n, 0.05, 1);
    const lambda = 20;
    const p = spdInverseWithRidge(g, n, lambda);
    let worst = 0;
    for (const i of [0, 1, 299, 300, 301, 599]) {
      for (let j = 0; j < n; j++) {
        let s = lambda * (p[i * n + j] as number);
        for (let k = 0; k < n; k++) s += (g[i * n + k] as number) * (p[k * n + j] as number);
        worst = Math.max(worst, Math.abs(s - (i === j ? 1 : 0)));
      }
    }
    expect(worst).toBeLessThan(1e-4);
  });

  it('EASE weights have a zero diagonal and B_ij = −P_ij / P_jj', async () => {
    await initEvalBackend();
    const n = 300;
    const g = randomGram(200, n, 0.05, 2);
    const p = spdInverseWithRidge(g, n, 50);
    const b = easeWeights(g, n, 50);
    for (let i = 0; i < n; i += 37) {
      expect(b[i * n + i]).toBe(0);
      const j = (i + 11) % n;
      expect(b[i * n + j]).toBeCloseTo(-(p[i * n + j] as number) / (p[j * n + j] as number), 5);
    }
  });
});

describe('baselines', () => {
  it('popular scores training counts; item-kNN scores input · cosine similarity', async () => {
    const train = csrFromRows([[0, 1], [0, 1], [0, 2], [3]], 4);
    const popular = new PopularModel();
    await popular.fit(train, context);
    expect(Array.from(await popular.scoreBatch(csrFromRows([[], [3]], 4)))).toEqual([3, 2, 1, 1, 3, 2, 1, 1]);

    const knn = new ItemKnnModel();
    await knn.fit(train, context);
    const scores = await knn.scoreBatch(csrFromRows([[0]], 4));
    // cos(0,1) = 2 / sqrt(3·2), cos(0,2) = 1 / sqrt(3·1), cos(0,3) = 0; self-similarity 0.
    expect(scores[0]).toBe(0);
    expect(scores[1]).toBeCloseTo(2 / Math.sqrt(6), 6);
    expect(scores[2]).toBeCloseTo(1 / Math.sqrt(3), 6);
    expect(scores[3]).toBe(0);
  });

  it('content-kNN ranks items with similar text above unrelated ones', async () => {
    const items = [
      { id: 'a', title: 'Blue ballpoint pen fine tip', brand: 'Pilot' },
      { id: 'b', title: 'Black ballpoint pen medium tip', brand: 'Pilot' },
      { id: 'c', title: 'Stapler heavy duty', brand: 'Swingline' },
      { id: 'd', title: 'Red gel pen fine tip', brand: 'Pilot' },
    ];
    const model = new ContentKnnModel();
    await model.fit(csrFromRows([], 4), { seed: 1, items });
    const s = await model.scoreBatch(csrFromRows([[0], []], 4));
    expect(s[1] as number).toBeGreaterThan(s[2] as number);
    expect(s[3] as number).toBeGreaterThan(s[2] as number);
    expect(s[2]).toBe(0);
    expect(Array.from(s.subarray(4))).toEqual([0, 0, 0, 0]); // empty history → no signal
  });

  it('the registry creates every listed model and rejects unknown names', () => {
    for (const name of Object.keys(MODEL_REGISTRY)) {
      expect(createModel(name, { protocol: 'strong', seed: 1, tuneMetric: 'NDCG@100' }).name).toBe(name);
    }
    expect(() => createModel('nope', { protocol: 'strong', seed: 1, tuneMetric: 'NDCG@100' })).toThrow(/unknown model "nope"/);
  });
});

describe('protocol runs on a real slice (Amazon Office)', () => {
  const data = loadDataset(FIXTURE);

  it('strong: EASE and item-kNN beat most-popular; lines carry the report keys', async () => {
    const records = await runProtocol({ data, protocol: 'strong', seed: 42, models: ['popular', 'itemknn', 'ease'] });
    expect(records.map((r) => r.model)).toEqual(['popular', 'itemknn', 'ease']);
    for (const r of records) {
      expect(Object.keys(r)).toEqual(['dataset', 'protocol', 'seed', 'model', 'metrics', 'train_seconds', 'backend', 'settings']);
      expect(Object.keys(r.metrics)).toEqual(['Recall@20', 'Recall@50', 'NDCG@100', 'dup@12', 'coverage@12']);
    }
    const [popular, itemknn, ease] = records.map((r) => r.metrics['NDCG@100'] as number) as [number, number, number];
    expect(ease).toBeGreaterThan(popular + 0.02);
    expect(itemknn).toBeGreaterThan(popular + 0.02);
    expect(records[2]?.settings.lambda).toBeTypeOf('number');
  });

  it('cold-items: content-kNN beats random on cold items and reports cold_/all_ keys', async () => {
    const records = await runProtocol({ data, protocol: 'cold-items', seed: 42, models: ['random', 'content-knn'] });
    const [random, content] = records;
    expect(Object.keys(content?.metrics ?? {})).toEqual(['cold_Recall@20', 'cold_NDCG@20', 'all_Recall@20', 'all_NDCG@20']);
    expect(content?.metrics['cold_NDCG@20'] as number).toBeGreaterThan((random?.metrics['cold_NDCG@20'] as number) + 0.05);
  });

  it('cold-users: one Recall/NDCG pair per k', async () => {
    const [record] = await runProtocol({ data, protocol: 'cold-users', seed: 42, models: ['popular'] });
    expect(Object.keys(record?.metrics ?? {})).toEqual(['Recall@20_k1', 'NDCG@20_k1', 'Recall@20_k3', 'NDCG@20_k3', 'Recall@20_k5', 'NDCG@20_k5']);
  });
});
