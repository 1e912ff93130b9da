import type { Evidence, Item } from '../../src/shared/types';
import type { Dataset } from '../dataset';
import { looSplit, type LooSplit } from '../splits';
import { sharedAttributes } from '../../src/explain/shared-attributes';
import { AspectIndex, DEFAULT_LEXICON, mineAspectLexicon, reviewSentence, type ReviewText } from '../../src/explain/generator/aspects';
import type { ReasonEvidence } from '../../src/explain/generator/checker';
import type { ReasonNetShape } from '../../src/explain/generator/network';
import type { ReasonExample } from '../../src/explain/generator/trainer';
import { tokenizeText } from '../../src/explain/generator/text';
import { delexicalize, Vocabulary } from '../../src/explain/generator/vocabulary';

/**
 * Training data and test cases of the reason generator from a dataset with reviews (the shared
 * musical_instruments layout), on the `loo` split: a shopper's reviews of their training items are
 * training targets, the review of the validation item is a validation target, the review of the
 * test item is the reference. Aspects, the vocabulary and item similarities come from training
 * reviews/rows only.
 */

/** History items cited as evidence. */
export const EVIDENCE_ITEMS = 3;
export const DEFAULT_SHAPE = { wordDim: 48, condDim: 32, ctxDim: 64, hidden: 96 };
export const DEFAULT_VOCABULARY = 1000;

/** How one test (user, item) is seen by every reasons model. */
export interface ReasonCase {
  user: number;
  item: number;
  /** Dataset rows of the shopper's history (time order). */
  history: number[];
  evidence: ReasonEvidence;
  /** The shopper's own review sentence (reference). */
  reference: string;
}

export interface ReasonData {
  split: LooSplit;
  lexicon: string[];
  aspects: AspectIndex;
  vocabulary: Vocabulary;
  shape: ReasonNetShape;
  train: ReasonExample[];
  validation: ReasonExample[];
  test: ReasonCase[];
  /** The validation reviews as cases (for choosing decoding settings). */
  validationCases: ReasonCase[];
  /** Training reviews by item (dataset row): [user row, text]. */
  trainReviews: Map<number, { user: number; text: string }[]>;
  itemIds: string[];
  cosine: (a: number, b: number) => number;
}

/** Items have no titles in the review set: an item is named by its id. */
export function displayItem(data: Dataset, row: number): Item {
  const item = data.items[row]!;
  return item.title ? item : { ...item, title: `item ${item.id}` };
}

export function buildReasonData(data: Dataset, reviews: readonly ReviewText[], vocabularySize = DEFAULT_VOCABULARY): ReasonData {
  const split = looSplit(data);
  const userRow = new Map(data.userIds.map((u, i) => [u, i]));
  const itemRow = new Map(data.itemIds.map((id, i) => [id, i]));
  const text = new Map<string, string>();
  for (const r of reviews) text.set(`${userRow.get(r.userId)}:${itemRow.get(r.itemId)}`, r.text);
  const reviewOf = (u: number, i: number): string | undefined => text.get(`${u}:${i}`);

  // Training reviews: the loo training rows.
  const trainTexts: ReviewText[] = [];
  const trainReviews = new Map<number, { user: number; text: string }[]>();
  split.train.forEach((items, u) => {
    for (const i of items) {
      const t = reviewOf(u, i);
      if (t === undefined) continue;
      trainTexts.push({ userId: data.userIds[u]!, itemId: data.itemIds[i]!, text: t });
      let list = trainReviews.get(i);
      if (!list) trainReviews.set(i, (list = []));
      list.push({ user: u, text: t });
    }
  });
  const lexicon = mineAspectLexicon(trainTexts, DEFAULT_LEXICON);
  const aspects = new AspectIndex(lexicon, trainTexts);

  // Item–item cosine over the training rows.
  const co = new Map<number, Map<number, number>>();
  const count = new Float64Array(data.itemIds.length);
  for (const items of split.train) {
    for (const a of items) {
      count[a]!++;
      let m = co.get(a);
      if (!m) co.set(a, (m = new Map()));
      for (const b of items) if (b !== a) m.set(b, (m.get(b) ?? 0) + 1);
    }
  }
  const cosine = (a: number, b: number): number => {
    const c = co.get(a)?.get(b) ?? 0;
    return c === 0 ? 0 : c / Math.sqrt(count[a]! * count[b]!);
  };

  const evidenceFor = (item: number, history: readonly number[]): ReasonEvidence => {
    const ranked = history
      .map((h, at) => ({ h, at, influence: cosine(item, h) }))
      .filter((x) => x.h !== item)
      .sort((x, y) => y.influence - x.influence || y.at - x.at);
    const picked = ranked.filter((x) => x.influence > 0).slice(0, EVIDENCE_ITEMS);
    if (picked.length === 0 && ranked.length > 0) picked.push(ranked.reduce((a, b) => (b.at > a.at ? b : a)));
    const historyItems = picked.map((x) => displayItem(data, x.h));
    const evidence: Evidence[] = picked.map((x, k) => ({
      kind: 'item',
      itemId: historyItems[k]!.id,
      title: historyItems[k]!.title,
      event: 'purchase',
      influence: x.influence,
    }));
    const target = displayItem(data, item);
    return { item: target, aspects: aspects.aspectsOf(target.id), evidence, shared: sharedAttributes(target, historyItems), historyItems };
  };

  const train: { cond: ReasonEvidence; target: string[] }[] = [];
  split.train.forEach((items, u) => {
    items.forEach((i, p) => {
      const t = reviewOf(u, i);
      if (t === undefined) return;
      const ev = evidenceFor(i, items.slice(0, p));
      ev.aspects = aspects.aspectsOf(data.itemIds[i]!, t); // its own review left out
      const target = delexicalize(reviewSentence(t, ev.aspects), (w) => aspects.isTerm(w));
      if (target.length > 0) train.push({ cond: ev, target });
    });
  });
  const validation: { cond: ReasonEvidence; target: string[] }[] = [];
  const validationCases: ReasonCase[] = [];
  split.validation.users.forEach((u, k) => {
    const i = split.validation.targets[k]![0]!;
    const t = reviewOf(u, i);
    if (t === undefined) return;
    const ev = evidenceFor(i, split.validation.inputs[k]!);
    const reference = reviewSentence(t, ev.aspects);
    const target = delexicalize(reference, (w) => aspects.isTerm(w));
    if (target.length > 0) validation.push({ cond: ev, target });
    if (tokenizeText(reference).length > 0) validationCases.push({ user: u, item: i, history: split.validation.inputs[k]!, evidence: ev, reference });
  });
  const test: ReasonCase[] = [];
  split.test.users.forEach((u, k) => {
    const i = split.test.targets[k]![0]!;
    const t = reviewOf(u, i);
    if (t === undefined) return;
    const history = split.test.inputs[k]!;
    const ev = evidenceFor(i, history);
    const reference = reviewSentence(t, ev.aspects);
    if (tokenizeText(reference).length > 0) test.push({ user: u, item: i, history, evidence: ev, reference });
  });

  const vocabulary = Vocabulary.build(train.map((e) => e.target), vocabularySize);
  const itemIds = data.itemIds.slice();
  const shape: ReasonNetShape = { vocab: vocabulary.tokens.length, aspects: lexicon.length, items: itemIds.length + 1, ...DEFAULT_SHAPE };
  const rowOf = new Map(itemIds.map((id, i) => [id, i + 1]));
  const lexIndex = new Map(lexicon.map((w, i) => [w, i]));
  const toExample = (e: { cond: ReasonEvidence; target: string[] }): ReasonExample => ({
    cond: {
      item: rowOf.get(e.cond.item.id) ?? 0,
      history: e.cond.evidence.flatMap((x) => (x.kind === 'item' && rowOf.has(x.itemId) ? [rowOf.get(x.itemId)!] : [])),
      aspects: e.cond.aspects.flatMap((a) => (lexIndex.has(a) ? [lexIndex.get(a)!] : [])),
    },
    target: e.target,
  });
  return {
    split,
    lexicon,
    aspects,
    vocabulary,
    shape,
    train: train.map(toExample),
    validation: validation.map(toExample),
    test,
    validationCases,
    trainReviews,
    itemIds,
    cosine,
  };
}
