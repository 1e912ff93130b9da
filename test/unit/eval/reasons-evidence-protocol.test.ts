import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../../tools/io/dataset-node';
import { runReasonsEvidenceProtocol } from '../../../eval/reasons-evidence-protocol';

const OFFICE = fileURLToPath(new URL('../../fixtures/office-slice', import.meta.url));

describe('reasons-evidence protocol', () => {
  it('every item and query a reason cites relates to the recommended item; the rest say something general', async () => {
    const [record] = await runReasonsEvidenceProtocol({ data: loadDataset(OFFICE), seed: 42 });
    expect(record!.model).toBe('localrec');
    // The library and the protocol compute their 50 nearest items separately: a tie at rank 50 may fall differently.
    expect(record!.metrics.cited_related).toBeGreaterThanOrEqual(0.995);
    expect(record!.metrics.cited_query_related).toBe(1);
    expect(record!.metrics.cites_per_reason).toBeGreaterThan(1);
    expect(record!.metrics.generic_share).toBeLessThan(0.2);
    expect((record!.settings as { cited_queries: number }).cited_queries).toBeGreaterThan(0);
  }, 120_000);
});
