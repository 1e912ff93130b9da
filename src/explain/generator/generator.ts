import * as tf from '@tensorflow/tfjs-core';
import { templateReason } from '../template-reason';
import { fnv1a } from '../../util/hash';
import { checkReason, type FactWords, type ReasonEvidence } from './checker';
import { ReasonNet, type Conditioning, type ReasonNetShape, type ReasonWeights } from './network';
import { ASPECT, BOS, detokenize, EOS, MAX_REASON_TOKENS, PAD, UNK } from './text';
import { Vocabulary } from './vocabulary';

/** What a reasons pack holds, decoded. */
export interface ReasonModel {
  shape: ReasonNetShape;
  weights: ReasonWeights;
  vocabulary: string[];
  /** Aspect lexicon, most frequent first. */
  lexicon: string[];
  /** Item ids known to the model (pack row = index + 1). */
  itemIds: string[];
  /** Review aspects of the items the pack was trained on. */
  itemAspects: Record<string, string[]>;
}

/** Title words that are never an aspect (units, pack sizes, joiners). */
const TITLE_NOISE = new Set(['and', 'the', 'for', 'with', 'from', 'pack', 'set', 'pcs', 'inch', 'inches', 'count', 'mm', 'per', 'each', 'size', 'pieces']);

export interface DecodingOptions {
  /** Weight of the anti-language-model term (0: plain greedy). */
  antiLm: number;
  /** Steps the anti-language-model term applies to. */
  antiLmSteps: number;
  /** Words before the end token is allowed. */
  minTokens: number;
}

/** λ = 0.3 chosen on the `loo` validation reviews of musical_instruments (USR .42 → .63, ROUGE-L unchanged). */
export const DEFAULT_DECODING: DecodingOptions = { antiLm: 0.3, antiLmSteps: MAX_REASON_TOKENS, minTokens: 0 };

export interface GeneratedReason {
  reason: string;
  /** 'generator': the network's sentence passed the check; 'template': it did not (or none was made). */
  source: 'generator' | 'template';
  /** The generator's sentence before the check (for evaluation and tests). */
  generated: string;
  violations: string[];
}

/**
 * The neural reason generator. It writes a sentence in its own words (a vocabulary that holds no
 * aspect, brand or product name) with `<aspect>` slots, fills each slot with the next of the
 * item's aspects from the evidence (a slot is only allowed while an aspect is left), and the
 * checker verifies every stated fact; a sentence that fails becomes the template reason built
 * from the same evidence.
 */
export class ReasonGenerator {
  private readonly net: ReasonNet;
  private readonly vocab: Vocabulary;
  private readonly itemRow: Map<string, number>;
  private readonly aspectIndex: Map<string, number>;
  private readonly banned: number[];
  private readonly punctuation: Set<number>;
  private readonly sentenceEnd: Set<number>;

  constructor(
    readonly model: ReasonModel,
    private readonly decoding: DecodingOptions = DEFAULT_DECODING,
  ) {
    this.net = new ReasonNet(model.shape, model.weights, false);
    this.vocab = new Vocabulary(model.vocabulary);
    this.itemRow = new Map(model.itemIds.map((id, i) => [id, i + 1]));
    this.aspectIndex = new Map(model.lexicon.map((w, i) => [w, i]));
    this.banned = [PAD, BOS, UNK].map((t) => this.vocab.id(t));
    const ids = (tokens: string[]): Set<number> => new Set(tokens.filter((t) => this.vocab.index.has(t)).map((t) => this.vocab.id(t)));
    this.punctuation = ids(['.', ',', '!', '?', ';', ':']);
    this.sentenceEnd = ids(['.', '!', '?']);
  }

  dispose(): void {
    this.net.dispose();
  }

  /**
   * The item's aspects: its review aspects where the pack has them, else words of its title — the
   * product phrase first (before the first comma, dash or bracket), head noun first, brand left out.
   */
  aspectsFor(item: { id: string; title: string; brand?: string }): string[] {
    const fromReviews = this.model.itemAspects[item.id];
    if (fromReviews && fromReviews.length > 0) return fromReviews;
    const brand = new Set((item.brand ?? '').toLowerCase().match(/[a-z]+/g) ?? []);
    const words = (text: string): string[] =>
      (text.toLowerCase().match(/[a-z]{3,}/g) ?? []).filter((w) => !brand.has(w) && !TITLE_NOISE.has(w));
    const cut = item.title.search(/,| - |\(|\[/);
    const phrase = cut > 0 ? item.title.slice(0, cut) : item.title;
    return [...new Set([...words(phrase).reverse(), ...words(item.title)])].slice(0, 5);
  }

  conditioning(ev: ReasonEvidence): Conditioning {
    const history: number[] = [];
    for (const e of ev.evidence) {
      const row = e.kind === 'item' ? this.itemRow.get(e.itemId) : undefined;
      if (row !== undefined) history.push(row);
    }
    return {
      item: this.itemRow.get(ev.item.id) ?? 0,
      history,
      aspects: ev.aspects.flatMap((a) => (this.aspectIndex.has(a) ? [this.aspectIndex.get(a)!] : [])),
    };
  }

  /**
   * Greedy decoding with slot constraints, for a batch of evidence. With `antiLm` > 0 each word is
   * scored log p(w | evidence) − antiLm · log p(w | no evidence) (the MMI-antiLM objective of Li
   * et al. 2016), which favours words this evidence makes likely over generic ones; `minTokens`
   * holds the end token back for that many words.
   */
  async generate(evidence: readonly ReasonEvidence[], decoding: DecodingOptions = this.decoding): Promise<string[]> {
    if (evidence.length === 0) return [];
    const B = evidence.length;
    const V = this.model.shape.vocab;
    const eos = this.vocab.id(EOS);
    const aspectId = this.vocab.id(ASPECT);
    const out: number[][] = evidence.map(() => []);
    const done = new Uint8Array(B);
    const used = new Int32Array(B);
    const anti = decoding.antiLm > 0;
    // Rows B..2B-1: the same decoding without any evidence (the anti-language model).
    const conds = evidence.map((e) => this.conditioning(e));
    const { ctx, h0 } = this.net.context(anti ? [...conds, ...conds.map(() => ({ item: 0, history: [], aspects: [] }))] : conds);
    const rows = anti ? 2 * B : B;
    let h: tf.Tensor2D = h0;
    let prev = new Int32Array(rows).fill(this.vocab.id(BOS));
    try {
      for (let t = 0; t <= MAX_REASON_TOKENS && done.some((d) => !d); t++) {
        const tokens = tf.tensor1d(prev, 'int32');
        const next = tf.tidy(() => this.net.step(tokens, ctx, h));
        tokens.dispose();
        if (h !== h0) h.dispose();
        h = next;
        const logp = this.net.nextLogProbs(h);
        const scores = (await logp.data()) as Float32Array;
        logp.dispose();
        prev = new Int32Array(rows);
        for (let b = 0; b < B; b++) {
          if (done[b]) continue;
          const row = scores.subarray(b * V, (b + 1) * V);
          if (anti && t < decoding.antiLmSteps) {
            const prior = scores.subarray((B + b) * V, (B + b + 1) * V);
            for (let id = 0; id < V; id++) row[id] = row[id]! - decoding.antiLm * prior[id]!;
          }
          for (const id of this.banned) row[id] = -Infinity;
          if (used[b]! >= evidence[b]!.aspects.length) row[aspectId] = -Infinity;
          if (t < decoding.minTokens) row[eos] = -Infinity;
          if (t === MAX_REASON_TOKENS) {
            prev[b] = eos;
            done[b] = 1;
            continue;
          }
          const seq = out[b]!;
          const last = seq.at(-1);
          if (last !== undefined) row[last] = -Infinity; // no word twice in a row
          if (last === undefined || this.punctuation.has(last)) for (const id of this.punctuation) row[id] = -Infinity;
          // No bigram twice.
          for (let k = 0; k + 1 < seq.length; k++) if (seq[k] === last) row[seq[k + 1]!] = -Infinity;
          let best = eos;
          for (let id = 0; id < V; id++) if (row[id]! > row[best]!) best = id;
          if (best === eos) done[b] = 1;
          else {
            seq.push(best);
            if (best === aspectId) used[b]!++;
            if (this.sentenceEnd.has(best)) done[b] = 1; // one sentence
          }
          prev[b] = best;
        }
        for (let b = 0; b < rows - B; b++) prev[B + b] = prev[b]!;
      }
    } finally {
      if (h !== h0) h.dispose();
      h0.dispose();
      ctx.dispose();
    }
    return out.map((ids, b) => {
      let slot = 0;
      return detokenize(ids.map((id) => (id === aspectId ? evidence[b]!.aspects[slot++]! : this.model.vocabulary[id]!)));
    });
  }

  /** Checked reasons for a batch of evidence: the generator's where they pass, else the template's. */
  async reasons(evidence: readonly ReasonEvidence[], facts: FactWords): Promise<GeneratedReason[]> {
    const texts = await this.generate(evidence);
    return texts.map((generated, i) => checkedReason(generated, evidence[i]!, facts));
  }
}

/** A generated sentence if every fact in it is supported, else the template reason (worded as the explainer words it for this item). */
export function checkedReason(generated: string, ev: ReasonEvidence, facts: FactWords): GeneratedReason {
  const check = generated ? checkReason(generated, ev, facts) : { ok: false, violations: ['empty'] };
  if (check.ok) return { reason: generated, source: 'generator', generated, violations: [] };
  return { reason: templateReason(ev.evidence, ev.shared, ev.evidence.length > 0, fnv1a(ev.item.id)), source: 'template', generated, violations: check.violations };
}
