// A plain storefront: the README's npm example, nothing else.
import { createRecommender } from 'localrec';
import { BACKEND, CATALOG, fail, firstItemId, report } from './show.js';

const rec = createRecommender({ catalog: CATALOG, backend: BACKEND, storage: { persist: false } });
try {
  // The first click is tracked before the recommender is ready: it waits for start-up.
  await rec.track({ type: 'view', itemId: await firstItemId() });
  const recs = await rec.recommend({ k: 5 });
  report((await rec).status(), recs.map((r) => r.itemId));
} catch (error) {
  fail(error);
}
