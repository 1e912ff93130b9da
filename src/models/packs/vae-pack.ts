import type { PackRanking } from '../../rank/ranking-settings';
import { float16BitsToFloat32, toFloat16 } from './float16';
import { decodeNormalFloat, encodeNormalFloat, NF_BLOCK, NormalFloatMatrix, normalFloatBytes, type NormalFloatBits } from './normal-float';
import { DeltaVarintMatrix, decodeDeltaVarint, encodeDeltaVarint, sortRowsByIndex } from './delta-varint';
import { CodedNeighbours } from './coded-neighbours';
import type { ItemNeighbours } from '../item-item/item-item';
import { VAE_PARAM_NAMES, VaeNetwork, vaeParamShapes, type VaeArchitecture, type VaeParamName } from '../vae/vae-network';
import { CollaborativeBlend } from '../collaborative-blend';

/**
 * A model pack: the folder (or URL prefix) a trained model is shipped in.
 * - `model.json`: tfjs-style model description — `modelTopology` (what the tensors mean) and a
 *   `weightsManifest` in the format of tfjs' `io.decodeWeights` (float32 weights optionally
 *   stored as float16 via `quantization`, int32 item indices stored as uint16 where they fit).
 * - `weights.bin`: every tensor, concatenated in manifest order.
 * - `items.json`: the item-id vocabulary (column j of every tensor is items[j]).
 * - `manifest.json`: version, dimensions, data fingerprint, evaluation figures, training settings.
 * Encoding and parsing are pure (no I/O); `loadPackFromUrl` fetches, `vae-pack-node.ts` reads files.
 */

export const PACK_FORMAT = 'localrec-model-pack';
export const PACK_VERSION = 1;
export const PACK_FILES = { model: 'model.json', weights: 'weights.bin', items: 'items.json', manifest: 'manifest.json' } as const;

/**
 * float32 weights as stored: float16, float32, uint8 with a per-tensor affine map (tfjs'
 * quantization), or `nf4` / `nf3`: the item-sized matrices in 4- or 3-bit NormalFloat blocks
 * (normal-float.ts), the rest as uint8, neighbour lists as varint gaps — compact packs.
 */
export type WeightDtype = 'float16' | 'float32' | 'uint8' | 'nf4' | 'nf3';
export const WEIGHT_DTYPES: readonly WeightDtype[] = ['uint8', 'float16', 'float32', 'nf4', 'nf3'];
const NF_BITS: Partial<Record<WeightDtype, NormalFloatBits>> = { nf4: 4, nf3: 3 };
/** In an `nf4`/`nf3` pack, float tensors at least this large (the item-sized matrices) are NormalFloat. */
const NF4_MIN_VALUES = 4096;

export interface PackTensor {
  name: string;
  shape: number[];
  /** Coded (decodePack's `coded`): a compact pack's enc/w1, dec/w2 and part weights (NormalFloatMatrix), part indices (DeltaVarintMatrix). */
  data: Float32Array | Int32Array | NormalFloatMatrix | DeltaVarintMatrix;
}

export interface PackManifest {
  format: typeof PACK_FORMAT;
  version: number;
  model: string;
  modelVersion: string;
  createdAt: string;
  dimensions: Record<string, number>;
  /** Fingerprint of the training data (interactions and item vocabulary). */
  dataFingerprint: string;
  /** Figures measured for this recipe (e.g. strong-protocol JSON lines), or null. */
  evaluation: unknown;
  /** tfjs backend the weights were trained on. */
  backend: string;
  training: Record<string, unknown>;
  /**
   * How the worker ranks for this store (src/rank/ranking-settings.ts): the recency half-life (in
   * distinct items) tuned on `loo` validation users (`+recency`), the search event's weight and
   * lift tuned on `intent` validation users, how long near-duplicate variants wait, tuned on
   * `+spread` validation users; each with where it was tuned. What is absent (older packs) is the
   * library's default, and status().ranking says which.
   */
  ranking?: PackRanking;
  /**
   * How the worker scores catalog items this model was not trained on (src/rank/new-item-bridge.ts),
   * as tuned on pseudo-cold items by the `localrec` cold-items evaluation, and where. Absent: the
   * library's defaults (DEFAULT_NEW_ITEM_BRIDGE).
   */
  coldStart?: PackColdStart;
  weights: { file: string; dtype: WeightDtype; bytes: number };
}

/** A pack's new-item settings (manifest `coldStart`). */
export interface PackColdStart {
  bridge: Record<string, number>;
  tunedOn: string;
  /**
   * The GAN generator as a bridge part: the weight the pseudo-cold validation gave it (one cell per
   * weight tried, NDCG@20). Absent: the pack's tuning did not train one.
   */
  generator?: { weight: number; validationNDCG20: Record<string, number>; tunedOn: string };
  /**
   * The bridge's term weights (src/rank/new-item-bridge.ts): each listed catalog feature's idf
   * multiplier, from its collaborative coherence in the pack's training data at exponent
   * `coherence` (tools/recipe/term-weights.ts), the exponent chosen on the pseudo-cold items.
   * Absent: none (every weight 1).
   */
  termWeights?: { coherence: number; kappa: number; weights: Record<string, number>; tunedOn: string };
}

export interface ModelPack {
  topology: Record<string, unknown>;
  tensors: PackTensor[];
  items: string[];
  manifest: PackManifest;
}

interface WeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  quantization?: { dtype: 'float16' | 'uint16' | 'uint8' | 'nf4' | 'nf3' | 'delta-varint'; min?: number; scale?: number; block?: number; bytes?: number; rowLength?: number; original_dtype?: string };
}

interface ModelJson {
  format: string;
  generatedBy: string;
  modelTopology: Record<string, unknown>;
  weightsManifest: { paths: string[]; weights: WeightSpec[] }[];
}

export interface EncodedPack {
  [PACK_FILES.model]: string;
  [PACK_FILES.weights]: Uint8Array;
  [PACK_FILES.items]: string;
  [PACK_FILES.manifest]: string;
}

function size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * Serialises a pack; float32 tensors are stored as `weightDtype`. `manifest.weights` is filled in.
 * `nfBlock`: values sharing one scale in the NormalFloat dtypes' VAE matrices (default 64; the
 * neighbour weights keep 64).
 */
export function encodePack(pack: Omit<ModelPack, 'manifest'> & { manifest: Omit<PackManifest, 'weights'> }, weightDtype: WeightDtype, options: { nfBlock?: number } = {}): EncodedPack {
  const nfBlock = options.nfBlock ?? NF_BLOCK;
  if (!(Number.isInteger(nfBlock) && nfBlock >= 8 && nfBlock % 8 === 0)) throw new RangeError('nfBlock must be a multiple of 8');
  const specs: WeightSpec[] = [];
  const chunks: Uint8Array[] = [];
  for (const coded of pack.tensors) {
    const t = coded.data instanceof NormalFloatMatrix || coded.data instanceof DeltaVarintMatrix ? { ...coded, data: coded.data.decodeAll() } : (coded as { name: string; shape: number[]; data: Float32Array | Int32Array });
    if (t.data.length !== size(t.shape)) throw new Error(`pack tensor ${t.name}: ${t.data.length} values for shape [${t.shape}]`);
    const nfBits = NF_BITS[weightDtype];
    if (t.data instanceof Int32Array && nfBits && t.shape.length === 2 && t.name.startsWith('parts/')) {
      // Compact packs: neighbour lists (ascending in each row, see vaeModelPack) as varint gaps.
      const rowLength = t.shape[1]!;
      const encoded = encodeDeltaVarint(t.data, rowLength);
      specs.push({ name: t.name, shape: t.shape, dtype: 'int32', quantization: { dtype: 'delta-varint', bytes: encoded.byteLength, rowLength, original_dtype: 'int32' } });
      chunks.push(encoded);
    } else if (t.data instanceof Int32Array) {
      let min = 0;
      let max = 0;
      for (let i = 0; i < t.data.length; i++) {
        min = Math.min(min, t.data[i]!);
        max = Math.max(max, t.data[i]!);
      }
      if (min >= 0 && max < 65536) {
        specs.push({ name: t.name, shape: t.shape, dtype: 'int32', quantization: { dtype: 'uint16', min: 0, scale: 1, original_dtype: 'int32' } });
        chunks.push(new Uint8Array(Uint16Array.from(t.data).buffer));
      } else {
        specs.push({ name: t.name, shape: t.shape, dtype: 'int32' });
        chunks.push(new Uint8Array(Int32Array.from(t.data).buffer));
      }
    } else if (nfBits && t.shape.length === 2 && t.data.length >= NF4_MIN_VALUES) {
      // Neighbour weights take NF4 in both compact dtypes: at toys' 11,924 items they shrink from
      // 56 to 13 gzipped bytes an item (three parts) at 8% relative error; NF3 would save 2 more.
      const part = t.name.startsWith('parts/');
      const bits: NormalFloatBits = part ? 4 : nfBits;
      const block = part ? NF_BLOCK : nfBlock;
      specs.push({ name: t.name, shape: t.shape, dtype: 'float32', quantization: { dtype: bits === 4 ? 'nf4' : 'nf3', block, original_dtype: 'float32' } });
      chunks.push(encodeNormalFloat(t.data, bits, block));
    } else if (weightDtype === 'uint8' || nfBits) {
      let min = Infinity;
      let max = -Infinity;
      for (let i = 0; i < t.data.length; i++) {
        min = Math.min(min, t.data[i]!);
        max = Math.max(max, t.data[i]!);
      }
      if (!(max > min)) max = min + 1;
      const scale = (max - min) / 255;
      const q = new Uint8Array(t.data.length);
      for (let i = 0; i < t.data.length; i++) q[i] = Math.round((t.data[i]! - min) / scale);
      specs.push({ name: t.name, shape: t.shape, dtype: 'float32', quantization: { dtype: 'uint8', min, scale, original_dtype: 'float32' } });
      chunks.push(q);
    } else if (weightDtype === 'float16') {
      specs.push({ name: t.name, shape: t.shape, dtype: 'float32', quantization: { dtype: 'float16', original_dtype: 'float32' } });
      chunks.push(new Uint8Array(toFloat16(t.data).buffer));
    } else {
      specs.push({ name: t.name, shape: t.shape, dtype: 'float32' });
      chunks.push(new Uint8Array(Float32Array.from(t.data).buffer));
    }
  }
  // Keep every tensor 4-byte aligned is not required by tfjs (it slices by byte length), so pack tightly.
  const bytes = chunks.reduce((a, c) => a + c.byteLength, 0);
  const weights = new Uint8Array(bytes);
  let offset = 0;
  for (const c of chunks) {
    weights.set(c, offset);
    offset += c.byteLength;
  }
  const model: ModelJson = {
    format: PACK_FORMAT,
    generatedBy: 'localrec',
    modelTopology: pack.topology,
    weightsManifest: [{ paths: [PACK_FILES.weights], weights: specs }],
  };
  const manifest: PackManifest = { ...pack.manifest, weights: { file: PACK_FILES.weights, dtype: weightDtype, bytes } };
  return {
    [PACK_FILES.model]: JSON.stringify(model, null, 1),
    [PACK_FILES.weights]: weights,
    [PACK_FILES.items]: JSON.stringify(pack.items),
    [PACK_FILES.manifest]: JSON.stringify(manifest, null, 2),
  };
}

function fail(message: string): never {
  throw new Error(`model pack: ${message}`);
}

/**
 * Parses the four files of a pack (already read/fetched). Shared by the URL and file loaders.
 * `coded` (serving): what serving reads a row at a time stays encoded — a NormalFloat enc/w1 and
 * part weights (NormalFloatMatrix), delta-varint part indices (DeltaVarintMatrix) — and so does a
 * NormalFloat dec/w2, which the network decodes after its first products (VaeNetwork.decoderProduct).
 */
export function decodePack(files: { model: unknown; weights: ArrayBuffer | Uint8Array; items: unknown; manifest: unknown }, options: { coded?: boolean } = {}): ModelPack {
  const model = files.model as ModelJson;
  if (!model || model.format !== PACK_FORMAT || !Array.isArray(model.weightsManifest)) fail('model.json is not a localrec model pack');
  const manifest = files.manifest as PackManifest;
  if (!manifest || manifest.format !== PACK_FORMAT) fail('manifest.json is not a localrec model pack manifest');
  if (manifest.version > PACK_VERSION) fail(`pack version ${manifest.version} is newer than this library reads (${PACK_VERSION})`);
  const items = files.items;
  if (!Array.isArray(items) || items.some((id) => typeof id !== 'string')) fail('items.json must be an array of item ids');
  const raw = files.weights instanceof Uint8Array ? files.weights : new Uint8Array(files.weights);
  const tensors: PackTensor[] = [];
  let offset = 0;
  for (const group of model.weightsManifest) {
    for (const spec of group.weights) {
      const n = size(spec.shape);
      const q = spec.quantization?.dtype;
      const width = q === 'uint8' ? 1 : q === 'float16' || q === 'uint16' ? 2 : 4;
      const block = spec.quantization?.block ?? NF_BLOCK;
      const bits: NormalFloatBits | null = q === 'nf4' ? 4 : q === 'nf3' ? 3 : null;
      if (bits && !(Number.isInteger(block) && block > 0)) fail(`bad ${q} block size for ${spec.name}`);
      const varintBytes = spec.quantization?.bytes;
      if (q === 'delta-varint' && !(Number.isInteger(varintBytes) && varintBytes! >= 0)) fail(`bad delta-varint byte length for ${spec.name}`);
      const byteLength = bits ? normalFloatBytes(n, bits, block) : q === 'delta-varint' ? varintBytes! : n * width;
      if (offset + byteLength > raw.byteLength) fail(`weights.bin is too short for ${spec.name}`);
      // Copy into an aligned buffer before viewing it as 16/32-bit values.
      const bytes = raw.slice(offset, offset + byteLength);
      offset += byteLength;
      let data: Float32Array | Int32Array | NormalFloatMatrix | DeltaVarintMatrix;
      const part = spec.name.startsWith('parts/') && spec.shape.length === 2;
      if (options.coded && bits && (spec.name === 'enc/w1' || spec.name === 'dec/w2' || part) && spec.shape.length === 2) {
        data = new NormalFloatMatrix(bytes, spec.shape[0]!, spec.shape[1]!, bits, block);
      } else if (options.coded && q === 'delta-varint' && part && spec.dtype === 'int32') {
        try {
          data = new DeltaVarintMatrix(bytes, spec.shape[0]!, spec.shape[1]!, spec.shape[0]!);
        } catch (error) {
          fail(`${spec.name}: ${(error as Error).message}`);
        }
      } else if (spec.dtype === 'int32') {
        if (q === 'uint16') {
          const v = new Uint16Array(bytes.buffer);
          const scale = spec.quantization?.scale ?? 1;
          const min = spec.quantization?.min ?? 0;
          data = new Int32Array(n);
          for (let i = 0; i < n; i++) data[i] = Math.round(v[i]! * scale + min);
        } else if (q === 'delta-varint') {
          try {
            data = decodeDeltaVarint(bytes, n, spec.quantization?.rowLength ?? spec.shape[1] ?? n);
          } catch (error) {
            fail(`${spec.name}: ${(error as Error).message}`);
          }
        } else if (!q) {
          data = new Int32Array(bytes.buffer);
        } else fail(`unsupported quantization ${q} for int32 ${spec.name}`);
      } else if (spec.dtype === 'float32') {
        if (q === 'float16') {
          const v = new Uint16Array(bytes.buffer);
          data = new Float32Array(n);
          for (let i = 0; i < n; i++) data[i] = float16BitsToFloat32(v[i]!);
        } else if (bits) {
          data = decodeNormalFloat(bytes, n, bits, block);
        } else if (q === 'uint8') {
          const scale = spec.quantization?.scale ?? 1;
          const min = spec.quantization?.min ?? 0;
          data = new Float32Array(n);
          for (let i = 0; i < n; i++) data[i] = bytes[i]! * scale + min;
        } else if (!q) {
          data = new Float32Array(bytes.buffer);
        } else fail(`unsupported quantization ${q} for float32 ${spec.name}`);
      } else fail(`unsupported dtype ${String(spec.dtype)} for ${spec.name}`);
      tensors.push({ name: spec.name, shape: spec.shape, data });
    }
  }
  if (offset !== raw.byteLength) fail(`weights.bin has ${raw.byteLength - offset} unexpected trailing bytes`);
  return { topology: model.modelTopology, tensors, items: items as string[], manifest };
}

/** Loads a pack from a URL prefix (a folder on a web server), with `fetch`. */
export async function loadPackFromUrl(baseUrl: string | URL, fetchImpl: typeof fetch = fetch): Promise<ModelPack> {
  const base = String(baseUrl).endsWith('/') ? String(baseUrl) : `${String(baseUrl)}/`;
  const get = async (name: string): Promise<Response> => {
    const response = await fetchImpl(new URL(name, base).toString());
    if (!response.ok) fail(`GET ${name} failed: ${response.status} ${response.statusText}`);
    return response;
  };
  const [model, manifest, items] = await Promise.all([
    get(PACK_FILES.model).then((r) => r.json()),
    get(PACK_FILES.manifest).then((r) => r.json()),
    get(PACK_FILES.items).then((r) => r.json()),
  ]);
  const weightsFile = (model as ModelJson).weightsManifest?.[0]?.paths?.[0] ?? PACK_FILES.weights;
  const weights = await get(weightsFile).then((r) => r.arrayBuffer());
  return decodePack({ model, weights, items, manifest });
}


// ---- The VAE model in a pack -------------------------------------------------------------

export const VAE_MODEL_VERSION = 'mult-vae+item-item@1';

export interface VaeTopology {
  kind: 'mult-vae';
  architecture: VaeArchitecture;
  activation: 'tanh';
  input: 'l2-normalised history';
  output: 'logits';
  /** Sparse item–item parts (tensors `parts/<kind>/indices|values`, [items × k]) and their blend weights. */
  parts: { kind: string; k: number; weight: number }[];
  blend: 'per-user standardised scores';
}

/** The pack of a trained model (weights still on the backend are copied to the CPU). */
export async function vaeModelPack(
  scorer: CollaborativeBlend,
  itemIds: readonly string[],
  meta: Pick<PackManifest, 'dataFingerprint' | 'evaluation' | 'backend' | 'training' | 'ranking' | 'coldStart'>,
): Promise<Omit<ModelPack, 'manifest'> & { manifest: Omit<PackManifest, 'weights'> }> {
  const arch = scorer.network.arch;
  if (itemIds.length !== arch.items) throw new Error(`${itemIds.length} item ids for a model of ${arch.items} items`);
  const weights = await scorer.network.weights();
  const shapes = vaeParamShapes(arch);
  const tensors: PackTensor[] = VAE_PARAM_NAMES.map((name) => ({ name, shape: [...shapes[name]], data: weights[name] }));
  for (const part of scorer.parts) {
    const sorted = sortRowsByIndex(part.indices, part.values, part.k);
    tensors.push({ name: `parts/${part.kind}/indices`, shape: [part.items, part.k], data: sorted.indices });
    tensors.push({ name: `parts/${part.kind}/values`, shape: [part.items, part.k], data: sorted.values });
  }
  const topology: VaeTopology = {
    kind: 'mult-vae',
    architecture: arch,
    activation: 'tanh',
    input: 'l2-normalised history',
    output: 'logits',
    parts: scorer.parts.map((part, i) => ({ kind: part.kind, k: part.k, weight: scorer.weights[i]! })),
    blend: 'per-user standardised scores',
  };
  return {
    topology: topology as unknown as Record<string, unknown>,
    tensors,
    items: [...itemIds],
    manifest: {
      format: PACK_FORMAT,
      version: PACK_VERSION,
      model: 'vae',
      modelVersion: VAE_MODEL_VERSION,
      createdAt: new Date().toISOString(),
      dimensions: {
        items: arch.items,
        hidden: arch.hidden,
        latent: arch.latent,
        neighbours: scorer.parts[0]?.k ?? 0,
        parts: scorer.parts.length,
      },
      ...meta,
    },
  };
}

/** Rebuilds the scorer of a pack (its weights become variables on the current backend). */
export function vaeScorerFromPack(pack: ModelPack): CollaborativeBlend {
  const topology = pack.topology as unknown as VaeTopology;
  if (topology?.kind !== 'mult-vae') throw new Error(`model pack: not a VAE pack (kind ${String(topology?.kind)})`);
  const arch = topology.architecture;
  if (pack.items.length !== arch.items) throw new Error(`model pack: ${pack.items.length} item ids for ${arch.items} items`);
  const byName = new Map(pack.tensors.map((t) => [t.name, t]));
  const weights = {} as Record<VaeParamName, Float32Array | NormalFloatMatrix>;
  const shapes = vaeParamShapes(arch);
  for (const name of VAE_PARAM_NAMES) {
    const t = byName.get(name);
    if (!t || !(t.data instanceof Float32Array || ((name === 'enc/w1' || name === 'dec/w2') && t.data instanceof NormalFloatMatrix))) throw new Error(`model pack: missing weight ${name}`);
    if (t.shape.join() !== shapes[name].join()) throw new Error(`model pack: ${name} has shape [${t.shape}], expected [${shapes[name]}]`);
    weights[name] = t.data;
  }
  const parts: ItemNeighbours[] = (topology.parts ?? []).map(({ kind, k }) => {
    const indices = byName.get(`parts/${kind}/indices`);
    const values = byName.get(`parts/${kind}/values`);
    if (indices?.data instanceof DeltaVarintMatrix && values && (values.data instanceof NormalFloatMatrix || values.data instanceof Float32Array)) {
      // Served coded: the indices were checked against the item count when the pack was read.
      if (indices.data.rows !== arch.items || indices.data.k !== k || (values.data instanceof NormalFloatMatrix ? values.data.rows !== arch.items || values.data.cols !== k : values.data.length !== arch.items * k)) {
        throw new Error(`model pack: ${kind} part has the wrong size`);
      }
      return new CodedNeighbours(kind, arch.items, k, indices.data, values.data);
    }
    if (!indices || !values || !(indices.data instanceof Int32Array) || !(values.data instanceof Float32Array)) {
      throw new Error(`model pack: missing tensors of the ${kind} part`);
    }
    if (indices.data.length !== arch.items * k || values.data.length !== arch.items * k) throw new Error(`model pack: ${kind} part has the wrong size`);
    for (const j of indices.data) if (j < 0 || j >= arch.items) throw new Error(`model pack: ${kind} part names item ${j} of ${arch.items}`);
    return { kind, items: arch.items, k, indices: indices.data, values: values.data };
  });
  return new CollaborativeBlend(new VaeNetwork(arch, weights as ConstructorParameters<typeof VaeNetwork>[1], false), parts, (topology.parts ?? []).map((p) => p.weight));
}
