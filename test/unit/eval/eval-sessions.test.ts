import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SknnModel } from '../../../eval/baselines/sknn';
import { csrFromRows } from '../../../src/util/csr';
import { buildDataset, parseInteractions } from '../../../eval/dataset';
import { loadDataset } from '../../../tools/io/dataset-node';
import type { Csr, EvalModel } from '../../../eval/eval-model';
import { evaluateUsers } from '../../../eval/evaluate';
import { parseMetric, reciprocalRankAt } from '../../../src/util/ranking-metrics';
import { tieRanks } from '../../../eval/metrics';
import { MODEL_REGISTRY } from '../../../eval/model-registry';
import { runProtocol } from '../../../eval/run-protocol';
import { collapseRepeats, distinctByLastClick, sessionsSplit } from '../../../eval/sessions';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const SLICE = fileURLToPath(new URL('../../fixtures/sessions-slice', import.meta.url));

describe('session sequences', () => {
  it('collapses runs of the same item, keeps interleaved repeats', () => {
    expect(collapseRepeats([1, 1, 1, 2, 3, 3, 1])).toEqual([1, 2, 3, 1]);
    expect(collapseRepeats([4, 4])).toEqual([4]);
    expect(collapseRepeats([])).toEqual([]);
  });

  it('lists distinct items by their last click', () => {
    expect(distinctByLastClick([2, 1, 2, 3])).toEqual([1, 2, 3]);
    expect(distinctByLastClick([5, 6, 5])).toEqual([6, 5]);
  });

  it('the dataset keeps every click in time order (unsorted within-session times, ties in file order)', () => {
    // Diginetica-style: times are offsets within the session, rows not in time order.
    const csv = ['user_id,item_id,timestamp', 's1,a,500', 's1,b,100', 's2,c,7', 's1,a,900', 's1,c,100', 's2,c,3'].join('\n');
    const d = buildDataset('t', parseInteractions(csv));
    const items = (u: number) => Array.from(d.sequences[u] as Int32Array).map((i) => d.itemIds[i]);
    expect(items(0)).toEqual(['b', 'c', 'a', 'a']);
    expect(items(1)).toEqual(['c', 'c']);
    expect(Array.from(d.lastRows)).toEqual([4, 5]);
    expect(Array.from(d.histories[0] as Int32Array).map((i) => d.itemIds[i])).toEqual(['b', 'c', 'a']);
  });
});

describe('sessions split on hand-made sessions', () => {
  // 16 training sessions (L starts first but ends last of them), two sessions that never qualify,
  // then validation v1, v2 and test t1, t2. Held-out sessions carry small "within-session" times:
  // ordering by timestamp would put them first; the split orders by file position.
  const rows: string[] = ['user_id,item_id,timestamp', 'L,d,1000'];
  const pairs = [['a', 'b'], ['b', 'c'], ['a', 'c'], ['c', 'd']];
  for (let k = 0; k < 15; k++) {
    const [x, y] = pairs[k % 4] as [string, string];
    rows.push(`tr${k},${x},${2000 + 2 * k}`, `tr${k},${y},${2001 + 2 * k}`);
  }
  rows.push('L,a,3000', 'one,a,3001', 'twice,b,3002', 'twice,b,3003');
  rows.push('v1,x,1', 'v1,a,2'); // input x is not a training item → no input left
  rows.push('v2,a,1', 'v2,b,2', 'v2,a,3'); // target a was clicked before
  rows.push('t1,a,1', 't1,z,2'); // target z is not a training item
  rows.push('t2,b,1', 't2,c,7', 't2,c,3', 't2,b,2', 't2,x,4', 't2,a,5', 't2,c,6'); // b b c x a c c by time
  const data = buildDataset('hand', parseInteractions(rows.join('\n')));
  const split = sessionsSplit(data);
  const name = (u: number) => data.userIds[u];
  const col = (id: string) => split.columns.indexOf(data.itemIds.indexOf(id));

  it('orders sessions by their last row and holds out max(1, int(0.1·n)) each for validation and test', () => {
    expect(split.eligibleSessions).toBe(20);
    expect(split.trainSessions.map(name)).toEqual([...Array.from({ length: 15 }, (_, k) => `tr${k}`), 'L']);
    expect(split.validation.sessions.map(name)).toEqual(['v1', 'v2']);
    expect(split.test.sessions.map(name)).toEqual(['t1', 't2']);
  });

  it('builds columns from training items and rows of distinct items by last click', () => {
    expect(split.columns.map((i) => data.itemIds[i]).sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(split.train[15]).toEqual([col('d'), col('a')]);
  });

  it('skips and counts sessions without a known target or input; counts repeat targets', () => {
    expect(split.validation).toMatchObject({ skippedInput: 1, skippedTarget: 0, targetInInput: 1 });
    expect(split.validation.users.map(name)).toEqual(['v2']);
    expect(split.validation.inputs).toEqual([[col('a'), col('b')]]); // a b before the target
    expect(split.validation.targets).toEqual([[col('a')]]);
    expect(split.test).toMatchObject({ skippedInput: 0, skippedTarget: 1, targetInInput: 1 });
    expect(split.test.users.map(name)).toEqual(['t2']);
    // b b c x a c c → b c x a c: target c; input b c x a, x dropped, by last click.
    expect(split.test.inputs).toEqual([[col('b'), col('c'), col('a')]]);
    expect(split.test.targets).toEqual([[col('c')]]);
  });
});

/** The slice read independently of eval/: each session's clicks by time, runs collapsed. */
function readSlice(): { clicks: Map<string, string[]>; lastTime: Map<string, number> } {
  const lines = readFileSync(join(SLICE, 'interactions.csv'), 'utf8').trim().split('\n').slice(1);
  const events = new Map<string, { item: string; t: number }[]>();
  for (const line of lines) {
    const [user, item, t] = line.split(',') as [string, string, string];
    if (!events.has(user)) events.set(user, []);
    events.get(user)?.push({ item, t: Number(t) });
  }
  const clicks = new Map<string, string[]>();
  const lastTime = new Map<string, number>();
  for (const [user, list] of events) {
    const items = [...list].sort((a, b) => a.t - b.t).map((e) => e.item);
    clicks.set(user, items.filter((item, k) => k === 0 || items[k - 1] !== item));
    lastTime.set(user, Math.max(...list.map((e) => e.t)));
  }
  return { clicks, lastTime };
}

describe('sessions split on the YooChoose slice', () => {
  const data = loadDataset(SLICE);
  const split = sessionsSplit(data);
  const { clicks, lastTime } = readSlice();
  const eligible = [...clicks.values()].filter((c) => c.length >= 2).length;
  const h = Math.max(1, Math.floor(0.1 * eligible));
  const id = (u: number) => data.userIds[u] as string;
  const itemOf = (c: number) => data.itemIds[split.columns[c] as number] as string;

  it('holds out the most recent sessions: test after validation after training', () => {
    expect(split.eligibleSessions).toBe(eligible);
    expect(split.validation.sessions.length).toBe(h);
    expect(split.test.sessions.length).toBe(h);
    expect(split.trainSessions.length).toBe(eligible - 2 * h);
    const all = [...split.trainSessions, ...split.validation.sessions, ...split.test.sessions];
    expect(new Set(all).size).toBe(all.length);
    const times = (ss: number[]) => ss.map((s) => lastTime.get(id(s)) as number);
    expect(Math.max(...times(split.trainSessions))).toBeLessThanOrEqual(Math.min(...times(split.validation.sessions)));
    expect(Math.max(...times(split.validation.sessions))).toBeLessThanOrEqual(Math.min(...times(split.test.sessions)));
  });

  it('trains on the items of the training sessions only', () => {
    const trainItems = new Set(split.trainSessions.flatMap((s) => clicks.get(id(s)) as string[]));
    expect(new Set(split.columns.map((i) => data.itemIds[i]))).toEqual(trainItems);
    split.train.forEach((row, r) => {
      const c = clicks.get(id(split.trainSessions[r] as number)) as string[];
      expect(row.map(itemOf)).toEqual([...new Set(c)].sort((x, y) => c.lastIndexOf(x) - c.lastIndexOf(y)));
    });
  });

  it('target = last click, input = the earlier training items by last click; skips are counted', () => {
    const trainItems = new Set(split.columns.map((i) => data.itemIds[i] as string));
    let skippedTarget = 0;
    let skippedInput = 0;
    for (const part of [split.validation, split.test]) {
      expect(part.users.length + part.skippedTarget + part.skippedInput).toBe(part.sessions.length);
      part.users.forEach((s, k) => {
        const c = clicks.get(id(s)) as string[];
        expect(part.targets[k]?.map(itemOf)).toEqual([c[c.length - 1]]);
        const earlier = c.slice(0, -1).filter((x) => trainItems.has(x));
        const expected = [...new Set(earlier)].sort((x, y) => earlier.lastIndexOf(x) - earlier.lastIndexOf(y));
        expect(part.inputs[k]?.map(itemOf)).toEqual(expected);
      });
    }
    for (const s of split.test.sessions) {
      const c = clicks.get(id(s)) as string[];
      if (!trainItems.has(c[c.length - 1] as string)) skippedTarget++;
      else if (!c.slice(0, -1).some((x) => trainItems.has(x))) skippedInput++;
    }
    expect([split.test.skippedTarget, split.test.skippedInput]).toEqual([skippedTarget, skippedInput]);
    expect(skippedTarget).toBeGreaterThan(0); // the slice exercises the rule
    expect(split.test.targetInInput).toBe(split.test.users.filter((_, k) => split.test.inputs[k]?.includes(split.test.targets[k]?.[0] as number)).length);
    expect(split.test.targetInInput).toBeGreaterThan(0);
  });
});

describe('MRR@k', () => {
  const targets = new Set([7]);
  it('is 1/rank of the target within the top k, else 0', () => {
    expect(reciprocalRankAt([7, 1, 2], targets, 20)).toBe(1);
    expect(reciprocalRankAt([1, 2, 7], targets, 20)).toBeCloseTo(1 / 3, 12);
    expect(reciprocalRankAt([1, 2, 7], targets, 2)).toBe(0);
    const ranked = Array.from({ length: 25 }, (_, r) => (r === 20 ? 7 : 100 + r)); // rank 21
    expect(reciprocalRankAt(ranked, targets, 20)).toBe(0);
    expect(reciprocalRankAt(ranked, targets, 21)).toBeCloseTo(1 / 21, 12);
    expect(reciprocalRankAt([1, 2], targets, 20)).toBe(0);
    expect(parseMetric('MRR@20')).toEqual({ key: 'MRR@20', kind: 'MRR', k: 20 });
  });

  it('averages over sessions; unmasked, an input item can be the hit', async () => {
    // 30 items, scores descending with the item index reversed: item 29 ranks 1st, 28 2nd, …
    const n = 30;
    const score = async (x: Csr) => {
      const out = new Float32Array(x.rows * n);
      for (let r = 0; r < x.rows; r++) for (let i = 0; i < n; i++) out[r * n + i] = i;
      return out;
    };
    const inputs = [[29], [28], [5]];
    const targets = [[29], [27], [0]]; // ranks 1, 3 and 30
    const opts = { score, inputs, targets, cols: n, metrics: ['HR@20', 'MRR@20'], tieRank: tieRanks(n, 42) };
    const unmasked = await evaluateUsers({ ...opts, maskInputs: false });
    expect(unmasked['HR@20']).toBeCloseTo(2 / 3, 12);
    expect(unmasked['MRR@20']).toBeCloseTo((1 + 1 / 3 + 0) / 3, 12);
    // Masked (the other protocols' default): input items are never ranked, so the first session
    // cannot hit and the second one's target moves up to rank 2.
    const masked = await evaluateUsers(opts);
    expect(masked['MRR@20']).toBeCloseTo((0 + 1 / 2 + 0) / 3, 12);
  });
});

describe('sknn', () => {
  // Training sessions, oldest first: {0,1} {0,2} {0,1,3} {4,5}.
  const train = csrFromRows([[0, 1], [0, 2], [0, 1, 3], [4, 5]], 40);
  const scoresFor = async (model: SknnModel, input: number[]) => Array.from((await model.scoreBatch(csrFromRows([input], 40))).slice(0, 6));

  it('sums the cosine similarities of the k nearest sessions', async () => {
    const s2 = 2 / Math.sqrt(6);
    const m = new SknnModel({ defaultK: 2 });
    await m.fit(train, { seed: 1, items: [] });
    // Input {0,1}: cosines 1, 0.5, 0.816 and no overlap with {4,5}; k = 2 keeps rows 0 and 2.
    const got = await scoresFor(m, [0, 1]);
    [1 + s2, 1 + s2, 0, s2, 0, 0].forEach((v, i) => expect(got[i]).toBeCloseTo(v, 6));
    const m3 = new SknnModel({ defaultK: 3 });
    await m3.fit(train, { seed: 1, items: [] });
    expect((await scoresFor(m3, [0, 1]))[2]).toBeCloseTo(0.5, 6);
  });

  it('compares only the m most recent sessions that share an item', async () => {
    const m = new SknnModel({ defaultK: 10, sampleSize: 1 });
    await m.fit(train, { seed: 1, items: [] });
    const s2 = 2 / Math.sqrt(6);
    const got = await scoresFor(m, [0, 1]); // only row 2 = {0,1,3}
    [s2, s2, 0, s2, 0, 0].forEach((v, i) => expect(got[i]).toBeCloseTo(v, 6));
  });

  it('tunes k on the validation sessions', async () => {
    // Target 2 is only in the third-nearest session: k = 1 cannot rank it, k = 3 can.
    const validation = { inputs: csrFromRows([[0, 1]], 40), targets: [[2]] };
    const m = new SknnModel({ ks: [1, 3] });
    await m.fit(train, { seed: 1, items: [], validation, maskInputs: true });
    const s = m.settings();
    expect(s.k).toBe(3);
    const tried = s.validation as Record<string, number>;
    expect(tried['3']).toBeCloseTo(1 / 2, 5); // masked 0 and 1: item 3 first, item 2 second
    expect(tried['1']).toBeLessThan(tried['3'] as number);
  });
});

describe('sessions protocol', () => {
  const data = loadDataset(SLICE);

  it('sknn beats most-popular on the slice; keys are HR@20 and MRR@20', async () => {
    const [pop, sknn] = await runProtocol({ data, protocol: 'sessions', seed: 42, models: ['popular', 'sknn'] });
    expect(Object.keys(pop?.metrics ?? {})).toEqual(['HR@20', 'MRR@20']);
    expect(sknn?.metrics['HR@20']).toBeGreaterThan(2 * (pop?.metrics['HR@20'] as number));
    expect(sknn?.metrics['MRR@20']).toBeGreaterThan(2 * (pop?.metrics['MRR@20'] as number));
    expect(sknn?.settings.tuned_on).toBe('validation MRR@20');
    expect(sknn?.settings.eval).toMatchObject({ test_sessions: sessionsSplit(data).test.users.length });
  });

  it('masks nothing, and a row lists the input by last click', async () => {
    // A probe model that scores the session's own items by position in the row (last = best) and
    // every other item 0: its ranking is the input by recency, then the rest in the tie order.
    const probe = (): EvalModel => {
      let n = 0;
      return {
        name: 'probe-recent',
        fit: async (train) => void (n = train.cols),
        scoreBatch: async (x) => {
          const out = new Float32Array(x.rows * n);
          for (let r = 0; r < x.rows; r++) {
            const start = x.indptr[r] as number;
            for (let a = start; a < (x.indptr[r + 1] as number); a++) out[r * n + (x.indices[a] as number)] = 1 + a - start;
          }
          return out;
        },
        settings: () => ({}),
        backend: () => 'js',
      };
    };
    MODEL_REGISTRY['probe-recent'] = probe;
    try {
      const [record] = await runProtocol({ data, protocol: 'sessions', seed: 42, models: ['probe-recent'] });
      const split = sessionsSplit(data);
      const test = split.test;
      const tieRank = tieRanks(split.columns.length, 42);
      let hits = 0;
      let rr = 0;
      let repeatHits = 0;
      test.inputs.forEach((input, k) => {
        const target = test.targets[k]?.[0] as number;
        const at = input.indexOf(target);
        let rank = input.length - at;
        if (at < 0) {
          rank = input.length + 1;
          for (let j = 0; j < tieRank.length; j++) if (!input.includes(j) && (tieRank[j] as number) < (tieRank[target] as number)) rank++;
        } else repeatHits++;
        if (rank <= 20) [hits, rr] = [hits + 1, rr + 1 / rank];
      });
      expect(repeatHits).toBe(test.targetInInput);
      expect(repeatHits).toBeGreaterThan(0);
      expect(record?.metrics['HR@20']).toBeCloseTo(hits / test.users.length, 4);
      expect(record?.metrics['MRR@20']).toBeCloseTo(rr / test.users.length, 4);
    } finally {
      delete MODEL_REGISTRY['probe-recent'];
    }
  });

  it('runs from the command line', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'tools/eval.ts', '--data', SLICE, '--protocol', 'sessions', '--models', 'popular,sknn', '--json'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(run.status).toBe(0);
    const lines = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as { protocol: string; model: string; metrics: object });
    expect(lines.map((l) => [l.protocol, l.model, Object.keys(l.metrics)])).toEqual([
      ['sessions', 'popular', ['HR@20', 'MRR@20']],
      ['sessions', 'sknn', ['HR@20', 'MRR@20']],
    ]);
  });
});
