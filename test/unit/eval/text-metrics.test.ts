import { describe, expect, it } from 'vitest';
import { corpusBleu, lcsLength, rougeL, rougeN, textMetrics, uniqueSentenceRatio } from '../../../eval/text-metrics';

const w = (s: string): string[] => s.split(' ');

describe('text metrics (hand-computed)', () => {
  it('BLEU-1 and BLEU-4 with equal lengths (brevity penalty 1)', () => {
    // Unigrams: the(2 vs 1 in ref → 1), cat, sat, on, mat = 5/6. Bigrams 3/5, trigrams 2/4, 4-grams 1/3.
    const c = [w('the cat sat on the mat')];
    const r = [w('the cat sat on a mat')];
    expect(corpusBleu(c, r, 1)).toBeCloseTo(5 / 6, 10);
    expect(corpusBleu(c, r, 4)).toBeCloseTo(((5 / 6) * (3 / 5) * (2 / 4) * (1 / 3)) ** 0.25, 10); // 0.5373
  });

  it('BLEU applies the brevity penalty exp(1 − r/c) to short outputs, and is 0 without a match', () => {
    expect(corpusBleu([w('the cat')], [w('the cat sat on the mat')], 1)).toBeCloseTo(Math.exp(1 - 6 / 2), 10);
    expect(corpusBleu([w('the cat sat on the mat')], [w('the cat is on the mat')], 4)).toBe(0); // no 4-gram in common
  });

  it('BLEU is a corpus figure: counts are summed before dividing', () => {
    // 1/2 and 2/2 matched unigrams → 3/4, not the mean of 0.5 and 1; lengths equal overall.
    expect(corpusBleu([w('a x'), w('b c')], [w('a y'), w('b c')], 1)).toBeCloseTo(3 / 4, 10);
  });

  it('ROUGE-1, ROUGE-2 and ROUGE-L F1', () => {
    const c = w('the cat sat on the mat');
    const r = w('the cat is on the mat');
    expect(rougeN(c, r, 1)).toBeCloseTo(5 / 6, 10);
    expect(rougeN(c, r, 2)).toBeCloseTo(3 / 5, 10);
    expect(lcsLength(c, r)).toBe(5); // the cat on the mat
    expect(rougeL(c, r)).toBeCloseTo(5 / 6, 10);
    // Precision 1, recall 2/6 → F1 = 2·1·(1/3)/(1 + 1/3) = 0.5.
    expect(rougeN(w('the cat'), w('the cat sat on the mat'), 1)).toBeCloseTo(0.5, 10);
    expect(rougeL(w('mat the'), w('the mat'))).toBeCloseTo(0.5, 10);
    expect(rougeN([], r, 1)).toBe(0);
  });

  it('USR is the share of distinct outputs', () => {
    expect(uniqueSentenceRatio(['a', 'a', 'b', 'c'])).toBe(0.75);
    const m = textMetrics([w('a b')], [w('a b')], ['a b']);
    expect(m).toMatchObject({ 'BLEU-1': 1, 'ROUGE-1': 1, 'ROUGE-2': 1, 'ROUGE-L': 1, USR: 1 });
  });
});
