import { describe, expect, it } from 'vitest';
import { chooseVariantWait, spreadCriteria } from '../../../eval/adapters/spread-model';

describe('the variant wait a store ships', () => {
  it('is the longest wait whose every NDCG stays within 1% of no rule', () => {
    const figures = new Map([
      [0, { 'NDCG@10': 0.1, 'NDCG@20': 0.2, 'dup@12': 0.4 }],
      [2, { 'NDCG@10': 0.0995, 'NDCG@20': 0.199, 'dup@12': 0.3 }],
      [8, { 'NDCG@10': 0.0985, 'NDCG@20': 0.2, 'dup@12': 0.1 }],
      [Infinity, { 'NDCG@10': 0.09, 'NDCG@20': 0.2, 'dup@12': 0 }],
    ]);
    expect(chooseVariantWait(figures, ['NDCG@10', 'NDCG@20'])).toBe(2);
    expect(chooseVariantWait(figures, ['NDCG@20'])).toBe(Infinity);
    expect(chooseVariantWait(new Map([[0, { 'NDCG@10': 0.1 }], [1, { 'NDCG@10': 0.05 }]]), ['NDCG@10'])).toBe(0);
  });

  it('is judged by strong NDCG@100, and by NDCG@10 and the tuning NDCG on next-item protocols', () => {
    expect(spreadCriteria('strong', 'NDCG@100')).toEqual(['NDCG@100']);
    expect(spreadCriteria('loo', 'NDCG@20')).toEqual(['NDCG@10', 'NDCG@20']);
    expect(spreadCriteria('sessions', 'MRR@20')).toEqual(['NDCG@10']);
  });
});
