// The store's unit test: its own code against localrec's test double (no browser, no worker).
import { describe, expect, it } from 'vitest';
import { createRecommender, LocalrecError } from 'localrec/testing';
import { picksAfterView } from './picks.js';

const catalog = [
  { id: 'tape-blue', title: 'Blue duct tape 48 mm', category: ['Tape'], brand: 'Gorilla' },
  { id: 'tape-red', title: 'Red duct tape 48 mm', category: ['Tape'], brand: 'Gorilla' },
  { id: 'beaker', title: 'Glass beaker 250 ml', category: ['Lab', 'Glassware'] },
  { id: 'flask', title: 'Erlenmeyer flask 500 ml', category: ['Lab', 'Glassware'] },
];

describe('picksAfterView', () => {
  it('shows related items with a reason, after the shopper viewed one', async () => {
    const rec = createRecommender({ catalog });
    const picks = await picksAfterView(rec, 'beaker', 1);
    expect(picks).toHaveLength(1);
    expect(picks[0].id).toBe('flask');
    expect(picks[0].reason).toMatch(/Glass/);
    rec.dispose();
  });

  it('gets the same typed errors as the real recommender', async () => {
    const rec = await createRecommender({ catalog });
    await expect(rec.track({ type: 'view', itemId: 'nope' })).rejects.toBeInstanceOf(LocalrecError);
    await expect(rec.track({ type: 'view', itemId: 'nope' })).rejects.toMatchObject({ code: 'UNKNOWN_ITEM' });
    expect(rec.status().backend).toBe('cpu');
    rec.dispose();
  });
});
