// Benchmark scenarios run inside Chromium by `npm run bench` (tools/bench.ts drives this page).
import * as localrec from '../../dist/index.js';

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};
const summary = (values) => ({ p50: +percentile(values, 50).toFixed(2), p95: +percentile(values, 95).toFixed(2), n: values.length });

async function loadItems(url) {
  return (await (await fetch(url)).text()).split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

/** The demo catalog replicated to `size` items (ids and titles made unique): speed figures only. */
function scaled(items, size) {
  const out = [];
  for (let i = 0; out.length < size; i++) {
    const base = items[i % items.length];
    const copy = Math.floor(i / items.length);
    out.push(copy === 0 ? base : { ...base, id: `${base.id}~${copy}`, title: `${base.title} (${copy})` });
  }
  return out;
}

/** Time to first recommendation, measured from navigation start (the page load). */
window.benchFirstRecommendation = async (catalogUrl, dbName, modelsUrl) => {
  const rec = await localrec.createRecommender({ catalog: catalogUrl, storage: { dbName }, ...(modelsUrl ? { models: modelsUrl } : {}) });
  // A returning shopper: one stored view, so the first recommendation runs the models.
  if (rec.status().events === 0) await rec.track({ type: 'view', itemId: (await rec.recommend({ k: 1 }))[0].itemId });
  const recs = await rec.recommend({ k: 12 });
  const ms = performance.now();
  const status = rec.status();
  rec.dispose();
  return { ms: +ms.toFixed(1), items: recs.length, backend: status.backend, catalogSource: status.catalog.source, pack: status.model.source, modelVersion: status.modelVersion };
};

/**
 * The first similar(), boughtTogether() and search() of a warm start, `idleMs` after the first
 * recommendation (0: at once): what the worker builds on first use is prepared in the background
 * once the page is idle (src/worker/background-preparation.ts).
 */
window.benchFirstCalls = async (catalogUrl, dbName, modelsUrl, idleMs) => {
  const rec = await localrec.createRecommender({ catalog: catalogUrl, storage: { dbName }, ...(modelsUrl ? { models: modelsUrl } : {}) });
  const recs = await rec.recommend({ k: 12 });
  await new Promise((resolve) => setTimeout(resolve, idleMs));
  const out = { idleMs };
  let t = performance.now();
  await rec.similar(recs[0].itemId, { k: 8 });
  out.similar = +(performance.now() - t).toFixed(1);
  t = performance.now();
  await rec.boughtTogether([recs[1].itemId], { k: 6 });
  out.boughtTogether = +(performance.now() - t).toFixed(1);
  t = performance.now();
  await rec.search(recs[2].item.title.split(/\s+/).slice(0, 2).join(' '), { k: 12 });
  out.search = +(performance.now() - t).toFixed(1);
  rec.dispose();
  return out;
};

/** recommend(), similar() and track()→recommend() latency through comlink at a catalog size. */
window.benchLatency = async (catalogUrl, size, rounds) => {
  const items = scaled(await loadItems(catalogUrl), size);
  const started = performance.now();
  const rec = await localrec.createRecommender({ catalog: items, storage: { persist: false } });
  const startupMs = performance.now() - started;
  const pick = (i) => items[(i * 7919) % items.length].id;
  for (let i = 0; i < 5; i++) await rec.track({ type: 'view', itemId: pick(i) });
  await rec.recommend({ k: 12 }); // warm-up: first kernel compilation
  await rec.similar(pick(0), { k: 8 });
  const recommend = [], similar = [], roundTrip = [];
  for (let i = 0; i < rounds; i++) {
    let t = performance.now();
    await rec.recommend({ k: 12 });
    recommend.push(performance.now() - t);
    t = performance.now();
    await rec.similar(pick(i + 11), { k: 8 });
    similar.push(performance.now() - t);
    t = performance.now();
    await rec.track({ type: 'view', itemId: pick(i + 101) });
    await rec.recommend({ k: 12 });
    roundTrip.push(performance.now() - t);
  }
  const status = rec.status();
  // Left alive for the bench to read the worker's heap; benchDispose() ends it.
  window.benchDispose = () => rec.dispose();
  return {
    items: items.length,
    backend: status.backend,
    startupMs: +startupMs.toFixed(1),
    recommend: summary(recommend),
    similar: summary(similar),
    trackThenRecommend: summary(roundTrip),
    tensors: status.tensors,
    tensorBytes: status.tensorBytes,
  };
};

document.body.dataset.ready = 'true';

/** VAE training throughput in the worker on one backend: a slice of real baskets, one epoch. */
window.benchTrain = async (backend, catalogUrl, basketsUrl, sessions) => {
  const rec = await localrec.createRecommender({ catalog: catalogUrl, backend, storage: { persist: false } });
  const status = rec.status();
  const text = await (await fetch(basketsUrl)).text();
  const lines = text.split('\n').filter(Boolean);
  const header = lines[0].split(',');
  const u = header.indexOf('user_id'), i = header.indexOf('item_id');
  const interactions = [];
  const kept = new Set();
  for (const line of lines.slice(1)) {
    const cells = line.split(',');
    if (!kept.has(cells[u])) {
      if (kept.size >= sessions) continue;
      kept.add(cells[u]);
    }
    interactions.push({ sessionId: cells[u], itemId: cells[i] });
  }
  const started = performance.now();
  const report = await rec.train({ interactions, epochs: 1, sliceSteps: 1000 });
  const wallMs = performance.now() - started;
  rec.dispose();
  return { requested: backend, backend: status.backend, backendReason: status.backendReason, wallMs: +wallMs.toFixed(0), ...report };
};

/** recommend() latency idle vs while the VAE trains in the same worker (background training). */
window.benchTrainingLatency = async (catalogUrl, basketsUrl, sessions, rounds) => {
  const rec = await localrec.createRecommender({ catalog: catalogUrl, storage: { persist: false } });
  const first = (await rec.recommend({ k: 1 }))[0].itemId;
  await rec.track({ type: 'view', itemId: first });
  await rec.recommend({ k: 12 });
  const measure = async () => {
    const out = [];
    for (let i = 0; i < rounds; i++) {
      const t = performance.now();
      await rec.recommend({ k: 12 });
      out.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 20)); // a shopper clicks now and then, not in a tight loop
    }
    return out;
  };
  const idle = await measure();
  const text = await (await fetch(basketsUrl)).text();
  const lines = text.split('\n').filter(Boolean);
  const header = lines[0].split(',');
  const u = header.indexOf('user_id'), it = header.indexOf('item_id');
  const kept = new Set();
  const interactions = [];
  for (const line of lines.slice(1)) {
    const c = line.split(',');
    if (!kept.has(c[u])) { if (kept.size >= sessions) continue; kept.add(c[u]); }
    interactions.push({ sessionId: c[u], itemId: c[it] });
  }
  let trainingDone = false;
  const training = rec.train({ interactions, epochs: 50 }).finally(() => { trainingDone = true; });
  await new Promise((r) => setTimeout(r, 200));
  const during = await measure();
  const stillTraining = !trainingDone;
  rec.dispose();
  await training.catch(() => undefined);
  return { idle: summary(idle), duringTraining: summary(during), stillTrainingAtEnd: stillTraining, ratioP95: +(percentile(during, 95) / percentile(idle, 95)).toFixed(2) };
};

/**
 * A store's catalog and model pack served at size: time to the first recommendation, then
 * recommend(), similar() and search() latency through comlink, and memory across `rounds` calls.
 */
window.benchServing = async (catalogUrl, modelsUrl, rounds, dbName, query) => {
  const started = performance.now();
  const rec = await localrec.createRecommender({ catalog: catalogUrl, models: modelsUrl, storage: { dbName } });
  const readyMs = performance.now() - started;
  const ids = (await rec.search(query, { k: 50 })).map((r) => r.itemId);
  for (let i = 0; i < 5; i++) await rec.track({ type: 'view', itemId: ids[i % ids.length] });
  const firstStarted = performance.now();
  await rec.recommend({ k: 12 });
  const firstMs = performance.now() - firstStarted;
  await rec.similar(ids[0], { k: 8 });
  const before = rec.status();
  const recommend = [], recommendInWorker = [], similar = [], search = [];
  for (let i = 0; i < rounds; i++) {
    let t = performance.now();
    await rec.recommend({ k: 12 });
    recommend.push(performance.now() - t);
    // The worker's own time (status().lastCall); the rest is the messages both ways.
    recommendInWorker.push(rec.status().lastCall.ms);
    if (i % 10 === 0) {
      t = performance.now();
      await rec.similar(ids[i % ids.length], { k: 8 });
      similar.push(performance.now() - t);
      t = performance.now();
      await rec.search(`${query} ${i % 7}`, { k: 12 });
      search.push(performance.now() - t);
    }
  }
  const status = rec.status();
  window.benchDispose = () => rec.dispose();
  return {
    items: status.catalogSize,
    backend: status.backend,
    model: status.modelVersion,
    pack: status.model.source,
    packError: status.model.error,
    coveredItems: status.model.coveredItems,
    startupMs: +readyMs.toFixed(1),
    firstRecommendMs: +firstMs.toFixed(1),
    recommend: summary(recommend),
    recommendInWorker: summary(recommendInWorker),
    similar: summary(similar),
    search: summary(search),
    tensorBytesBefore: before.tensorBytes,
    tensorBytesAfter: status.tensorBytes,
    tensorsBefore: before.tensors,
    tensorsAfter: status.tensors,
  };
};
