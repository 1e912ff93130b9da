// The README's script-tag widgets example, as an external script (a strict CSP forbids inline
// scripts), on a catalog whose first row has a hostile title.
(async () => {
  const out = document.getElementById('result');
  try {
    const rows = (await (await fetch('/test/fixtures/scientific-items.jsonl')).text()).split('\n').filter(Boolean).map((line) => JSON.parse(line));
    const first = rows[0];
    const hostile = { ...first, id: 'XSS00000001', title: `<img src=x onerror="window.__xss=1">Evil <script>window.__xss=2</script> ${first.title}`, url: 'javascript:window.__xss=3' };
    window.states = [];
    new MutationObserver((records) => {
      for (const record of records) window.states.push(`${record.target.localName}:${record.target.getAttribute('state')}`);
    }).observe(document.body, { subtree: true, attributeFilter: ['state'] });
    // Connected while it starts: the widgets show their loading state, then the lists.
    const rec = window.localrec.createRecommender({ catalog: [hostile, ...rows], storage: { persist: false } });
    localrecWidgets.connectWidgets(rec);
    await rec;
    window.rec = rec;
    document.querySelector('localrec-similar').setAttribute('item-id', first.id);
    await rec.track({ type: 'view', itemId: first.id });
    await Promise.all([...document.querySelectorAll('localrec-recommendations, localrec-similar')].map((el) => el.refresh()));
    out.textContent = JSON.stringify({ ok: true, hostile: hostile.title });
  } catch (error) {
    out.textContent = JSON.stringify({ ok: false, error: String((error && error.code) || error) });
  }
})();
