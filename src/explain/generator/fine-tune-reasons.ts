import * as tf from '@tensorflow/tfjs-core';
import { LocalrecError } from '../../shared/errors';
import type { FineTuneReasonsReport, Item } from '../../shared/types';
import { reviewSentence } from './aspects';
import { ReasonGenerator, type ReasonModel } from './generator';
import { ReasonWriter } from './reason-writer';
import { registerReasonGradients } from './gradients';
import { ReasonNet } from './network';
import { encodeBatch, meanReasonLoss, type ReasonExample } from './trainer';
import { delexicalize, Vocabulary } from './vocabulary';

export interface StoreReview {
  itemId: string;
  text: string;
}

export interface ReasonFineTuneResult {
  model: ReasonModel;
  examples: number;
  /** Reviews left out: unknown item, no text, or nothing left after taking the facts out. */
  skipped: number;
  epochs: number;
  /** Mean loss over the examples before and after. */
  lossBefore: number;
  lossAfter: number;
}

/**
 * Training examples from a store's own reviews, built as the pack's were: the review sentence that
 * mentions one of the item's aspects is the target, delexicalised (aspects become `<aspect>`
 * slots, so the vocabulary still cannot name a product fact); the condition is the item and its
 * aspects, with no shopper (store reviews are public text, not this shopper's behaviour).
 */
export function reviewExamples(
  generator: ReasonGenerator,
  reviews: readonly StoreReview[],
  itemOf: (id: string) => Item | undefined,
): { examples: ReasonExample[]; skipped: number } {
  const lexicon = new Set(generator.model.lexicon);
  const examples: ReasonExample[] = [];
  let skipped = 0;
  for (const review of reviews) {
    const item = itemOf(review.itemId);
    if (!item || review.text.trim() === '') {
      skipped++;
      continue;
    }
    const aspects = generator.aspectsFor(item);
    const target = delexicalize(reviewSentence(review.text, aspects), (w) => lexicon.has(w) || aspects.includes(w));
    if (target.length === 0) {
      skipped++;
      continue;
    }
    examples.push({ cond: generator.conditioning({ item, aspects, evidence: [], shared: [], historyItems: [] }), target });
  }
  return { examples, skipped };
}

/**
 * Fine-tunes the reason generator of a pack on a store's own reviews, starting from the pack's
 * weights (Adam, small learning rate, a few epochs), yielding after every batch so the worker
 * keeps answering. Returns a new model; the pack's stays as it was.
 */
export async function fineTuneReasonModel(
  base: ReasonModel,
  examples: readonly ReasonExample[],
  options: { epochs: number; learningRate?: number; batchSize?: number },
  onBatch?: (done: number, total: number, loss: number) => void,
): Promise<Omit<ReasonFineTuneResult, 'skipped'>> {
  registerReasonGradients();
  const vocab = new Vocabulary(base.vocabulary);
  const batchSize = options.batchSize ?? 32;
  const net = new ReasonNet(base.shape, base.weights, true);
  const optimizer = tf.train.adam(options.learningRate ?? 1e-3);
  try {
    const lossBefore = await meanReasonLoss(net, vocab, examples);
    const batches = Math.ceil(examples.length / batchSize);
    let done = 0;
    for (let epoch = 0; epoch < options.epochs; epoch++) {
      for (let at = 0; at < examples.length; at += batchSize) {
        const b = encodeBatch(vocab, examples.slice(at, at + batchSize));
        const loss = optimizer.minimize(() => net.loss(b.conds, b.inputs, b.outputs, b.mask), true)!;
        const value = (await loss.data())[0]!;
        loss.dispose();
        onBatch?.(++done, batches * options.epochs, value);
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
    }
    const lossAfter = await meanReasonLoss(net, vocab, examples);
    return { model: { ...base, weights: await net.weights() }, examples: examples.length, epochs: options.epochs, lossBefore, lossAfter };
  } finally {
    net.dispose();
    optimizer.dispose();
  }
}

/**
 * A reason writer whose generator is fine-tuned on the store's reviews (rows checked here:
 * malformed ones are counted, texts cut to 2,000 characters). The given writer is left as it was.
 * @throws LocalrecError INVALID_ARGUMENT when no review gives a training sentence
 */
export async function tuneReasonWriter(
  writer: ReasonWriter,
  rows: readonly unknown[],
  epochs: number,
  itemOf: (id: string) => Item | undefined,
  onBatch?: (done: number, total: number, loss: number) => void,
): Promise<{ writer: ReasonWriter; report: Omit<FineTuneReasonsReport, 'backend'> }> {
  const started = performance.now();
  const reviews: StoreReview[] = [];
  let malformed = 0;
  for (const r of rows) {
    const row = r as { itemId?: unknown; text?: unknown } | null;
    if (typeof row?.itemId === 'string' && typeof row.text === 'string') reviews.push({ itemId: row.itemId, text: row.text.slice(0, 2000) });
    else malformed++;
  }
  const { examples, skipped } = reviewExamples(writer.generator, reviews, itemOf);
  if (examples.length === 0) throw new LocalrecError('INVALID_ARGUMENT', 'No review gave a training sentence (unknown items or empty texts).');
  const tuned = await fineTuneReasonModel(writer.generator.model, examples, { epochs }, onBatch);
  return {
    writer: writer.withGenerator(new ReasonGenerator(tuned.model)),
    report: {
      examples: tuned.examples,
      skipped: skipped + malformed,
      epochs,
      lossBefore: tuned.lossBefore,
      lossAfter: tuned.lossAfter,
      seconds: (performance.now() - started) / 1000,
    },
  };
}
