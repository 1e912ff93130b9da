// The README's script-tag example, as an external script (a strict CSP forbids inline scripts).
(async () => {
  const out = document.getElementById('result');
  try {
    const rec = await window.localrec.createRecommender({ catalog: '/test/fixtures/scientific-items.jsonl', storage: { persist: false } });
    const first = (await rec.recommend({ k: 1 }))[0];
    await rec.track({ type: 'view', itemId: first.itemId });
    await rec.track({ type: 'search', query: 'filament' });
    const recs = await rec.recommend({ k: 12 });
    const similar = await rec.similar(first.itemId, { k: 4 });
    out.textContent = JSON.stringify({ ok: true, recs: recs.length, similar: similar.length, backend: rec.status().backend });
    rec.dispose();
  } catch (error) {
    out.textContent = JSON.stringify({ ok: false, error: String(error && error.code || error) });
  }
})();
