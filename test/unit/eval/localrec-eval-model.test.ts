import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { csrFromRows } from '../../../src/util/csr';
import { loadDataset } from '../../../tools/io/dataset-node';
import { MODEL_REGISTRY } from '../../../eval/model-registry';
import { coldItemsSplit } from '../../../eval/splits';
import { initEvalBackend } from '../../../tools/io/node-backend';
import { EngineEvalModel } from '../../../eval/adapters/localrec-eval-model';
import { bridgeSettingsFrom, DEFAULT_NEW_ITEM_BRIDGE, generatorVerdict } from '../../../src/rank/new-item-bridge';
import { packColdStart } from '../../../tools/recipe/pack-settings';
import { NOISE_Z } from '../../../eval/paired-gain';
import { termCoherence, termWeightsAt } from '../../../tools/recipe/term-weights';

// Real data: the office slice (Amazon 2014 Office Products; test/fixtures/README.md).
const data = loadDataset(fileURLToPath(new URL('../../fixtures/office-slice', import.meta.url)));

describe('localrec (the worker’s ranking code, evaluated)', () => {
  it('is the registered `localrec`', () => {
    expect(MODEL_REGISTRY.localrec!({ protocol: 'cold-items', seed: 1, tuneMetric: 'NDCG@20' })).toBeInstanceOf(EngineEvalModel);
  });

  it('tunes the engine bridge on pseudo-cold warm items, then ranks cold items next to warm ones with the hybrid scorer, without leaking tensors', async () => {
    const split = coldItemsSplit(data, 42);
    const n = split.columns.length;
    const model = new EngineEvalModel({
      vae: { epochs: 2 },
      grid: { cfWeight: [0, 1], ridgeWeight: [0, 1], ridgeMu: [1], priorWeight: [0], carryText: [0, 1], scale: [1, 2], shift: [0, 1], generator: [0, 0.5, 4] },
      generatorTraining: { ae: { epochs: 2 }, gar: { epochs: 2 } },
    });
    await initEvalBackend();
    const tensorsBefore = tf.memory().numTensors;
    await model.fit(csrFromRows(split.train, n), { seed: 42, items: split.items });
    const before = tf.memory().numTensors;
    const inputs = split.test.inputs.slice(0, 20);
    const scores = await model.scoreBatch(csrFromRows(inputs, n));
    expect(tf.memory().numTensors).toBe(before);
    expect(scores.length).toBe(inputs.length * n);
    expect(scores.every(Number.isFinite)).toBe(true);
    // Cold items get scores of their own (not a constant): the bridge placed them.
    const coldScores = new Set<number>();
    for (let j = 0; j < n; j++) if (split.cold[j]) coldScores.add(scores[j]!);
    expect(coldScores.size).toBeGreaterThan(1);
    type Decision = { best: string; reference: string | null; gain?: number; se?: number; taken: boolean };
    const report = model.settings() as {
      termWeights: { coherence: number; features: number };
      tuning: { pseudoColdItems: number; chosen: Record<string, number>; coldValidationNDCG20: Record<string, number>; coherenceValidationNDCG20: Record<string, number>; hubnessValidationNDCG20: Record<string, number>; chosenColdNDCG20: number; decisions: Record<string, Decision> };
    };
    const settings = report;
    expect(settings.tuning.pseudoColdItems).toBeGreaterThan(0);
    expect(Object.keys(settings.tuning.coldValidationNDCG20)).toHaveLength(8);
    // Settings that cost the worker nothing take the best cell of their stage (near-ties keep the
    // library's neighbour count and hubness); parts with a cost (term weights, generator) only beat
    // the library default by more than NOISE_Z standard errors of the per-shopper difference. This
    // grid lacks the default weights, so the best of its cells is taken.
    const best = Math.max(...Object.values(settings.tuning.coldValidationNDCG20));
    const c = settings.tuning.chosen;
    const decisions = settings.tuning.decisions;
    expect(decisions.weights).toMatchObject({ reference: null, taken: true });
    expect(settings.tuning.coldValidationNDCG20[decisions.weights!.best]).toBe(best);
    expect(decisions.weights!.best).toBe(`cf ${c.cfWeight} ridge ${c.ridgeWeight}${c.ridgeWeight ? ` mu ${c.ridgeMu}` : ''} prior ${c.priorWeight} carryText ${c.carryText}`);
    // Nor does it hold the default calibration (scale 1.5, shift 2).
    expect(decisions.calibration).toMatchObject({ reference: null, taken: true });
    for (const stage of ['coherence', 'neighbours', 'hubness', 'generator']) {
      const d = decisions[stage]!;
      expect(d.reference, stage).not.toBeNull();
      const costly = stage === 'coherence' || stage === 'generator';
      const floor = stage === 'generator' ? 1e-3 : 0;
      expect(d.taken, stage).toBe(d.best !== d.reference && (costly ? d.gain! > NOISE_Z * d.se! && d.gain! > floor : d.gain! > 1e-4));
    }
    expect(decisions.coherence!.reference).toBe('coherence 0');
    expect(Object.keys(settings.tuning.coherenceValidationNDCG20)).toEqual(['coherence 0', 'coherence 0.25', 'coherence 0.5']);
    // The term weights the fit serves with: the exponent the stage kept, over the fit's own data.
    expect(`coherence ${settings.termWeights.coherence}`).toBe(decisions.coherence!.taken ? decisions.coherence!.best : 'coherence 0');
    expect(settings.termWeights.features > 0).toBe(settings.termWeights.coherence > 0);
    expect(c.neighbours).toBe(decisions.neighbours!.taken ? Number(decisions.neighbours!.best.split(' ')[1]) : 5);
    expect(c.hubness).toBe(decisions.hubness!.taken ? Number(decisions.hubness!.best.split(' ')[1]) : 0);
    expect(settings.tuning.chosenColdNDCG20).toBe(settings.tuning.hubnessValidationNDCG20[`hubness ${c.hubness}`]);
    // What train --evaluation would put in a pack is read back unchanged.
    expect(bridgeSettingsFrom(settings.tuning.chosen)).toEqual({ settings: settings.tuning.chosen, ignored: [] });
    // The GAN's generator was trained and weighed on the same pseudo-cold view: a weight above 0
    // only where it beats the bridge without it by more than 1e-3 and the noise; the pack records the verdict.
    const generator = (settings.tuning as unknown as { generator: { weight: number; garEpochs: number }; generatorValidationNDCG20: Record<string, number> });
    const table = generator.generatorValidationNDCG20;
    expect(Object.keys(table)).toEqual(['generator 0', 'generator 0.5', 'generator 4']);
    expect(generator.generator.garEpochs).toBeGreaterThan(0);
    const withGenerator = Math.max(table['generator 0.5']!, table['generator 4']!);
    if (generator.generator.weight === 0) expect(withGenerator).toBeLessThanOrEqual(table['generator 0']! + 1e-3 + 1e-4);
    else expect(table[`generator ${generator.generator.weight}`]).toBe(withGenerator);
    const line = { dataset: 'office-slice', protocol: 'cold-items', seed: 42, model: 'localrec', settings: model.settings() };
    const cold = packColdStart([line], (gamma) => termWeightsAt(termCoherence(split.items, csrFromRows(split.train, n)), gamma))!;
    expect(cold.generator).toEqual({ weight: generator.generator.weight, validationNDCG20: table, tunedOn: 'pseudo-cold items of office-slice, seed 42 (cold-items, localrec)' });
    expect(cold.termWeights?.coherence ?? 0).toBe(settings.termWeights.coherence);
    expect(generatorVerdict(cold.generator).note).toMatch(generator.generator.weight === 0 ? /^weight 0 on the store’s pseudo-cold validation/ : /does not run a generator/);
    model.dispose();
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  }, 240_000);

  it('`localrec+gan` runs the generator on the protocol’s new items at its best validation weight; known items score as without it', async () => {
    const split = coldItemsSplit(data, 42);
    const n = split.columns.length;
    const options = {
      vae: { epochs: 2 },
      grid: { cfWeight: [1], ridgeWeight: [1], ridgeMu: [1], priorWeight: [0], carryText: [0], neighbours: [5], hubness: [0], scale: [1], shift: [0], generator: [0, 0.5, 4] },
      generatorTraining: { ae: { epochs: 2 }, gar: { epochs: 2 } },
    };
    await initEvalBackend();
    const tensorsBefore = tf.memory().numTensors;
    const inputs = csrFromRows(split.test.inputs.slice(0, 20), n);
    const scored: Float32Array[] = [];
    const reports: Record<string, unknown>[] = [];
    for (const generator of ['weigh', 'apply'] as const) {
      const model = new EngineEvalModel({ ...options, generator });
      await model.fit(csrFromRows(split.train, n), { seed: 42, items: split.items });
      scored.push(await model.scoreBatch(inputs));
      reports.push(model.settings());
      model.dispose();
    }
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    const [weighed, applied] = scored as [Float32Array, Float32Array];
    const table = (reports[1] as { tuning: { generatorValidationNDCG20: Record<string, number> } }).tuning.generatorValidationNDCG20;
    const best = table['generator 0.5']! >= table['generator 4']! ? 0.5 : 4;
    expect((reports[1] as { generator: { weight: number } }).generator.weight).toBe(best);
    expect((reports[0] as { generator?: unknown }).generator).toBeUndefined();
    let coldDiffers = 0;
    for (let u = 0; u < inputs.rows; u++)
      for (let j = 0; j < n; j++) {
        if (split.cold[j]) coldDiffers += Math.abs(weighed[u * n + j]! - applied[u * n + j]!) > 1e-6 ? 1 : 0;
        else expect(applied[u * n + j]).toBe(weighed[u * n + j]);
      }
    expect(coldDiffers).toBeGreaterThan(0);
    expect(applied.every(Number.isFinite)).toBe(true);
  }, 240_000);

  it('takes bridge settings from a pack only when they are sound', () => {
    const { settings, ignored } = bridgeSettingsFrom({ cfWeight: 1, ridgeWeight: -2, ridgeMu: 0, shift: -0.5, neighbours: 3.5, scale: Number.NaN, carryText: 1.5, bogus: 1 } as Record<string, unknown>);
    expect(settings).toEqual({ ...DEFAULT_NEW_ITEM_BRIDGE, cfWeight: 1, shift: -0.5 });
    expect(ignored.sort()).toEqual(['bogus', 'carryText', 'neighbours', 'ridgeMu', 'ridgeWeight', 'scale']);
  });
});
