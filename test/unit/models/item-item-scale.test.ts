import { beforeAll, describe, expect, it } from 'vitest';
import { csrFromRows, denseBlock, gramMatrix, sparseGram, transposeCsr } from '../../../src/util/csr';
import { mulberry32 } from '../../../src/util/random';
import { spdInverseWithRidge } from '../../../src/util/spd-inverse';
import { cosineNeighbours, easeHeadItems, easeNeighbours, easeWeights } from '../../../tools/recipe/item-item-fit';
import { ItemKnnModel } from '../../../eval/baselines/item-knn';
import { initEvalBackend } from '../../../tools/io/node-backend';

function randomRows(users: number, n: number, perUser: number, seed: number): number[][] {
  const rng = mulberry32(seed);
  return Array.from({ length: users }, () => [...new Set(Array.from({ length: perUser }, () => Math.floor(rng() ** 2 * n)))]);
}

beforeAll(async () => {
  await initEvalBackend();
});

describe('item–item parts at catalog scale (sparse Gram, blocked inverse, EASE head)', () => {
  it('the sparse Gram matrix holds exactly the dense one', () => {
    const x = csrFromRows(randomRows(300, 120, 8, 1), 120);
    const dense = gramMatrix(x);
    const all = Int32Array.from({ length: 120 }, (_, i) => i);
    expect(Array.from(denseBlock(sparseGram(x), all))).toEqual(Array.from(dense, (v) => Math.fround(v)));
    const t = transposeCsr(x);
    expect(t.rows).toBe(120);
    expect(t.indices.length).toBe(x.indices.length);
  });

  it('the inverse with blocks in JS memory matches the one-tensor recursion', () => {
    const n = 300;
    const g = denseBlock(sparseGram(csrFromRows(randomRows(500, n, 10, 2), n)), Int32Array.from({ length: n }, (_, i) => i));
    const oneTensor = spdInverseWithRidge(g, n, 20);
    const blocked = spdInverseWithRidge(g, n, 20, 64);
    let worst = 0;
    for (let i = 0; i < n * n; i++) worst = Math.max(worst, Math.abs(oneTensor[i]! - blocked[i]!));
    expect(worst).toBeLessThan(1e-5);
    // And it is an inverse: (G + λI)·P ≈ I on a few rows.
    for (const r of [0, 150, 299]) {
      for (const c of [0, 77, 299]) {
        let s = 0;
        for (let k = 0; k < n; k++) s += (g[r * n + k]! + (r === k ? 20 : 0)) * blocked[k * n + c]!;
        expect(s).toBeCloseTo(r === c ? 1 : 0, 4);
      }
    }
  });

  it('EASE covers the whole catalog when it fits, else the most-bought head; neighbours match B', () => {
    const n = 80;
    const gram = sparseGram(csrFromRows(randomRows(400, n, 6, 3), n));
    expect(easeHeadItems(gram).length).toBe(n);
    const head = easeHeadItems(gram, 50, 30);
    expect(head.length).toBe(30);
    const counts = Array.from({ length: n }, (_, i) => denseBlock(gram, [i])[0]!);
    const minHead = Math.min(...Array.from(head, (i) => counts[i]!));
    const outside = Array.from({ length: n }, (_, i) => i).filter((i) => !head.includes(i));
    expect(Math.max(...outside.map((i) => counts[i]!))).toBeLessThanOrEqual(minHead);
    const nb = easeNeighbours(gram, 10, 5, head);
    const b = easeWeights(denseBlock(gram, head), head.length, 10);
    const p = 3;
    const row = Array.from({ length: head.length }, (_, q) => ({ col: head[q]!, w: b[p * head.length + q]! })).filter((e) => e.col !== head[p]);
    row.sort((a, c) => c.w - a.w || a.col - c.col);
    expect(Array.from(nb.indices.subarray(head[p]! * 5, head[p]! * 5 + 5))).toEqual(row.slice(0, 5).map((e) => e.col));
    // A tail item has no EASE weights.
    expect(Array.from(nb.values.subarray(outside[0]! * 5, outside[0]! * 5 + 5))).toEqual([0, 0, 0, 0, 0]);
  });

  it('item-kNN neighbours and the sparse item-kNN baseline agree with dense cosines', async () => {
    const n = 60;
    const x = csrFromRows(randomRows(200, n, 5, 4), n);
    const g = gramMatrix(x);
    const cos = (i: number, j: number) => (g[i * n + j]! === 0 ? 0 : g[i * n + j]! / Math.sqrt(g[i * n + i]! * g[j * n + j]!));
    const nb = cosineNeighbours(sparseGram(x), 3);
    const i = 7;
    const expected = Array.from({ length: n }, (_, j) => j).filter((j) => j !== i).sort((a, b) => cos(i, b) - cos(i, a) || a - b).slice(0, 3);
    expect(Array.from(nb.indices.subarray(i * 3, i * 3 + 3)).filter((_, t) => nb.values[i * 3 + t]! > 0)).toEqual(expected.filter((j) => cos(i, j) > 0));
    const model = new ItemKnnModel();
    await model.fit(x, { seed: 42, items: [] });
    const scores = await model.scoreBatch(csrFromRows([[i]], n));
    for (let j = 0; j < n; j++) expect(scores[j]!).toBeCloseTo(j === i ? 0 : cos(i, j), 5);
  });
});
