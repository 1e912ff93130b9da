import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseEvalArgs, UsageError } from '../../../eval/cli-args';
import { buildDataset, parseInteractions } from '../../../eval/dataset';
import { runReasonsProtocol } from '../../../eval/reasons-protocol';

const SLICE = new URL('../../fixtures/reviews-slice/', import.meta.url).pathname;

describe('npm run eval -- --protocol reasons', () => {
  it('parses: the three reasons models by default, others refused', () => {
    expect(parseEvalArgs(['--data', 'd', '--protocol', 'reasons', '--seed', '7'])).toMatchObject({
      protocol: 'reasons',
      models: ['generator', 'template', 'nearest-review'],
      seed: 7,
    });
    expect(parseEvalArgs(['--data', 'd', '--protocol', 'reasons', '--models', 'template']).models).toEqual(['template']);
    expect(() => parseEvalArgs(['--data', 'd', '--protocol', 'reasons', '--models', 'ease'])).toThrow(UsageError);
  });

  it('reports the EVALUATION.md keys for generator, template and nearest-review; the generator is faithful', async () => {
    const data = buildDataset('reviews-slice', parseInteractions(readFileSync(`${SLICE}interactions.csv`, 'utf8')));
    const records = await runReasonsProtocol({ data, dir: SLICE, seed: 42, training: { epochs: 1 }, maxCases: 60 });
    expect(records.map((r) => r.model)).toEqual(['generator', 'template', 'nearest-review']);
    for (const r of records) {
      expect(Object.keys(r)).toEqual(['dataset', 'protocol', 'seed', 'model', 'metrics', 'train_seconds', 'backend', 'settings']);
      expect(Object.keys(r.metrics)).toEqual(['BLEU-1', 'BLEU-4', 'ROUGE-1', 'ROUGE-2', 'ROUGE-L', 'USR', 'faithfulness']);
      for (const v of Object.values(r.metrics)) expect(v).toBeGreaterThanOrEqual(0);
      expect(r.protocol).toBe('reasons');
    }
    expect(records[0]!.metrics.faithfulness).toBe(1);
    expect(records[1]!.metrics.faithfulness).toBe(1);
    expect(records[0]!.train_seconds).toBeGreaterThan(0);
  }, 120_000);
});
