// The store's own code under test: what its product page shows under "You may also like".
export async function picksAfterView(rec, itemId, k = 3) {
  await rec.track({ type: 'view', itemId });
  const picks = await rec.recommend({ k, explain: true });
  return picks.map((pick) => ({ id: pick.itemId, title: pick.item.title, reason: pick.reason }));
}
