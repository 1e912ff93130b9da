import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodePack, PACK_FILES, type EncodedPack, type ModelPack } from '../../src/models/packs/vae-pack';

/** Writes an encoded pack into `dir` (created if missing). Node only. */
export function savePackToDir(dir: string, files: EncodedPack): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content as string | Uint8Array);
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
