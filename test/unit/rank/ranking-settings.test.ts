import { describe, expect, it } from 'vitest';
import { DEFAULT_RANKING, rankingReport, rankingSettingsFrom } from '../../../src/rank/ranking-settings';
import { DEFAULT_HALF_LIFE, EVENT_WEIGHTS } from '../../../src/rank/profile-weights';
import { QUERY_EVIDENCE } from '../../../src/rank/query-evidence';

describe('ranking settings from a pack manifest', () => {
  it('are the library defaults without a ranking section', () => {
    expect(DEFAULT_RANKING).toMatchObject({ halfLife: DEFAULT_HALF_LIFE, eventWeights: EVENT_WEIGHTS, queryEvidence: QUERY_EVIDENCE, variantWait: Infinity, ignored: [] });
    expect(rankingReport(DEFAULT_RANKING)).toMatchObject({ halfLifeSource: 'library default', variants: { wait: 'all', source: 'library default' } });
  });

  it('take every tuned value with its source, and name what is out of range instead of using it', () => {
    const s = rankingSettingsFrom({
      halfLife: 2,
      tunedOn: 'loo',
      eventWeights: { weights: { search: 5, view: -1 }, tunedOn: 'intent' },
      queryEvidence: { hits: 10, boost: 40, tunedOn: 'intent' },
      variants: { wait: 'all', tunedOn: 'spread' },
    });
    expect(s.halfLife).toBe(2);
    expect(s.eventWeights).toEqual({ ...EVENT_WEIGHTS, search: 5 });
    expect(s.sources.eventWeights).toEqual({ view: 'library default', cart: 'library default', purchase: 'library default', search: 'model pack' });
    expect(s.queryEvidence).toEqual({ hits: 10, boost: 40, lift: 'sd', gate: 0 });
    expect(s.variantWait).toBe(Infinity);
    expect(s.ignored).toEqual(['eventWeights.view']);
    const odd = rankingSettingsFrom({ halfLife: -3, queryEvidence: { hits: 2.5, boost: 1 }, variants: { wait: 'some' } });
    expect(odd.ignored).toEqual(['halfLife', 'queryEvidence', 'variants']);
    expect(rankingReport(odd)).toMatchObject({ halfLife: DEFAULT_HALF_LIFE, halfLifeSource: 'library default', queryEvidence: { ...QUERY_EVIDENCE, source: 'library default' } });
  });
});
