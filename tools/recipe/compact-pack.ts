import { CollaborativeBlend } from '../../src/models/collaborative-blend';
import { truncateNeighbours } from '../../src/models/item-item/item-item';
import { decodePack, encodePack, vaeModelPack, vaeScorerFromPack, type EncodedPack, type WeightDtype } from '../../src/models/packs/vae-pack';

/** How a pack is made smaller: the weights' precision and the neighbours kept per item and part. */
export interface CompactOptions {
  dtype: WeightDtype;
  /** Neighbours kept per item in each item–item part (the strongest; lists are best-first). */
  neighbours?: number;
  /**
   * Neighbours kept by the catalog's tail: items outside the most-bought ones that make
   * `HEAD_SHARE` of the purchases keep only this many. A row is used when its item is in a
   * history, so a rarely bought item's row is rarely used. `itemCounts` are the purchases.
   */
  tailNeighbours?: number;
  itemCounts?: ArrayLike<number>;
  /** Values sharing one scale in the NormalFloat VAE matrices (default 64). */
  nfBlock?: number;
}

/** The most-bought items that make this share of the purchases keep every neighbour. */
export const HEAD_SHARE = 0.8;

/**
 * Each tail item's list cut to its `tail` strongest: the rest become zero-weight copies of the
 * row's first neighbour, which the pack stores as varint gaps of 0 and gzip all but removes.
 */
export function withShortTail(scorer: CollaborativeBlend, counts: ArrayLike<number>, tail: number): CollaborativeBlend {
  const n = counts.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => counts[b]! - counts[a]! || a - b);
  const total = order.reduce((a, i) => a + counts[i]!, 0);
  const head = new Uint8Array(n);
  let sum = 0;
  for (const i of order) {
    if (sum >= HEAD_SHARE * total) break;
    head[i] = 1;
    sum += counts[i]!;
  }
  const parts = scorer.parts.map((part) => {
    if (part.k <= tail) return part;
    const indices = Int32Array.from(part.indices);
    const values = Float32Array.from(part.values);
    for (let i = 0; i < part.items; i++) {
      if (head[i]) continue;
      for (let t = tail; t < part.k; t++) {
        indices[i * part.k + t] = indices[i * part.k]!;
        values[i * part.k + t] = 0;
      }
    }
    return { ...part, indices, values };
  });
  return new CollaborativeBlend(scorer.network, parts, scorer.weights);
}

/** The same blend with each part's neighbour lists cut to their `k` strongest. */
export function withFewerNeighbours(scorer: CollaborativeBlend, k: number): CollaborativeBlend {
  return new CollaborativeBlend(scorer.network, scorer.parts.map((part) => truncateNeighbours(part, k)), scorer.weights);
}

/** Bytes a browser downloads for a pack: each file raw and gzipped. */
export async function packBytes(files: EncodedPack): Promise<{ raw: number; gzip: number; files: Record<string, { raw: number; gzip: number }> }> {
  // Imported here, not at the top: the evaluation registry (which imports this file) is also
  // bundled for the browser (npm run eval -- --browser), where pack sizes are not measured.
  const { gzipSync } = await import('node:zlib');
  const out: Record<string, { raw: number; gzip: number }> = {};
  let raw = 0;
  let gzip = 0;
  for (const [name, content] of Object.entries(files)) {
    const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : (content as Uint8Array);
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
  let cut = options.neighbours ? withFewerNeighbours(scorer, options.neighbours) : scorer;
  if (options.tailNeighbours !== undefined && options.itemCounts) cut = withShortTail(cut, options.itemCounts, options.tailNeighbours);
  const items = scorer.network.arch.items;
  const pack = await vaeModelPack(cut, Array.from({ length: items }, (_, i) => String(i)), {
    dataFingerprint: 'evaluation',
    evaluation: null,
    backend: 'wasm',
    training: {},
  });
  const files = encodePack(pack, options.dtype, options.nfBlock ? { nfBlock: options.nfBlock } : {});
  const decoded = vaeScorerFromPack(
    decodePack({ model: JSON.parse(files['model.json']), weights: files['weights.bin'], items: JSON.parse(files['items.json']), manifest: JSON.parse(files['manifest.json']) }),
  );
  const bytes = await packBytes(files);
  return {
    scorer: decoded,
    report: {
      dtype: options.dtype,
      neighbours: cut.parts[0]?.k ?? 0,
      ...(options.nfBlock ? { nfBlock: options.nfBlock } : {}),
      ...(options.tailNeighbours !== undefined ? { tailNeighbours: options.tailNeighbours, headShare: HEAD_SHARE } : {}),
      bytesGzip: bytes.gzip,
      bytesPerItemGzip: Math.round(bytes.gzip / items),
      bytesPerItemRaw: Math.round(bytes.raw / items),
    },
  };
}
