import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HASHED_PACK_FILES, sriOf } from '../../src/models/packs/integrity';
import { decodePack, PACK_FILES, type ModelPack } from '../../src/models/packs/vae-pack';

/**
 * Writes an encoded pack (model or reasons) into `dir` (created if missing), its manifest carrying
 * the SHA-256 of every other file (`files`), which the worker checks before use. Returns the
 * manifest's own Subresource-Integrity value, for a store's `integrity` option. Node only.
 */
export async function savePackToDir(dir: string, encoded: object): Promise<string> {
  const files = encoded as Record<string, string | Uint8Array>;
  mkdirSync(dir, { recursive: true });
  const hashes: Record<string, string> = {};
  for (const name of HASHED_PACK_FILES) {
    const content = files[name];
    if (content === undefined) throw new Error(`a pack needs ${name}`);
    hashes[name] = await sriOf(content);
  }
  const manifest = JSON.stringify({ ...(JSON.parse(String(files['manifest.json'])) as object), files: hashes }, null, 2);
  for (const [name, content] of Object.entries({ ...files, 'manifest.json': manifest })) writeFileSync(join(dir, name), content);
  return sriOf(manifest);
}

/** Re-hashes a pack folder written before packs carried hashes (or edited since). Returns the manifest's SRI value. */
export function rehashPackDir(dir: string): Promise<string> {
  const read = (name: string): string | Uint8Array => (name === 'weights.bin' ? new Uint8Array(readFileSync(join(dir, name))) : readFileSync(join(dir, name), 'utf8'));
  return savePackToDir(dir, Object.fromEntries(['manifest.json', ...HASHED_PACK_FILES].map((name) => [name, read(name)])));
}

/** Reads a pack folder. Node only; parsing is the same as for URLs. */
export function loadPackFromDir(dir: string): ModelPack {
  const json = (name: string): unknown => JSON.parse(readFileSync(join(dir, name), 'utf8'));
  const model = json(PACK_FILES.model) as { weightsManifest?: { paths?: string[] }[] };
  const weightsFile = model.weightsManifest?.[0]?.paths?.[0] ?? PACK_FILES.weights;
  return decodePack({
    model,
    weights: new Uint8Array(readFileSync(join(dir, weightsFile))),
    items: json(PACK_FILES.items),
    manifest: json(PACK_FILES.manifest),
  });
}
