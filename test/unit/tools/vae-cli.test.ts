import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { loadPackFromDir } from '../../../tools/io/pack-node';
import { vaeScorerFromPack } from '../../../src/models/packs/vae-pack';
import { VaeEvalModel } from '../../../eval/adapters/vae-eval-model';
import { rankingSettingsFrom } from '../../../src/rank/ranking-settings';
import { officeSlice, sliceSplit } from '../models/vae-fixture';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'localrec-train-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('npm run train (tools/train.ts)', () => {
  it('trains on a dataset folder and writes a loadable pack, printing JSON progress and a summary', async () => {
    const { dir, data } = officeSlice();
    const pack = join(out, 'slice');
    const stdout = execFileSync(
      process.execPath,
      ['--import', 'tsx', 'tools/train.ts', '--data', dir, '--out', pack, '--epochs', '2', '--hidden', '32', '--latent', '8', '--neighbours', '10'],
      { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ stage: 'data', items: data.itemIds.length, users: data.userIds.length, backend: 'wasm' });
    const epochs = lines.filter((l) => l.stage === 'train');
    expect(epochs.map((l) => l.epoch)).toEqual([1, 2]);
    for (const l of epochs) expect(l).toMatchObject({ loaded: l.epoch, total: 2 });
    const done = lines.at(-1)!;
    expect(done).toMatchObject({ stage: 'done', backend: 'wasm', epochs: 2, weights: 'uint8' });
    expect(done.examplesPerSecond as number).toBeGreaterThan(0);
    expect(done.packBytes as number).toBeGreaterThan(0);

    const loaded = loadPackFromDir(pack);
    expect(loaded.items).toEqual(data.itemIds);
    expect(loaded.manifest).toMatchObject({ model: 'vae', backend: 'wasm', dimensions: { items: data.itemIds.length, hidden: 32, latent: 8, neighbours: 10, parts: 3 } });
    expect(loaded.manifest.dataFingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(loaded.manifest.training).toMatchObject({ epochs: 2, seed: 42 });
    await tf.setBackend('wasm');
    const scorer = vaeScorerFromPack(loaded);
    const scores = await scorer.scoreHistory([0, 3, 5]);
    expect(scores).toHaveLength(data.itemIds.length);
    expect(scores.every(Number.isFinite)).toBe(true);
    scorer.network.dispose();
  });

  it('--manifest-only writes the ranking the evaluation lines tuned into the manifest, every other file byte for byte', () => {
    const { dir } = officeSlice();
    const pack = join(out, 'slice');
    const before = Object.fromEntries(['weights.bin', 'items.json', 'model.json'].map((name) => [name, readFileSync(join(pack, name))]));
    const lines = [
      { dataset: 'office', protocol: 'loo', seed: 42, model: 'vae+recency', metrics: {}, settings: { halfLife: 2 } },
      { dataset: 'office', protocol: 'intent', seed: 42, model: 'localrec', metrics: {}, settings: { search_event_weight: 5, query_evidence: { hits: 10, boost: 40 } } },
      { dataset: 'office', protocol: 'strong', seed: 42, model: 'vae+spread', metrics: {}, settings: { spreadVariants: { wait: 'all', validation: {} } } },
      { dataset: 'office', protocol: 'loo', seed: 42, model: 'vae+recency+spread', metrics: {}, settings: { spreadVariants: { wait: 4, validation: {} } } },
    ];
    const file = join(out, 'evaluation.jsonl');
    writeFileSync(file, `# a command\n${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
    const stdout = execFileSync(process.execPath, ['--import', 'tsx', 'tools/train.ts', '--data', dir, '--out', pack, '--evaluation', file, '--manifest-only'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).toMatchObject({ stage: 'done', manifestOnly: true });
    for (const [name, bytes] of Object.entries(before)) expect(readFileSync(join(pack, name)).equals(bytes)).toBe(true);
    const manifest = loadPackFromDir(pack).manifest;
    expect(manifest.evaluation).toEqual(lines);
    expect(manifest.ranking).toMatchObject({
      halfLife: 2,
      eventWeights: { weights: { search: 5 }, tunedOn: expect.stringMatching(/intent validation users of office, seed 42/) },
      queryEvidence: { hits: 10, boost: 40 },
      // The shortest wait of the +spread lines: every protocol's NDCG within its bound.
      variants: { wait: 4, tunedOn: expect.stringMatching(/loo, vae\+recency\+spread/) },
    });
    expect(rankingSettingsFrom(manifest.ranking)).toMatchObject({ halfLife: 2, eventWeights: { search: 5 }, queryEvidence: { hits: 10, boost: 40 }, variantWait: 4, ignored: [] });
  });

  it('rejects a bad command line with the usage and exit code 2', () => {
    let status = 0;
    let stderr = '';
    try {
      execFileSync(process.execPath, ['--import', 'tsx', 'tools/train.ts', '--out', join(out, 'x')], { cwd: root, encoding: 'utf8', stdio: 'pipe' });
    } catch (error) {
      status = (error as { status: number }).status;
      stderr = String((error as { stderr: string }).stderr);
    }
    expect(status).toBe(2);
    expect(stderr).toMatch(/--data DIR is required/);
    expect(stderr).toMatch(/usage: npm run train/);
  });
});

describe('VaeEvalModel (the evaluation command\'s `vae`)', () => {
  it('fits through the EvalModel contract and scores held-out rows', async () => {
    const { train, validation } = sliceSplit();
    const model = new VaeEvalModel({ tuneMetric: 'NDCG@20', overrides: { hidden: 32, latent: 8, epochs: 3, neighbours: 10 } });
    const events: string[] = [];
    await model.fit(train, { seed: 42, items: officeSlice().data.items, validation, onProgress: (e) => events.push(e.stage) });
    expect(model.name).toBe('vae');
    expect(model.backend()).toBe('wasm');
    expect(events).toContain('train');
    const scores = await model.scoreBatch(validation.inputs);
    expect(scores).toHaveLength(validation.inputs.rows * train.cols);
    expect(model.settings()).toMatchObject({ hidden: 32, latent: 8, validationMetric: 'NDCG@20', parts: ['ease', 'knn', 'content'], neighbours: 10 });
    model.dispose();
    await expect(model.scoreBatch(validation.inputs)).rejects.toThrow(/before fit/);
  });
});
