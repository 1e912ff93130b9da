import { LocalrecError } from '../../shared/errors';
import type { BehaviourStore } from '../../store/behaviour-store';

/** The four files of a model pack, as fetched (JSON parsed, weights raw). */
export interface PackFiles {
  model: unknown;
  weights: ArrayBuffer;
  items: unknown;
  manifest: unknown;
}

export interface FetchedPack {
  files: PackFiles;
  /** 'network': downloaded now; 'cache': the IndexedDB copy (same manifest, or offline). */
  source: 'network' | 'cache';
}

const CACHE_PREFIX = 'pack:';

async function fetchOk(url: URL): Promise<Response> {
  let response: Response;
  try {
    // Model files are public store assets; the request carries nothing about the shopper.
    response = await fetch(url.href, { credentials: 'same-origin' }); // model pack URL only
  } catch (error) {
    throw new LocalrecError('MODEL_FETCH_FAILED', `Fetching ${url.href} failed: ${(error as Error).message}`);
  }
  if (!response.ok) throw new LocalrecError('MODEL_FETCH_FAILED', `Fetching ${url.href} gave HTTP ${response.status}.`);
  return response;
}

async function fetchJson(url: URL): Promise<unknown> {
  const text = await (await fetchOk(url)).text();
  try {
    return JSON.parse(text);
  } catch {
    throw new LocalrecError('MODEL_INVALID', `${url.pathname} is not valid JSON.`);
  }
}

/** Identity of a pack build: the manifest says what was trained on what, when. */
function manifestKey(manifest: unknown): string {
  return JSON.stringify(manifest);
}

/**
 * Gets a model pack's files: the small manifest from the network, then the weights from the
 * IndexedDB copy when it is the same build, else from the network (and caches them). Offline, a
 * cached copy is used as is.
 * @throws LocalrecError MODEL_FETCH_FAILED
 */
export async function fetchPackFiles(baseUrl: string, store: BehaviourStore): Promise<FetchedPack> {
  const base = new URL(baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  const cacheName = CACHE_PREFIX + base.href;
  const cached = await store.getCheckpoint(cacheName).catch(() => undefined);
  const cachedFiles = cached?.data as PackFiles | undefined;
  let manifest: unknown;
  try {
    manifest = await fetchJson(new URL('manifest.json', base));
  } catch (error) {
    if (cachedFiles && error instanceof LocalrecError && error.code === 'MODEL_FETCH_FAILED') return { files: cachedFiles, source: 'cache' };
    throw error;
  }
  if (cachedFiles && manifestKey(cachedFiles.manifest) === manifestKey(manifest)) return { files: cachedFiles, source: 'cache' };
  const [model, items, weights] = await Promise.all([
    fetchJson(new URL('model.json', base)),
    fetchJson(new URL('items.json', base)),
    fetchOk(new URL('weights.bin', base)).then((r) => r.arrayBuffer()),
  ]);
  const files: PackFiles = { model, items, manifest, weights };
  // Best effort: without room to cache, the pack is simply downloaded again next time.
  await store.putCheckpoint({ name: cacheName, savedAt: Date.now(), data: files }).catch(() => undefined);
  return { files, source: 'network' };
}

/** Drops a cached pack (e.g. it failed to decode), so the next start downloads it afresh. */
export async function dropCachedPack(baseUrl: string, store: BehaviourStore): Promise<void> {
  const base = new URL(baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  await store.deleteCheckpoint(CACHE_PREFIX + base.href).catch(() => undefined);
}

/** A decoded pack and where it came from. */
export interface LoadedPack<T> {
  value: T;
  source: 'network' | 'cache';
  /** The IndexedDB copy was damaged: rejected, and downloaded again. */
  cacheError: { code: 'MODEL_INVALID'; message: string } | null;
}

/**
 * Fetches a pack (or takes its IndexedDB copy) and decodes it. A damaged cached copy is dropped
 * and downloaded again at once; a pack that does not decode from the network is dropped too.
 * @param what the pack's name in messages ("model pack", "reasons pack")
 * @throws LocalrecError MODEL_FETCH_FAILED | MODEL_INVALID
 */
export async function loadPack<T>(url: string, store: BehaviourStore, what: string, decode: (files: PackFiles) => T): Promise<LoadedPack<T>> {
  const attempt = async (): Promise<{ value: T; source: 'network' | 'cache' } | { error: Error; source: 'network' | 'cache' }> => {
    const fetched = await fetchPackFiles(url, store);
    try {
      return { value: decode(fetched.files), source: fetched.source };
    } catch (error) {
      await dropCachedPack(url, store);
      return { error: error as Error, source: fetched.source };
    }
  };
  let result = await attempt();
  let cacheError: LoadedPack<T>['cacheError'] = null;
  if ('error' in result && result.source === 'cache') {
    cacheError = { code: 'MODEL_INVALID', message: `The cached ${what} was corrupted and was downloaded again: ${result.error.message}` };
    result = await attempt();
  }
  if ('error' in result) throw new LocalrecError('MODEL_INVALID', `The ${what} is corrupted: ${result.error.message}`);
  return { value: result.value, source: result.source, cacheError };
}
