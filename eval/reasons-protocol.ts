import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { templateReason } from '../src/explain/template-reason';
import { reviewSentence } from '../src/explain/generator/aspects';
import { checkReason, FactWords } from '../src/explain/generator/checker';
import { ReasonGenerator, type ReasonModel } from '../src/explain/generator/generator';
import { buildReasonData, type ReasonCase, type ReasonData } from './reasons/reason-data';
import { readReviews } from '../tools/io/reviews-node';
import { wordTokens } from '../src/explain/generator/text';
import { DEFAULT_REASON_TRAINING, trainReasonNet, type ReasonTrainOptions } from '../src/explain/generator/trainer';
import type { Dataset } from './dataset';
import type { EvalRecord } from './run-protocol';
import { REASON_METRICS, textMetrics } from './text-metrics';
import { initEvalBackend } from '../tools/io/node-backend';

/**
 * The `reasons` protocol of shared/EVALUATION.md on a dataset with `reviews.jsonl`:
 * - Split: `loo`. Every test (user, last item) whose review exists is a case; the reference is the
 *   shopper's own review of that item, its first sentence that mentions one of the item's aspects
 *   (aspects: src/explain/generator/aspects.ts, mined from training reviews only), else its first sentence.
 * - Evidence per case: the item, its aspects, and up to 3 items of the shopper's history (the
 *   test input) with the highest item–item cosine to it on the training rows (none related: the
 *   latest item). Every model gets the same evidence.
 * - `generator`: the GRU reason generator trained here on the training reviews (validation
 *   reviews for early stopping), greedy decoding, slots filled from the evidence, checked (a
 *   failing sentence becomes the template reason). `template`: the product's template reason.
 * - `nearest-review`: a training review copied as is: of the same item, by the reviewer who shares
 *   most items with the shopper (ties: first in the file); where the item has no training review,
 *   the same for the top evidence item. Its aspect sentence, chosen as for references.
 * - Metrics on lower-cased word tokens: corpus BLEU-1/4, mean ROUGE-1/2/L F1, USR, and
 *   faithfulness = share of reasons that pass checkReason against the case's evidence.
 */

export type ReasonsEvalRecord = Omit<EvalRecord, 'protocol'> & { protocol: 'reasons' };

export interface ReasonsProtocolOptions {
  data: Dataset;
  /** The dataset directory (for reviews.jsonl). */
  dir: string;
  seed: number;
  training?: Partial<ReasonTrainOptions>;
  /** Only the first n test cases (tests). */
  maxCases?: number;
}

function nearestReview(rd: ReasonData, c: ReasonCase): string {
  const mine = new Set(c.history);
  const pick = (item: number): string | null => {
    const reviews = rd.trainReviews.get(item);
    if (!reviews || reviews.length === 0) return null;
    let best = reviews[0]!;
    let bestShared = -1;
    for (const r of reviews) {
      const shared = rd.split.train[r.user]!.reduce((n, i) => n + (mine.has(i) ? 1 : 0), 0);
      if (shared > bestShared) {
        best = r;
        bestShared = shared;
      }
    }
    return reviewSentence(best.text, rd.aspects.aspectsOf(rd.itemIds[item]!));
  };
  const fromItem = pick(c.item);
  if (fromItem !== null) return fromItem;
  const top = c.evidence.evidence[0];
  const row = top && top.kind === 'item' ? rd.itemIds.indexOf(top.itemId) : -1;
  return (row >= 0 ? pick(row) : null) ?? '';
}

export async function runReasonsProtocol(options: ReasonsProtocolOptions): Promise<ReasonsEvalRecord[]> {
  if (!existsSync(join(options.dir, 'reviews.jsonl'))) throw new Error(`the reasons protocol needs reviews.jsonl in ${options.dir}`);
  const backend = await initEvalBackend();
  const rd = buildReasonData(options.data, readReviews(options.dir));
  const cases = options.maxCases === undefined ? rd.test : rd.test.slice(0, options.maxCases);
  const facts = new FactWords(rd.lexicon, options.data.items);
  const training: ReasonTrainOptions = { ...DEFAULT_REASON_TRAINING, seed: options.seed, ...options.training };

  const trained = await trainReasonNet(rd.shape, rd.vocabulary, rd.train, rd.validation, training);
  const model: ReasonModel = {
    shape: rd.shape,
    weights: trained.weights,
    vocabulary: [...rd.vocabulary.tokens],
    lexicon: rd.lexicon,
    itemIds: rd.itemIds,
    itemAspects: {},
  };
  const generator = new ReasonGenerator(model);
  const generated = [];
  try {
    for (let at = 0; at < cases.length; at += 256) {
      generated.push(...(await generator.reasons(cases.slice(at, at + 256).map((c) => c.evidence), facts)));
    }
  } finally {
    generator.dispose();
  }
  const outputs: Record<string, string[]> = {
    generator: generated.map((g) => g.reason),
    template: cases.map((c) => templateReason(c.evidence.evidence, c.evidence.shared)),
    'nearest-review': cases.map((c) => nearestReview(rd, c)),
  };
  const references = cases.map((c) => wordTokens(c.reference));
  const common = {
    cases: cases.length,
    references: 'first sentence of the shopper\'s own review that mentions an aspect of the item, else the first',
    evidence: 'item, its top-10 aspects, up to 3 history items by item-item cosine',
  };
  const settings: Record<string, Record<string, unknown>> = {
    generator: {
      ...common,
      network: 'GRU decoder, context = item + shopper (history mean) + aspect embeddings',
      shape: rd.shape,
      lexicon: rd.lexicon.length,
      trainExamples: rd.train.length,
      validationExamples: rd.validation.length,
      epochs: trained.trainLoss.length,
      bestEpoch: trained.bestEpoch,
      trainLoss: trained.trainLoss.map((l) => Number(l.toFixed(4))),
      validationLoss: trained.validationLoss.map((l) => Number(l.toFixed(4))),
      batchSize: training.batchSize,
      learningRate: training.learningRate,
      decoding: 'greedy with an anti-language-model term (λ = 0.3, chosen on validation), one sentence, max 20 tokens, <aspect> slots filled from the evidence, no repeated word or bigram',
      fromGenerator: generated.filter((g) => g.source === 'generator').length / Math.max(cases.length, 1),
    },
    template: { ...common, reason: 'src/explain/template-reason.ts' },
    'nearest-review': { ...common, rule: 'training review of the same item by the reviewer sharing most items (else of the top evidence item)' },
  };
  return (['generator', 'template', 'nearest-review'] as const).map((name) => {
    const texts = outputs[name]!;
    const metrics = textMetrics(texts.map(wordTokens), references, texts);
    metrics.faithfulness = texts.filter((t, i) => checkReason(t, cases[i]!.evidence, facts).ok).length / Math.max(cases.length, 1);
    const ordered = Object.fromEntries(REASON_METRICS.map((k) => [k, metrics[k]!]));
    return {
      dataset: options.data.name,
      protocol: 'reasons' as const,
      seed: options.seed,
      model: name,
      metrics: ordered,
      train_seconds: name === 'generator' ? trained.seconds : 0,
      backend,
      settings: settings[name]!,
    };
  });
}
