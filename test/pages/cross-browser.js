// The cross-browser probes (test/cross-browser/run.ts): one per page load, chosen by ?probe=NAME.
// Each leaves { done: true, ok, result | error } in window.__probe for the driver to read.
import * as localrec from '/dist/index.js';

const params = new URLSearchParams(location.search);
const CATALOG = '/test/fixtures/scientific-items.jsonl';
const dbName = params.get('db') ?? 'cross-browser';

async function codeOf(promise) {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    return error && error.code ? error.code : String(error);
  }
}

const probes = {
  /** Every call of the API, once, on the backend `auto` picks here. */
  async basics() {
    const rec = await localrec.createRecommender({ catalog: CATALOG, storage: { dbName } });
    const first = (await rec.recommend({ k: 1 }))[0];
    await rec.track({ type: 'view', itemId: first.itemId });
    await rec.track({ type: 'search', query: 'filament' });
    const recs = await rec.recommend({ k: 12 });
    const similar = await rec.similar(first.itemId, { k: 4 });
    const found = await rec.search('filamnet', { k: 5 });
    const why = await rec.explain(recs[0].itemId);
    const before = rec.status().tensors;
    for (let i = 0; i < 20; i++) await rec.recommend({ k: 12 });
    const status = rec.status();
    const exported = await rec.exportData();
    await rec.forget();
    rec.dispose();
    return {
      backend: status.backend,
      backendReason: status.backendReason,
      backendFailures: status.backendFailures,
      recs: recs.length,
      viewedLeftOut: !recs.some((r) => r.itemId === first.itemId),
      similar: similar.length,
      search: found.length,
      reason: why.reason,
      tensorsStable: status.tensors === before,
      exportedEvents: exported.events.length,
      trackedIds: [first.itemId],
      trackedQueries: ['filament', 'filamnet'],
    };
  },
  /** A whole shopping session: browse, search, cart, purchase, train, fine-tune, explain, erase. */
  async session() {
    const rec = await localrec.createRecommender({ catalog: CATALOG, storage: { dbName } });
    const home = await rec.recommend({ k: 8 });
    await rec.track({ type: 'view', itemId: home[0].itemId });
    const found = await rec.search('nitrile gloves', { k: 5, track: true });
    const picked = found[0] ?? home[1];
    await rec.track({ type: 'view', itemId: picked.itemId });
    await rec.track({ type: 'cart', itemId: picked.itemId });
    await rec.track({ type: 'purchase', itemId: picked.itemId });
    // Anonymous baskets for on-device training (a store without a model pack).
    const items = (await rec.recommend({ k: 60, exclude: [] })).map((r) => r.itemId);
    const interactions = [];
    for (let s = 0; s < 40; s++) for (let j = 0; j < 4; j++) interactions.push({ sessionId: `s${s}`, itemId: items[(s * 7 + j * 3) % items.length] });
    const trained = await rec.train({ interactions, epochs: 2, hidden: 16, latent: 8 });
    const tuned = await rec.fineTune({ steps: 2 });
    // The content autoencoder on the catalog's text, then an item added at run time.
    const content = await rec.trainContent({ epochs: 1 });
    await rec.updateCatalog({ add: [{ id: 'XB-NEW-1', title: 'Nitrile examination gloves, powder free, large' }] });
    const alikeNew = await rec.similar('XB-NEW-1', { k: 4 });
    const recs = await rec.recommend({ k: 6, explain: true });
    const why = await rec.explain(recs[0].itemId);
    const status = rec.status();
    await rec.forget();
    const afterForget = rec.status().events;
    rec.dispose();
    return {
      trainedOn: trained.backend,
      trainWhere: trained.where,
      tunedSteps: tuned.steps,
      contentEpochs: content.epochs,
      embedded: status.contentEmbeddings ? status.contentEmbeddings.items : 0,
      alikeNew: alikeNew.length,
      model: status.modelVersion,
      events: status.events,
      reasons: recs.filter((r) => typeof r.reason === 'string' && r.reason.length > 0).length,
      evidence: why.evidence.length,
      afterForget,
      trackedIds: [home[0].itemId, picked.itemId],
      trackedQueries: ['nitrile gloves'],
    };
  },
  /** The drop-in web components (dist/widgets.js) with the real worker behind them: lists render, a view updates them. */
  async widgets() {
    const widgets = await import('/dist/widgets.js');
    const rows = (await (await fetch(CATALOG)).text()).split('\n').filter(Boolean).map((l) => JSON.parse(l));
    const slot = document.createElement('main');
    slot.innerHTML = `<localrec-recommendations k="5"></localrec-recommendations><localrec-similar item-id="${rows[0].id}" k="4"></localrec-similar><localrec-bought-together item-ids="${rows[1].id}" k="3"></localrec-bought-together>`;
    document.body.append(slot);
    const rec = await localrec.createRecommender({ catalog: rows, storage: { dbName } });
    widgets.connectWidgets(rec);
    const shown = async (selector, count) => {
      const until = Date.now() + 60000;
      for (;;) {
        const el = document.querySelector(selector);
        const items = el && el.shadowRoot ? [...el.shadowRoot.querySelectorAll('[part~="item"]')] : [];
        if (el && el.getAttribute('state') === 'ready' && items.length === count) return items.map((li) => li.dataset.itemId);
        if (Date.now() > until) throw new Error(`${selector}: state ${el && el.getAttribute('state')}, ${items.length} items`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    const before = await shown('localrec-recommendations', 5);
    const similar = await shown('localrec-similar', 4);
    const together = await shown('localrec-bought-together', 3);
    // A view changes what the recommendations widget shows (it listens to the recommender).
    await rec.track({ type: 'view', itemId: before[0] });
    const until = Date.now() + 60000;
    let after = before;
    while (after[0] === before[0] && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 100));
      after = [...document.querySelector('localrec-recommendations').shadowRoot.querySelectorAll('[part~="item"]')].map((li) => li.dataset.itemId);
    }
    await rec.forget();
    rec.dispose();
    return { recommendations: before.length, similar: similar.length, similarHasSelf: similar.includes(rows[0].id), boughtTogether: together.length, updatedAfterView: !after.includes(before[0]), trackedIds: [before[0]] };
  },
  /** Step 1 stores history; the driver reloads the page for step 2, which reads it and erases it. */
  async persist() {
    const rec = await localrec.createRecommender({ catalog: CATALOG, storage: { dbName } });
    if (params.get('step') !== '2') {
      const recs = await rec.recommend({ k: 3 });
      for (const r of recs) await rec.track({ type: 'view', itemId: r.itemId });
      const events = rec.status().events;
      rec.dispose();
      return { events, trackedIds: recs.map((r) => r.itemId) };
    }
    const afterReload = rec.status().events;
    await rec.forget();
    const afterForget = rec.status().events;
    rec.dispose();
    const listed = indexedDB.databases ? (await indexedDB.databases()).some((d) => d.name === dbName) : null;
    return { afterReload, afterForget, databaseLeft: listed };
  },
  /** Lasting storage: persistence asked for and reported; an evicted history is noticed, not silently restarted. */
  async storage() {
    const step = (name) => (window.__step = name);
    const storage = { dbName, requestPersistence: true, detectEviction: true };
    step('first start');
    const rec = await localrec.createRecommender({ catalog: CATALOG, storage });
    const persisted = rec.status().storagePersisted;
    const first = (await rec.recommend({ k: 1 }))[0];
    await rec.track({ type: 'view', itemId: first.itemId });
    rec.dispose();
    // The browser evicts the origin's storage (here: the database is deleted behind our back).
    step('evicting');
    const deleted = await new Promise((resolve) => {
      const del = indexedDB.deleteDatabase(dbName);
      del.onsuccess = () => resolve('deleted');
      del.onerror = () => resolve(`error ${del.error}`);
      // The disposed worker's connection may close a moment later; WebKit then waits silently.
      setTimeout(() => resolve('timed out'), 5000);
    });
    step(`start after eviction (${deleted})`);
    const after = await localrec.createRecommender({ catalog: CATALOG, storage });
    const lost = { historyLost: after.status().historyLost, events: after.status().events };
    // A second start while the first is still open (two tabs): forget() in one makes the other
    // step aside. (A recommender disposed just before is not waited for: WebKit can keep a stopped
    // worker's database connection open for minutes, and a delete waits for every connection.)
    step('third start');
    const again = await localrec.createRecommender({ catalog: CATALOG, storage });
    const lostAgain = again.status().historyLost;
    await again.track({ type: 'view', itemId: first.itemId });
    step('forget');
    await again.forget();
    after.dispose();
    again.dispose();
    step('start after forget');
    const afterForget = await localrec.createRecommender({ catalog: CATALOG, storage });
    const lostAfterForget = afterForget.status().historyLost;
    step('last forget');
    await afterForget.forget();
    afterForget.dispose();
    return { deleted, persisted, hasPersistApi: Boolean(navigator.storage && navigator.storage.persisted), lost, lostAgain, lostAfterForget, trackedIds: [first.itemId] };
  },
  /** Typed errors for bad input, and a worker that cannot load fails fast instead of hanging. */
  async errors() {
    const rec = await localrec.createRecommender({ catalog: CATALOG, storage: { persist: false } });
    const unknownItem = await codeOf(rec.track({ type: 'view', itemId: 'no-such-item' }));
    const badEvent = await codeOf(rec.track({ type: 'bogus', itemId: 'x' }));
    const badK = await codeOf(rec.recommend({ k: 0 }));
    const events = rec.status().events;
    rec.dispose();
    const disposed = await codeOf(rec.recommend());
    const badCatalog = await codeOf(localrec.createRecommender({ catalog: 42 }));
    const started = performance.now();
    const badWorker = await codeOf(localrec.createRecommender({ catalog: CATALOG, workerUrl: '/no-such-worker.js', storage: { persist: false } }));
    const badWorkerMs = Math.round(performance.now() - started);
    // Asking for WebGPU where the browser has none falls back, and says so in plain words.
    const gpu = await localrec.createRecommender({ catalog: CATALOG, backend: 'webgpu', storage: { persist: false } });
    const { backend, backendFailures } = gpu.status();
    gpu.dispose();
    return { unknownItem, badEvent, badK, events, disposed, badCatalog, badWorker, badWorkerMs, webgpu: { hasGpu: 'gpu' in navigator, backend, failures: backendFailures } };
  },
};

const name = params.get('probe') ?? '';
const run = probes[name];
const started = performance.now();
(run ? run() : Promise.reject(new Error(`no probe "${name}"`))).then(
  (result) => (window.__probe = { done: true, ok: true, result, ms: Math.round(performance.now() - started) }),
  (error) => (window.__probe = { done: true, ok: false, error: String((error && error.code) || error) + ': ' + String(error && error.message) }),
);
