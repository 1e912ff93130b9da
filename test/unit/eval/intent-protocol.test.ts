import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Item } from '../../../src/shared/types';
import { loadDataset } from '../../../tools/io/dataset-node';
import { matchesQuery, runIntentProtocol } from '../../../eval/intent-protocol';

const OFFICE = fileURLToPath(new URL('../../fixtures/office-slice', import.meta.url));

describe('intent protocol', () => {
  it('reports history-only, search-only and localrec; the search steers localrec, words alone did not', async () => {
    const records = await runIntentProtocol({ data: loadDataset(OFFICE), seed: 42 });
    expect(records.map((r) => r.model)).toEqual(['history-only', 'search-only', 'localrec', 'localrec-query-words']);
    for (const r of records) expect(Object.keys(r.metrics)).toEqual(['HR@10', 'NDCG@10', 'query_precision@12']);
    const [history, , localrec, words] = records.map((r) => r.metrics);
    expect(localrec!['HR@10']).toBeGreaterThan(history!['HR@10']! * 2);
    expect(localrec!['HR@10']).toBeGreaterThan(words!['HR@10']! * 2);
    expect(localrec!['query_precision@12']).toBeGreaterThan(history!['query_precision@12']!);
    expect(records[2]!.settings).toHaveProperty('query_evidence');
  }, 120_000);

  it('a query matches an item through its words or its leaf category', () => {
    const item: Item = { id: 'x', title: 'Digital caliper 150 mm', category: ['Tools', 'Dimensional Measurement Calipers'], brand: 'Neiko' };
    const leafOf = (i: Item) => i.category?.at(-1) ?? null;
    expect(matchesQuery(item, 'caliper', leafOf)).toBe(true);
    expect(matchesQuery(item, 'neiko tools', leafOf)).toBe(true);
    expect(matchesQuery(item, 'Dimensional Measurement Calipers', leafOf)).toBe(true);
    expect(matchesQuery(item, 'pipette', leafOf)).toBe(false);
  });
});
