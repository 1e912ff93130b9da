import { gzipSync } from 'node:zlib';
import { CollaborativeBlend } from '../../src/models/collaborative-blend';
import { truncateNeighbours } from '../../src/models/item-item/item-item';
import { decodePack, encodePack, vaeModelPack, vaeScorerFromPack, type EncodedPack, type WeightDtype } from '../../src/models/packs/vae-pack';

/** How a pack is made smaller: the weights' precision and the neighbours kept per item and part. */
export interface CompactOptions {
  dtype: WeightDtype;
  /** Neighbours kept per item in each item–item part (the strongest; lists are best-first). */
  neighbours?: number;
}

/** The same blend with each part's neighbour lists cut to their `k` strongest. */
export function withFewerNeighbours(scorer: CollaborativeBlend, k: number): CollaborativeBlend {
  return new CollaborativeBlend(scorer.network, scorer.parts.map((part) => truncateNeighbours(part, k)), scorer.weights);
}

/** Bytes a browser downloads for a pack: each file raw and gzipped. */
export function packBytes(files: EncodedPack): { raw: number; gzip: number; files: Record<string, { raw: number; gzip: number }> } {
  const out: Record<string, { raw: number; gzip: number }> = {};
  let raw = 0;
  let gzip = 0;
  for (const [name, content] of Object.entries(files)) {
    const bytes = typeof content === 'string' ? Buffer.from(content) : Buffer.from(content as Uint8Array);
    const z = gzipSync(bytes, { level: 9 }).byteLength;
    out[name] = { raw: bytes.byteLength, gzip: z };
    raw += bytes.byteLength;
    gzip += z;
  }
  return { raw, gzip, files: out };
}

/**
 * The scorer a browser would get from a compact pack of `scorer`: encoded, decoded and rebuilt
 * exactly as the worker loads it, with the pack's size. Item ids are the column numbers here (the
 * evaluation has no others), so items.json is about the size of a real store's.
 */
export async function compactScorer(scorer: CollaborativeBlend, options: CompactOptions): Promise<{ scorer: CollaborativeBlend; report: Record<string, unknown> }> {
  const cut = options.neighbours ? withFewerNeighbours(scorer, options.neighbours) : scorer;
  const items = scorer.network.arch.items;
  const pack = await vaeModelPack(cut, Array.from({ length: items }, (_, i) => String(i)), {
    dataFingerprint: 'evaluation',
    evaluation: null,
    backend: 'wasm',
    training: {},
  });
  const files = encodePack(pack, options.dtype);
  const decoded = vaeScorerFromPack(
    decodePack({ model: JSON.parse(files['model.json']), weights: files['weights.bin'], items: JSON.parse(files['items.json']), manifest: JSON.parse(files['manifest.json']) }),
  );
  const bytes = packBytes(files);
  return {
    scorer: decoded,
    report: {
      dtype: options.dtype,
      neighbours: cut.parts[0]?.k ?? 0,
      bytesGzip: bytes.gzip,
      bytesPerItemGzip: Math.round(bytes.gzip / items),
      bytesPerItemRaw: Math.round(bytes.raw / items),
    },
  };
}
