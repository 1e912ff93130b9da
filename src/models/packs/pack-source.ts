import { LocalrecError } from '../../shared/errors';
import type { BehaviourStore } from '../../store/behaviour-store';
import { verifyPack } from './integrity';

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
  /** 'verified': every file matched the SHA-256 its manifest carries; 'unverified': a pack built without hashes. */
  integrity: 'verified' | 'unverified';
  /** The IndexedDB copy failed its check and was replaced from the network (or null). */
  cacheError: { code: 'MODEL_INVALID'; message: string } | null;
}

/** A pack's files as they came over the wire (what is hashed and cached). */
interface RawPack {
  format: 2;
  manifest: string;
  'model.json': string;
  'items.json': string;
  'weights.bin': ArrayBuffer;
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

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new LocalrecError('MODEL_INVALID', `${file} is not valid JSON.`);
  }
}

/** A cached copy in the current format, or null (older copies are simply downloaded again). */
function cachedRaw(data: unknown): RawPack | null {
  const raw = data as Partial<RawPack> | undefined;
  return raw && raw.format === 2 && typeof raw.manifest === 'string' && raw['weights.bin'] instanceof ArrayBuffer ? (raw as RawPack) : null;
}

/**
 * Parses and checks raw files (hashes from the manifest, the manifest against `integrity`).
 * `whileChecking` gets the parsed files while the hashes are computed (SubtleCrypto works off
 * this thread): it may start decoding them, but nothing may be used before this resolves.
 * @throws LocalrecError MODEL_INVALID
 */
async function openRaw(raw: RawPack, integrity: string | undefined, what: string, whileChecking?: (files: PackFiles) => void): Promise<{ files: PackFiles; integrity: 'verified' | 'unverified' }> {
  const manifest = parseJson(raw.manifest, 'manifest.json');
  const checking = verifyPack(raw, manifest, integrity, what);
  // Handled when awaited below; this only keeps a rejection during the parse from being reported as unhandled.
  checking.catch(() => undefined);
  const files = { manifest, model: parseJson(raw['model.json'], 'model.json'), items: parseJson(raw['items.json'], 'items.json'), weights: raw['weights.bin'] };
  whileChecking?.(files);
  return { files, integrity: await checking };
}

/** Bytes received so far of `total` (from the manifest: a gzip response's Content-Length is the compressed size). */
export type DownloadProgress = (loaded: number, total: number) => void;

/** A response body read in chunks, reporting the bytes as they come. */
async function readWithProgress(response: Response, total: number, onProgress: DownloadProgress): Promise<ArrayBuffer> {
  const reader = response.body?.getReader();
  if (!reader) return response.arrayBuffer();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  onProgress(0, total);
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.byteLength;
    onProgress(Math.min(loaded, total), total);
  }
  const out = new Uint8Array(loaded);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out.buffer;
}

function weightBytesOf(manifest: string | null): number {
  try {
    const bytes = (JSON.parse(manifest ?? 'null') as { weights?: { bytes?: unknown } } | null)?.weights?.bytes;
    return typeof bytes === 'number' && bytes > 0 ? bytes : 0;
  } catch {
    return 0;
  }
}

/** The two reads every start makes first, begun together: the IndexedDB copy and the manifest. */
export interface PackFetchStart {
  cached: Promise<unknown>;
  manifest: Promise<{ text: string } | { error: unknown }>;
}

function packBase(baseUrl: string): URL {
  return new URL(baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
}

/**
 * Begins reading the IndexedDB copy (once `after` settles) and fetching the manifest (never
 * throws: errors surface in fetchPackFiles). The engine begins them before it parses the catalog,
 * so that the wait for the database and the network overlaps work it has to do anyway.
 */
export function startPackFetch(baseUrl: string, store: BehaviourStore, after: Promise<void> = Promise.resolve()): PackFetchStart {
  let base: URL;
  try {
    base = packBase(baseUrl);
  } catch (error) {
    return { cached: Promise.resolve(undefined), manifest: Promise.resolve({ error }) };
  }
  return {
    cached: after.then(() => store.getCheckpoint(CACHE_PREFIX + base.href)).then(
      (checkpoint) => checkpoint?.data,
      () => undefined,
    ),
    manifest: fetchOk(new URL('manifest.json', base)).then((r) => r.text()).then((text) => ({ text }), (error: unknown) => ({ error })),
  };
}

/**
 * Gets a pack's files: the small manifest from the network, then the rest from the IndexedDB copy
 * when it is the same build, else from the network. Every file is checked against the SHA-256 the
 * manifest carries (and the manifest against `integrity`, when the store gives one) before it is
 * used or cached: a mismatch caches nothing. Offline, a cached copy is used once it passes the
 * same check; a cached copy that fails it is dropped and downloaded again.
 * @param what the pack's name in messages ("model pack", "reasons pack")
 * @throws LocalrecError MODEL_FETCH_FAILED | MODEL_INVALID
 */
export async function fetchPackFiles(
  baseUrl: string,
  store: BehaviourStore,
  integrity?: string,
  what = 'model pack',
  onDownload?: DownloadProgress,
  started?: PackFetchStart,
  whileChecking?: (files: PackFiles) => void,
): Promise<FetchedPack> {
  const base = packBase(baseUrl);
  const cacheName = CACHE_PREFIX + base.href;
  const begun = started ?? startPackFetch(baseUrl, store);
  const cached = cachedRaw(await begun.cached);
  let manifest: string | null = null;
  let offline: LocalrecError | null = null;
  try {
    const fetched = await begun.manifest;
    if ('error' in fetched) throw fetched.error;
    manifest = fetched.text;
  } catch (error) {
    if (!(cached && error instanceof LocalrecError && error.code === 'MODEL_FETCH_FAILED')) throw error;
    offline = error;
  }
  let cacheError: FetchedPack['cacheError'] = null;
  if (cached && (offline || cached.manifest === manifest)) {
    try {
      return { ...(await openRaw(cached, integrity, what, whileChecking)), source: 'cache', cacheError: null };
    } catch (error) {
      await dropCachedPack(baseUrl, store);
      if (offline || !(error instanceof LocalrecError)) throw error;
      cacheError = { code: 'MODEL_INVALID', message: `The cached ${what} failed its check and was downloaded again: ${error.message}` };
    }
  }
  const [model, items, weights] = await Promise.all([
    fetchOk(new URL('model.json', base)).then((r) => r.text()),
    fetchOk(new URL('items.json', base)).then((r) => r.text()),
    fetchOk(new URL('weights.bin', base)).then((r) => {
      const total = weightBytesOf(manifest) || Number(r.headers.get('content-length')) || 0;
      return onDownload && total > 0 ? readWithProgress(r, total, onDownload) : r.arrayBuffer();
    }),
  ]);
  const raw: RawPack = { format: 2, manifest: manifest!, 'model.json': model, 'items.json': items, 'weights.bin': weights };
  const opened = await openRaw(raw, integrity, what); // throws before anything is cached
  // Best effort: without room to cache, the pack is simply downloaded again next time.
  await store.putCheckpoint({ name: cacheName, savedAt: Date.now(), data: raw }).catch(() => undefined);
  return { ...opened, source: 'network', cacheError };
}

/** Drops a cached pack (e.g. it failed to decode), so the next start downloads it afresh. */
export async function dropCachedPack(baseUrl: string, store: BehaviourStore): Promise<void> {
  const base = packBase(baseUrl);
  await store.deleteCheckpoint(CACHE_PREFIX + base.href).catch(() => undefined);
}

/** A decoded pack and where it came from. */
export interface LoadedPack<T> {
  value: T;
  source: 'network' | 'cache';
  integrity: 'verified' | 'unverified';
  /** The IndexedDB copy was damaged: rejected, and downloaded again. */
  cacheError: { code: 'MODEL_INVALID'; message: string } | null;
}

/**
 * Fetches a pack (or takes its IndexedDB copy), checks it and decodes it. A cached copy that fails
 * its check or does not decode is dropped and downloaded again at once; a pack that does not
 * decode from the network is dropped too.
 * @param what the pack's name in messages ("model pack", "reasons pack")
 * @throws LocalrecError MODEL_FETCH_FAILED | MODEL_INVALID
 */
export async function loadPack<T>(
  url: string,
  store: BehaviourStore,
  what: string,
  decode: (files: PackFiles) => T,
  integrity?: string,
  onDownload?: DownloadProgress,
  started?: PackFetchStart,
  decodeWhileChecking = false,
): Promise<LoadedPack<T>> {
  const tryDecode = (files: PackFiles): T | Error => {
    try {
      return decode(files);
    } catch (error) {
      return error as Error;
    }
  };
  // A cached copy is decoded while its hashes are computed; the result is kept only if they match.
  let early: { files: PackFiles; value: T | Error } | null = null;
  const whileChecking = decodeWhileChecking ? (files: PackFiles) => void (early = { files, value: tryDecode(files) }) : undefined;
  let fetched = await fetchPackFiles(url, store, integrity, what, onDownload, started, whileChecking);
  let cacheError = fetched.cacheError;
  const decodeOrDrop = async (): Promise<T | Error> => {
    const decoded = early as { files: PackFiles; value: T | Error } | null;
    const value = decoded && decoded.files === fetched.files ? decoded.value : tryDecode(fetched.files);
    early = null;
    if (value instanceof Error) await dropCachedPack(url, store);
    return value;
  };
  let value = await decodeOrDrop();
  if (value instanceof Error && fetched.source === 'cache') {
    cacheError = { code: 'MODEL_INVALID', message: `The cached ${what} was corrupted and was downloaded again: ${value.message}` };
    fetched = await fetchPackFiles(url, store, integrity, what, onDownload);
    value = await decodeOrDrop();
  }
  if (value instanceof Error) throw new LocalrecError('MODEL_INVALID', `The ${what} is corrupted: ${value.message}`);
  return { value, source: fetched.source, integrity: fetched.integrity, cacheError };
}
