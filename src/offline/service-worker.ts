// localrec.sw.js: a small service worker that keeps a store's recommendations working offline.
// Register it from the page at the scope it should serve (usually the site root):
//   navigator.serviceWorker.register('/localrec.sw.js?base=/assets/localrec/&precache=/,/items.jsonl')
// - `base`: where localrec's dist/ is served; every file it lists in localrec-files.json (worker,
//   chunks, WASM binaries) is cached at install and served cache-first afterwards.
// - `precache`: the store's own URLs to cache at install (its pages, catalog), comma-separated.
// Every other same-origin GET (pages, scripts, catalog, model packs) goes to the network first and
// falls back to its last cached copy when the network is gone. Nothing else is touched: no POST,
// no other origin, and the shopper's behaviour never passes through here (it stays in IndexedDB).
// Stores with their own service-worker tooling (Workbox…) can precache localrec-files.json's list instead.

interface FetchEventLike extends Event {
  request: Request;
  respondWith(response: Promise<Response>): void;
}
interface ExtendableEventLike extends Event {
  waitUntil(work: Promise<unknown>): void;
}
interface ServiceWorkerScope {
  location: Location;
  skipWaiting(): Promise<void>;
  clients: { claim(): Promise<void> };
  addEventListener(type: 'install' | 'activate', listener: (event: ExtendableEventLike) => void): void;
  addEventListener(type: 'fetch', listener: (event: FetchEventLike) => void): void;
}

const scope = self as unknown as ServiceWorkerScope;
const CACHE_PREFIX = 'localrec-offline-';
const params = new URL(scope.location.href).searchParams;
const base = new URL(params.get('base') ?? './', scope.location.href).href;
const precache = (params.get('precache') ?? '').split(',').filter(Boolean).map((url) => new URL(url, scope.location.href).href);
// One cache per configuration and build: a new localrec release (new file list) gets a new cache.
const cacheName = `${CACHE_PREFIX}${params.toString()}`;

async function install(): Promise<void> {
  const listUrl = new URL('localrec-files.json', base);
  const response = await fetch(listUrl, { cache: 'no-store' });
  if (!response.ok) throw new Error(`localrec service worker: ${listUrl.href} gave HTTP ${response.status}`);
  const { files, build } = (await response.json()) as { files: string[]; build: string };
  const cache = await caches.open(`${cacheName}&build=${build}`);
  // Cache.addAll() rejects a list that names one URL twice (a store's precache may repeat a listed file).
  await cache.addAll([...new Set([...files.map((file) => new URL(file, base).href), ...precache])]);
  await scope.skipWaiting();
}

async function activate(): Promise<void> {
  const current = await currentCacheName();
  for (const name of await caches.keys()) if (name.startsWith(CACHE_PREFIX) && name !== current) await caches.delete(name);
  await scope.clients.claim();
}

async function currentCacheName(): Promise<string | undefined> {
  const names = (await caches.keys()).filter((name) => name.startsWith(`${cacheName}&build=`));
  return names.at(-1);
}

async function cacheFirst(request: Request): Promise<Response> {
  const hit = await caches.match(request);
  if (hit) return hit;
  return networkThenCache(request);
}

async function networkThenCache(request: Request): Promise<Response> {
  try {
    const response = await fetch(request);
    if (response.ok && response.type === 'basic') {
      const name = (await currentCacheName()) ?? `${cacheName}&build=runtime`;
      const copy = response.clone();
      void caches.open(name).then((cache) => cache.put(request, copy));
    }
    return response;
  } catch (error) {
    const hit = (await caches.match(request)) ?? (request.mode === 'navigate' ? await caches.match(new URL('./', scope.location.href).href) : undefined);
    if (hit) return hit;
    throw error;
  }
}

scope.addEventListener('install', (event) => event.waitUntil(install()));
scope.addEventListener('activate', (event) => event.waitUntil(activate()));
scope.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET' || new URL(request.url).origin !== scope.location.origin) return;
  event.respondWith(request.url.startsWith(base) ? cacheFirst(request) : networkThenCache(request));
});
