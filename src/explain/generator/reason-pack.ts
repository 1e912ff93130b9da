import { float16BitsToFloat32, toFloat16 } from '../../models/packs/float16';
import type { PackFiles } from '../../models/packs/pack-source';
import type { ReasonModel } from './generator';
import { REASON_PARAMS, reasonParamShapes, type ReasonNetShape, type ReasonWeights } from './network';
import { SPECIALS } from './text';

/**
 * A reasons pack: the same four files as a model pack, so the worker fetches and caches it the
 * same way (src/models/packs/pack-source.ts).
 * - `model.json`: network shape, vocabulary, aspect lexicon and the weights manifest (float16).
 * - `weights.bin`: the tensors, in manifest order.
 * - `items.json`: item ids known to the model and their review aspects.
 * - `manifest.json`: format, version, data fingerprint, training settings and evaluation figures.
 */
export const REASONS_FORMAT = 'localrec-reasons-pack';
export const REASONS_VERSION = 1;

export interface ReasonsManifest {
  format: typeof REASONS_FORMAT;
  version: number;
  createdAt: string;
  dataset: string;
  dataFingerprint: string;
  backend: string;
  training: Record<string, unknown>;
  evaluation: unknown;
  weights: { file: 'weights.bin'; dtype: 'float16'; bytes: number };
}

interface ReasonsModelJson {
  format: typeof REASONS_FORMAT;
  shape: ReasonNetShape;
  vocabulary: string[];
  lexicon: string[];
  weightsManifest: { paths: string[]; weights: { name: string; shape: number[]; dtype: 'float32'; quantization: { dtype: 'float16' } }[] }[];
}

export interface EncodedReasonsPack {
  'model.json': string;
  'weights.bin': Uint8Array;
  'items.json': string;
  'manifest.json': string;
}

export function encodeReasonPack(model: ReasonModel, manifest: Omit<ReasonsManifest, 'weights' | 'format' | 'version'>): EncodedReasonsPack {
  const shapes = reasonParamShapes(model.shape);
  const halves = REASON_PARAMS.map((name) => toFloat16(model.weights[name]));
  const bytes = halves.reduce((s, h) => s + h.byteLength, 0);
  const weights = new Uint8Array(bytes);
  let offset = 0;
  for (const h of halves) {
    weights.set(new Uint8Array(h.buffer), offset);
    offset += h.byteLength;
  }
  const json: ReasonsModelJson = {
    format: REASONS_FORMAT,
    shape: model.shape,
    vocabulary: model.vocabulary,
    lexicon: model.lexicon,
    weightsManifest: [{ paths: ['weights.bin'], weights: REASON_PARAMS.map((name) => ({ name, shape: shapes[name], dtype: 'float32', quantization: { dtype: 'float16' } })) }],
  };
  const full: ReasonsManifest = { format: REASONS_FORMAT, version: REASONS_VERSION, ...manifest, weights: { file: 'weights.bin', dtype: 'float16', bytes } };
  return {
    'model.json': JSON.stringify(json),
    'weights.bin': weights,
    'items.json': JSON.stringify({ itemIds: model.itemIds, aspects: model.itemAspects }),
    'manifest.json': JSON.stringify(full, null, 2),
  };
}

function fail(message: string): never {
  throw new Error(`reasons pack: ${message}`);
}

const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

/**
 * Parses and validates a reasons pack's files.
 * @throws Error naming what is wrong (the engine reports it as MODEL_INVALID).
 */
export function decodeReasonPack(files: PackFiles | { model: unknown; weights: ArrayBuffer | Uint8Array; items: unknown; manifest: unknown }): ReasonModel {
  const manifest = files.manifest as Partial<ReasonsManifest> | null;
  if (!manifest || manifest.format !== REASONS_FORMAT) fail('manifest.json is not a reasons pack');
  if (manifest.version !== REASONS_VERSION) fail(`version ${String(manifest.version)} is not supported (expected ${REASONS_VERSION})`);
  const model = files.model as Partial<ReasonsModelJson> | null;
  if (!model || model.format !== REASONS_FORMAT || !model.shape) fail('model.json is not a reasons model');
  const shape = model.shape;
  for (const key of ['vocab', 'aspects', 'items', 'wordDim', 'condDim', 'ctxDim', 'hidden'] as const) {
    if (!Number.isInteger(shape[key]) || shape[key] <= 0) fail(`shape.${key} is not a positive integer`);
  }
  if (!isStrings(model.vocabulary) || model.vocabulary.length !== shape.vocab) fail('vocabulary does not match the shape');
  for (let i = 0; i < SPECIALS.length; i++) if (model.vocabulary[i] !== SPECIALS[i]) fail('vocabulary does not start with the special tokens');
  if (!isStrings(model.lexicon) || model.lexicon.length !== shape.aspects) fail('aspect lexicon does not match the shape');
  const items = files.items as { itemIds?: unknown; aspects?: unknown } | null;
  if (!items || !isStrings(items.itemIds) || items.itemIds.length + 1 !== shape.items) fail('items.json does not match the shape');
  const aspects: Record<string, string[]> = {};
  if (items.aspects && typeof items.aspects === 'object') {
    for (const [id, list] of Object.entries(items.aspects as Record<string, unknown>)) if (isStrings(list)) aspects[id] = list;
  }
  const raw = files.weights instanceof Uint8Array ? files.weights : new Uint8Array(files.weights);
  const shapes = reasonParamShapes(shape);
  const total = REASON_PARAMS.reduce((s, name) => s + shapes[name].reduce((a, b) => a * b, 1), 0);
  if (raw.byteLength !== total * 2) fail(`weights.bin has ${raw.byteLength} bytes, expected ${total * 2}`);
  const halves = new Uint16Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  const weights = {} as ReasonWeights;
  let at = 0;
  for (const name of REASON_PARAMS) {
    const n = shapes[name].reduce((a, b) => a * b, 1);
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const v = float16BitsToFloat32(halves[at + i]!);
      if (!Number.isFinite(v)) fail(`${name} holds a non-finite value`);
      out[i] = v;
    }
    weights[name] = out;
    at += n;
  }
  return { shape, weights, vocabulary: model.vocabulary, lexicon: model.lexicon, itemIds: items.itemIds, itemAspects: aspects };
}
