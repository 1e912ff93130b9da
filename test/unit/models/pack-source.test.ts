import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPack, type PackFiles } from '../../../src/models/packs/pack-source';
import { verifyPack } from '../../../src/models/packs/integrity';
import { MemoryStore } from '../../../src/store/memory-store';
import { savePackToDir } from '../../../tools/io/pack-node';
import { startStaticServer, type StaticServer } from '../../../tools/browser/static-server';

// A pack served over HTTP whose IndexedDB copy (here the in-memory store) is decoded while its
// hashes are computed: a copy that decodes but fails its check must never be what serves.
let dir: string;
let server: StaticServer;
const weights = Uint8Array.from({ length: 4096 }, (_, i) => (i * 37) % 251);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'localrec-pack-source-'));
  const manifest = { format: 'localrec-model-pack', version: 1, model: 'vae', weights: { file: 'weights.bin', dtype: 'uint8', bytes: weights.byteLength } };
  await savePackToDir(join(dir, 'pack'), { 'manifest.json': JSON.stringify(manifest), 'model.json': JSON.stringify({ format: 'localrec-model-pack' }), 'items.json': JSON.stringify(['a', 'b']), 'weights.bin': weights });
  server = await startStaticServer(dir);
});
afterAll(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('loadPack, decoding a cached copy while its hashes are computed', () => {
  it('serves the copy when it matches, and downloads again when a copy that decodes fails its check', async () => {
    const store = new MemoryStore('pack-source', 100);
    const url = `${server.url}/pack/`;
    const decoded: number[] = [];
    // What is decoded: the sum of the weight bytes, so a damaged copy gives another value.
    const decode = (files: PackFiles) => {
      const sum = new Uint8Array(files.weights).reduce((a, b) => a + b, 0);
      decoded.push(sum);
      return sum;
    };
    const want = weights.reduce((a, b) => a + b, 0);
    const first = await loadPack(url, store, 'model pack', decode, undefined, undefined, undefined, true);
    expect(first).toMatchObject({ value: want, source: 'network', integrity: 'verified', cacheError: null });
    const cached = await loadPack(url, store, 'model pack', decode, undefined, undefined, undefined, true);
    expect(cached).toMatchObject({ value: want, source: 'cache', integrity: 'verified', cacheError: null });
    // One byte of the copy changed, its length kept: it decodes, but its SHA-256 no longer matches.
    const name = `pack:${url}`;
    const record = (await store.getCheckpoint(name))!;
    const bytes = new Uint8Array((record.data as { 'weights.bin': ArrayBuffer })['weights.bin'].slice(0));
    bytes[100] = (bytes[100]! + 1) % 256;
    await store.putCheckpoint({ ...record, data: { ...(record.data as object), 'weights.bin': bytes.buffer } });
    decoded.length = 0;
    const damaged = await loadPack(url, store, 'model pack', decode, undefined, undefined, undefined, true);
    // The damaged copy was decoded (while being checked), and then not used.
    expect(decoded).toEqual([want + 1, want]);
    expect(damaged).toMatchObject({ value: want, source: 'network', integrity: 'verified' });
    expect(damaged.cacheError?.code).toBe('MODEL_INVALID');
    // The copy was replaced by the good one.
    expect(await loadPack(url, store, 'model pack', decode, undefined, undefined, undefined, true)).toMatchObject({ value: want, source: 'cache', cacheError: null });
  });

  it('checks every file at once and reports the first that does not match', async () => {
    const raw = { manifest: '{}', 'model.json': 'm', 'items.json': 'i', 'weights.bin': new Uint8Array([1, 2, 3]) };
    const { sriOf } = await import('../../../src/models/packs/integrity');
    const files = { 'model.json': await sriOf('m'), 'items.json': await sriOf('i'), 'weights.bin': await sriOf(new Uint8Array([1, 2, 3])) };
    expect(await verifyPack(raw, { files }, undefined, 'model pack')).toBe('verified');
    await expect(verifyPack(raw, { files: { ...files, 'items.json': await sriOf('x'), 'weights.bin': await sriOf('y') } }, undefined, 'model pack')).rejects.toThrow(/items\.json does not match/);
    await expect(verifyPack(raw, { files: { ...files, 'model.json': 'not a hash' } }, undefined, 'model pack')).rejects.toThrow(/no valid hash for model\.json/);
    await expect(verifyPack(raw, { files }, await sriOf('other'), 'model pack')).rejects.toThrow(/manifest\.json does not match the integrity/);
    await expect(verifyPack(raw, {}, await sriOf('{}'), 'model pack')).rejects.toThrow(/no file hashes/);
    expect(await verifyPack(raw, {}, undefined, 'model pack')).toBe('unverified');
  });
});
