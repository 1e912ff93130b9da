import { describe, expect, it } from 'vitest';
import { measureReasonsShare } from '../../../tools/reasons-share';

// The neural generator's reasons reach the shopper: the demo catalog, the shipped model pack and
// reasons pack, shoppers who viewed four items of one shelf. Before the checker stopped counting
// function words of brand and category names as facts, 0 of these reasons came from the generator.
describe('generator reasons on the demo catalog', () => {
  it('most shown reasons are the generator’s, the rest the template’s', async () => {
    const result = await measureReasonsShare(4);
    expect(result.reasons).toBe(24);
    expect(result.share).toBeGreaterThan(0.5);
    for (const e of result.examples) {
      expect(e.reason).not.toMatch(/[<>]|<aspect>|<unk>/);
      if (e.writtenBy === 'template') expect(e.reason).toMatch(/\byou (viewed|added|bought|searched for)\b|^Picked for you/i);
    }
  }, 180_000);
});
