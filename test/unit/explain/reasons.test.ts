import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Evidence, Item } from '../../../src/shared/types';
import { buildDataset, parseInteractions } from '../../../eval/dataset';
import { initEvalBackend } from '../../../tools/io/node-backend';
import { citedEvidence, templateReason } from '../../../src/explain/template-reason';
import { fnv1a } from '../../../src/util/hash';
import { mineAspectLexicon, reviewSentence } from '../../../src/explain/generator/aspects';
import { checkReason, FactWords, type ReasonEvidence } from '../../../src/explain/generator/checker';
import { checkedReason, ReasonGenerator } from '../../../src/explain/generator/generator';
import { buildReasonData, type ReasonData } from '../../../eval/reasons/reason-data';
import { decodeReasonPack, encodeReasonPack } from '../../../src/explain/generator/reason-pack';
import { readReviews } from '../../../tools/io/reviews-node';
import { detokenize } from '../../../src/explain/generator/text';
import { trainReasonNet } from '../../../src/explain/generator/trainer';
import { delexicalize } from '../../../src/explain/generator/vocabulary';

const SLICE = new URL('../../fixtures/reviews-slice/', import.meta.url).pathname;

const strings: Item = { id: 'S1', title: 'Phosphor Bronze Acoustic Guitar Strings', brand: 'Acme', category: ['Guitar Strings'], price: 6 };
const tuner: Item = { id: 'T1', title: 'Clip-On Tuner', brand: 'Acme', category: ['Tuners'], price: 15 };
const pedal: Item = { id: 'P1', title: 'Wah Pedal', brand: 'Dunlop', category: ['Pedals'], price: 80 };
const catalog = [strings, tuner, pedal];
const facts = new FactWords(['strings', 'tone', 'pedal', 'tuner', 'cable', 'sound'], catalog);
const evidence: Evidence[] = [{ kind: 'item', itemId: tuner.id, title: tuner.title, event: 'purchase', influence: 0.4 }];
const ev: ReasonEvidence = {
  item: strings,
  aspects: ['strings', 'tone', 'sound'],
  evidence,
  shared: [{ attribute: 'brand', value: 'Acme', itemId: tuner.id }],
  historyItems: [tuner],
};

describe('checkReason: every stated fact must be in the evidence', () => {
  it('accepts aspects of the item, its own words and the template reason', () => {
    expect(checkReason('These strings have a warm tone.', ev, facts)).toEqual({ ok: true, violations: [] });
    expect(checkReason('Great guitar strings from Acme.', ev, facts).ok).toBe(true);
    const template = templateReason(ev.evidence, ev.shared);
    expect(template).toBe('Because you bought “Clip-On Tuner” — this is also by Acme.');
    expect(checkReason(template, ev, facts).ok).toBe(true);
  });

  it('rejects an aspect, brand, history item, event or price that the evidence does not support', () => {
    expect(checkReason('The pedal sounds great.', ev, facts).violations).toEqual(['"pedal" is not true of this item']);
    expect(checkReason('A classic from Dunlop.', ev, facts).ok).toBe(false);
    expect(checkReason('Because you bought “Wah Pedal”.', ev, facts).ok).toBe(false);
    expect(checkReason('Because you viewed “Clip-On Tuner”.', ev, facts).violations[0]).toMatch(/does not say you viewed/);
    expect(checkReason('Only $50 for these strings.', ev, facts).ok).toBe(false);
    expect(checkReason('In the $4.06–$6.59 range.', ev, facts).ok).toBe(true);
  });

  it('a reason with a false claim is replaced by the template built from the same evidence', () => {
    const out = checkedReason('Great pedal for the price.', ev, facts);
    expect(out.source).toBe('template');
    expect(out.reason).toBe(templateReason(ev.evidence, ev.shared, true, fnv1a(ev.item.id)));
    expect(out.violations).toEqual(['"pedal" is not true of this item']);
    expect(checkedReason('Great strings for the tone.', ev, facts)).toMatchObject({ source: 'generator', reason: 'Great strings for the tone.' });
  });
});

describe('template reasons read well', () => {
  const view = (id: string, title: string, influence: number): Evidence => ({ kind: 'item', itemId: id, title, event: 'view', influence });
  const caliper = view('C1', 'Neiko 01409A Electronic Digital Caliper with Extra Large LCD Screen', 0.9);

  it('cites one item when one suffices, a second only when it counted nearly as much', () => {
    const weak = view('C2', 'Dial Caliper', 0.3);
    expect(templateReason([caliper, weak], [], true)).toBe('Because you viewed “Neiko 01409A Electronic Digital Caliper with Extra Large…”.');
    expect(citedEvidence([caliper, weak], [])).toHaveLength(1);
    const strong = view('C2', 'Dial Caliper', 0.8);
    expect(templateReason([caliper, strong], [], true)).toBe('Because you viewed “Neiko 01409A Electronic Digital Caliper with Extra Large…” and “Dial Caliper”.');
    // An attribute that links the top item is enough on its own.
    expect(citedEvidence([caliper, strong], [{ attribute: 'category', value: 'Digital Calipers', itemId: 'C1' }])).toHaveLength(1);
  });

  it('words rows differently, every wording true to the checker', () => {
    const cases: [Evidence[], ReasonEvidence['shared']][] = [
      [evidence, ev.shared],
      [evidence, []],
      [[...evidence, { kind: 'item', itemId: pedal.id, title: pedal.title, event: 'purchase', influence: 0.35 }], []],
      [[{ kind: 'search', query: 'acme strings', influence: 0.5 }], []],
    ];
    for (const [cited, shared] of cases) {
      const wordings = new Set([0, 1, 2].map((v) => templateReason(cited, shared, true, v)));
      expect(wordings.size).toBe(3);
      for (const reason of wordings) {
        const check = checkReason(reason, { ...ev, evidence: cited, shared, historyItems: [tuner, pedal] }, facts);
        expect(check.violations, reason).toEqual([]);
      }
    }
    expect([0, 1, 2].map((v) => templateReason(evidence, ev.shared, true, v))).toEqual([
      'Because you bought “Clip-On Tuner” — this is also by Acme.',
      'Also by Acme, like “Clip-On Tuner”, which you bought.',
      'You bought “Clip-On Tuner”; this is also by Acme.',
    ]);
  });
});

describe('reason text', () => {
  it('delexicalises aspects into one slot per run and numbers into <unk>', () => {
    expect(delexicalize('The guitar strings sound great, 10 stars!', (w) => ['guitar', 'strings', 'sound'].includes(w))).toEqual([
      'the', '<aspect>', 'great', ',', '<unk>', 'stars', '!',
    ]);
    expect(detokenize(['i', 'love', 'these', 'strings', ',', 'really'])).toBe('I love these strings, really.');
  });

  it('the reference is the first sentence that names an aspect', () => {
    expect(reviewSentence('Arrived fast. The strings feel smooth. Good.', ['strings'])).toBe('The strings feel smooth.');
    expect(reviewSentence('Arrived fast. Good.', ['strings'])).toBe('Arrived fast.');
    expect(mineAspectLexicon([{ userId: 'u', itemId: 'i', text: 'strings strings' }], { size: 5, minReviews: 1, minItems: 1 })).toEqual(['strings']);
  });
});

describe('the reason generator on a real slice of musical_instruments reviews', () => {
  let rd: ReasonData;
  beforeAll(async () => {
    await initEvalBackend();
    const data = buildDataset('reviews-slice', parseInteractions(readFileSync(`${SLICE}interactions.csv`, 'utf8')));
    rd = buildReasonData(data, readReviews(SLICE), 400);
  });

  it('training lowers the loss, and every generated reason is checked (faithful by construction)', async () => {
    const shape = { ...rd.shape, wordDim: 16, condDim: 8, ctxDim: 16, hidden: 32 };
    const losses: number[] = [];
    const trained = await trainReasonNet(shape, rd.vocabulary, rd.train, rd.validation, {
      epochs: 3, batchSize: 32, learningRate: 0.01, seed: 1, patience: 3,
      onEpoch: (e) => losses.push(e.trainLoss),
    });
    expect(rd.train.length).toBeGreaterThan(200);
    expect(losses).toHaveLength(3);
    expect(losses[2]!).toBeLessThan(losses[0]! - 0.3);
    expect(trained.validationLoss.at(-1)!).toBeLessThan(trained.validationLoss[0]!);

    const model = { shape, weights: trained.weights, vocabulary: [...rd.vocabulary.tokens], lexicon: rd.lexicon, itemIds: rd.itemIds, itemAspects: {} };
    const gen = new ReasonGenerator(model);
    const allFacts = new FactWords(rd.lexicon);
    const cases = rd.test.slice(0, 40);
    const out = await gen.reasons(cases.map((c) => c.evidence), allFacts);
    gen.dispose();
    for (const [i, r] of out.entries()) {
      expect(checkReason(r.reason, cases[i]!.evidence, allFacts).ok).toBe(true);
      if (r.source === 'generator') expect(r.reason).toBe(r.generated);
    }
    expect(out.filter((r) => r.source === 'generator').length).toBeGreaterThan(0);

    // The pack round trip (float16) gives a generator that writes the same kind of checked reasons.
    const files = encodeReasonPack(model, { createdAt: '', dataset: 'slice', dataFingerprint: '', backend: 'wasm', training: {}, evaluation: null });
    const decoded = decodeReasonPack({
      model: JSON.parse(files['model.json']) as unknown,
      weights: files['weights.bin'],
      items: JSON.parse(files['items.json']) as unknown,
      manifest: JSON.parse(files['manifest.json']) as unknown,
    });
    expect(decoded.vocabulary).toEqual(model.vocabulary);
    expect(Math.max(...Array.from(decoded.weights['out/w'], (v, i) => Math.abs(v - model.weights['out/w'][i]!)))).toBeLessThan(1e-2);
    expect(() => decodeReasonPack({ ...JSON.parse('{}'), model: {}, weights: new Uint8Array(0), items: {}, manifest: JSON.parse(files['manifest.json']) as unknown })).toThrow(/reasons pack/);
  }, 120_000);
});

describe('the checker and the catalog', () => {
  it('takes brand and category words as facts, but not their function words', () => {
    const hillman: Item = { id: 'H1', title: 'Hex Nut', brand: 'The Hillman Group', category: ['Nuts and Bolts'] };
    const words = new FactWords([], [hillman]);
    expect(['hillman', 'group', 'nuts', 'bolts'].every((w) => words.has(w))).toBe(true);
    expect(['the', 'and'].some((w) => words.has(w))).toBe(false);
    // A reason that names another brand still fails; one that uses "the" and "and" no longer does.
    const nut: ReasonEvidence = { item: { id: 'N1', title: 'Lock nut' }, aspects: ['nut'], evidence, shared: [], historyItems: [] };
    expect(checkReason('The nut and the lock.', nut, words).ok).toBe(true);
    expect(checkReason('A Hillman nut.', nut, words).violations).toEqual(['"hillman" is not true of this item']);
  });
});
