// The same double from CommonJS (what a jest suite loads by default), through the package's
// `require` entry, run by Node's own test runner.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { createRecommender } = require('localrec/testing');

test('localrec/testing from require() recommends', async () => {
  const rec = await createRecommender({ catalog: [{ id: 'a', title: 'Blue duct tape' }, { id: 'b', title: 'Red duct tape' }] });
  await rec.track({ type: 'view', itemId: 'a' });
  assert.equal((await rec.recommend({ k: 1 }))[0].itemId, 'b');
  rec.dispose();
});

test("require('localrec') says what to use instead", () => {
  assert.throws(() => require('localrec'), /localrec\/testing/);
});
