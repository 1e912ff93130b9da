// Trains the product's recommendation model (src/models/vae) on every interaction of a dataset
// and writes a model pack:
//   npm run train -- --data DIR --out models/NAME [--epochs N] [--seed 42] [options]
// Progress and the final summary are JSON lines on stdout.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { bytesUnder } from './io/files';
import { join } from 'node:path';
import { readInteractionData } from './io/interactions-node';
import { columnCounts, csrFromRows, type Csr } from '../src/util/csr';
import { useBackend } from '../src/backend/use-backend';
import type { BackendName } from '../src/shared/types';
import type { Item } from '../src/shared/types';
import { DEFAULT_VAE_MODEL_CONFIG, trainVaeModel, type VaeModelConfig } from './recipe/vae-recipe';
import { packBytes, withFewerNeighbours, withShortTail } from './recipe/compact-pack';
import { encodePack, vaeModelPack, WEIGHT_DTYPES, type WeightDtype } from '../src/models/packs/vae-pack';
import { Fingerprint } from '../src/util/hash';
import { rehashPackDir, savePackToDir } from './io/pack-node';
import { packColdStart, packRanking } from './recipe/pack-settings';
import { termCoherence, termWeightsAt } from './recipe/term-weights';

/** Epochs without validation data: where early stopping ended on the development sets (strong, seeds 42–44). */
export const DEFAULT_TRAIN_EPOCHS = 8;

export const TRAIN_USAGE = `usage: npm run train -- --data DIR --out models/NAME [options]
  --data DIR          dataset directory (interactions.csv; items.jsonl ids become the item vocabulary)
  --out DIR           pack folder to write (model.json, weights.bin, items.json, manifest.json)
  --epochs N          training epochs (default ${DEFAULT_TRAIN_EPOCHS})
  --seed N            seed of initialisation, shuffling, dropout and noise (default 42)
  --dtype auto|uint8|float16|float32|nf4|nf3   weight precision in the pack (default auto: uint8 below
                      10,000 items — same figures as float32 on office and scientific, a quarter of the
                      size — and from 10,000 nf3 with --nf-block 128: the item-sized matrices in 3-bit
                      NormalFloat blocks, neighbour weights in 4-bit ones, neighbour lists as varint
                      gaps; nf4: the matrices in 4 bits)
  --backend wasm|cpu  tfjs backend to train on (default wasm)
  --hidden N --latent N --batch N --lr X --beta X --dropout X   network / optimiser settings
  --parts LIST        item-item parts blended with the VAE: ease,knn,content or none (default all;
                      content needs items.jsonl text)
  --weights LIST      blend weights, e.g. ease=0.3,knn=0.1,content=0.2 (the VAE gets the rest)
  --lambda X          λ of the EASE part (default ${DEFAULT_VAE_MODEL_CONFIG.easeLambda})
  --neighbours N      neighbours kept per item in each part (default ${DEFAULT_VAE_MODEL_CONFIG.neighbours})
  --pack-neighbours N the strongest N of them written to the pack (smaller packs; default all)
  --tail-neighbours N items outside the most-bought that make 80% of purchases keep only N
  --nf-block N        values sharing one scale in nf4/nf3 matrices (default 64, or 128 with auto's nf3)
  --max-users N       train on the first N shoppers only (quick packs for speed checks)
  --evaluation FILE   JSON lines of \`npm run eval\` to record in manifest.json; from their tuning runs
                      the pack takes (manifest \`ranking\`, \`coldStart\`): a \`loo\` line of NAME+recency
                      the recency half-life; an \`intent\` line of \`localrec\` the search event's weight
                      and lift; NAME+spread lines the variant wait (the shortest of them); a
                      \`cold-items\` line of \`localrec\` the cold-start bridge
  --half-life N|uniform  the recency half-life to record instead (in distinct items)
  --manifest-only     keep the pack in --out as it is (weights, items, model.json byte for byte) and
                      rewrite only its manifest's evaluation, ranking and coldStart from --evaluation;
                      with --data, the data's fingerprint must match the pack's`;

class UsageError extends Error {}

interface TrainArgs {
  data: string;
  out: string;
  epochs: number;
  seed: number;
  dtype: WeightDtype | 'auto';
  packNeighbours: number | null;
  tailNeighbours: number | null;
  nfBlock: number | null;
  maxUsers: number | null;
  backend: BackendName;
  config: Partial<VaeModelConfig>;
  evaluation: string | null;
  halfLife: number | 'uniform' | null;
  manifestOnly: boolean;
}

function parseArgs(argv: string[]): TrainArgs | null {
  const values: Record<string, string> = {};
  let manifestOnly = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') return null;
    if (arg === '--manifest-only') {
      manifestOnly = true;
      continue;
    }
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!m) throw new UsageError(`unknown argument "${arg}"`);
    const value = m[2] ?? argv[++i];
    if (value === undefined || value === '') throw new UsageError(`--${m[1]} needs a value`);
    values[m[1]!] = value;
  }
  const known = ['data', 'out', 'epochs', 'seed', 'dtype', 'backend', 'hidden', 'latent', 'batch', 'lr', 'beta', 'dropout', 'lambda', 'neighbours', 'parts', 'weights', 'evaluation', 'half-life', 'pack-neighbours', 'tail-neighbours', 'nf-block', 'max-users'];
  for (const key of Object.keys(values)) if (!known.includes(key)) throw new UsageError(`unknown option --${key}`);
  if (!values.data && !manifestOnly) throw new UsageError('--data DIR is required');
  if (manifestOnly && !values.evaluation) throw new UsageError('--manifest-only needs --evaluation FILE');
  if (!values.out) throw new UsageError('--out DIR is required');
  const num = (key: string, fallback: number, integer = false): number => {
    const text = values[key];
    if (text === undefined) return fallback;
    const v = Number(text);
    if (!Number.isFinite(v) || (integer && !Number.isInteger(v))) throw new UsageError(`--${key} must be a ${integer ? 'whole ' : ''}number, got "${text}"`);
    return v;
  };
  const dtype = (values.dtype ?? 'auto') as WeightDtype | 'auto';
  if (dtype !== 'auto' && !(WEIGHT_DTYPES as readonly string[]).includes(dtype)) throw new UsageError(`--dtype must be auto or one of ${WEIGHT_DTYPES.join(', ')}`);
  const backend = values.backend ?? 'wasm';
  if (backend !== 'wasm' && backend !== 'cpu') throw new UsageError(`--backend must be wasm or cpu in Node`);
  const d = DEFAULT_VAE_MODEL_CONFIG;
  const epochs = num('epochs', DEFAULT_TRAIN_EPOCHS, true);
  const parts = (values.parts ?? 'ease,knn,content').split(',').map((p) => p.trim()).filter((p) => p && p !== 'none');
  for (const p of parts) if (!['ease', 'knn', 'content'].includes(p)) throw new UsageError(`unknown part "${p}" (known: ease, knn, content)`);
  const weights: Record<string, number> = { ...d.weights };
  for (const pair of (values.weights ?? '').split(',').filter(Boolean)) {
    const [key, text] = pair.split('=');
    const w = Number(text);
    if (!key || !['ease', 'knn', 'content'].includes(key) || !(w >= 0 && w <= 1)) throw new UsageError(`bad --weights entry "${pair}"`);
    weights[key] = w;
  }
  if (epochs < 1) throw new UsageError('--epochs must be at least 1');
  if (values['nf-block'] !== undefined && !(num('nf-block', 64, true) >= 8 && num('nf-block', 64, true) % 8 === 0)) throw new UsageError('--nf-block must be a multiple of 8 (at least 8)');
  const halfLifeText = values['half-life'];
  const halfLife = halfLifeText === undefined ? null : halfLifeText === 'uniform' ? 'uniform' : num('half-life', NaN);
  if (typeof halfLife === 'number' && !(halfLife > 0)) throw new UsageError('--half-life must be a positive number or "uniform"');
  return {
    data: values.data ?? '',
    out: values.out,
    manifestOnly,
    epochs,
    seed: num('seed', 42, true),
    dtype,
    backend,
    packNeighbours: values['pack-neighbours'] === undefined ? null : num('pack-neighbours', 0, true),
    tailNeighbours: values['tail-neighbours'] === undefined ? null : num('tail-neighbours', 0, true),
    nfBlock: values['nf-block'] === undefined ? null : num('nf-block', 64, true),
    maxUsers: values['max-users'] === undefined ? null : num('max-users', 0, true),
    evaluation: values.evaluation ?? null,
    halfLife,
    config: {
      epochs,
      hidden: num('hidden', d.hidden, true),
      latent: num('latent', d.latent, true),
      batchSize: num('batch', d.batchSize, true),
      learningRate: num('lr', d.learningRate),
      betaMax: num('beta', d.betaMax),
      dropout: num('dropout', d.dropout),
      ease: parts.includes('ease'),
      knn: parts.includes('knn'),
      content: parts.includes('content'),
      easeLambda: num('lambda', d.easeLambda),
      neighbours: num('neighbours', d.neighbours, true),
      weights,
    },
  };
}

/** The new-item bridge's term weights at an exponent, from the pack's training data (term-weights.ts). */
function termWeightsOf(items: readonly Item[], matrix: Csr): (coherence: number) => ReadonlyMap<string, number> {
  return (coherence) => termWeightsAt(termCoherence(items, matrix), coherence);
}

/** The fingerprint of the training data (item vocabulary and each user's item set) a pack records. */
function dataFingerprint(data: { itemIds: readonly string[]; rows: readonly (readonly number[])[] }): Fingerprint {
  const fingerprint = new Fingerprint().add(data.itemIds.length);
  for (const id of data.itemIds) fingerprint.add(id);
  data.rows.forEach((row) => fingerprint.add([...row].sort((a, b) => a - b).join(' ')));
  return fingerprint;
}

/**
 * --manifest-only: the pack's files stay byte for byte; its manifest's evaluation, ranking and
 * coldStart are rewritten from the evaluation lines (what they do not tune is left as it was), and
 * the file hashes are written again.
 */
async function rewriteManifest(args: TrainArgs, evaluation: unknown[] | null, emit: (event: Record<string, unknown>) => void): Promise<number> {
  const path = join(args.out, 'manifest.json');
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  let terms: ((coherence: number) => ReadonlyMap<string, number>) | undefined;
  if (args.data) {
    const data = readInteractionData(args.data);
    const fingerprint = dataFingerprint(data).digest();
    if (fingerprint !== manifest.dataFingerprint) throw new UsageError(`--data "${args.data}" (fingerprint ${fingerprint}) is not what the pack was trained on (${String(manifest.dataFingerprint)})`);
    terms = termWeightsOf(data.items, csrFromRows(data.rows, data.itemIds.length));
  }
  const ranking = packRanking(evaluation, args.halfLife);
  let coldStart: ReturnType<typeof packColdStart>;
  try {
    coldStart = packColdStart(evaluation, terms);
  } catch (error) {
    throw new UsageError(`${(error as Error).message}: pass --data`);
  }
  const next = { ...manifest, evaluation, ...(ranking ? { ranking } : {}), ...(coldStart ? { coldStart } : {}) };
  writeFileSync(path, `${JSON.stringify(next, null, 2)}`);
  const integrity = await rehashPackDir(args.out);
  emit({ stage: 'done', out: args.out, manifestOnly: true, integrity, ranking: ranking ?? 'unchanged', coldStart: coldStart ?? 'unchanged' });
  return 0;
}


async function main(): Promise<number> {
  let args: TrainArgs | null;
  try {
    args = parseArgs(process.argv.slice(2));
    if (args && (args.data || !args.manifestOnly) && !existsSync(join(args.data, 'interactions.csv'))) throw new UsageError(`no interactions.csv in "${args.data}"`);
    if (args?.manifestOnly && !existsSync(join(args.out, 'manifest.json'))) throw new UsageError(`--manifest-only: no pack in "${args.out}"`);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`train: ${error.message}\n${TRAIN_USAGE}\n`);
    return 2;
  }
  if (!args) {
    process.stdout.write(`${TRAIN_USAGE}\n`);
    return 0;
  }
  const emit = (event: Record<string, unknown>): void => void process.stdout.write(`${JSON.stringify(event)}\n`);
  const started = performance.now();
  const evaluation = args.evaluation
    ? readFileSync(args.evaluation, 'utf8')
        .split('\n')
        .filter((line) => line.trim().startsWith('{'))
        .map((line) => JSON.parse(line) as unknown)
    : null;
  if (args.manifestOnly) return rewriteManifest(args, evaluation, emit);
  const data = readInteractionData(args.data);
  if (args.maxUsers !== null && args.maxUsers < data.rows.length) {
    data.rows = data.rows.slice(0, args.maxUsers);
    data.userIds = data.userIds.slice(0, args.maxUsers);
    data.interactions = data.rows.reduce((a, r) => a + r.length, 0);
  }
  const matrix = csrFromRows(data.rows, data.itemIds.length);
  const fingerprint = dataFingerprint(data);
  await useBackend(args.backend);
  emit({
    stage: 'data',
    dataset: args.data,
    users: data.userIds.length,
    items: data.itemIds.length,
    interactions: data.interactions,
    distinct: matrix.indptr[matrix.rows],
    backend: args.backend,
  });
  const model = await trainVaeModel(matrix, { ...args.config, seed: args.seed }, { onProgress: (event) => emit(event), items: data.items });
  const training = {
    ...model.config,
    easeLambda: model.report.easeLambda,
    blendWeights: model.report.weights,
    examples: model.report.vae.examples,
    steps: model.report.vae.steps,
    trainSeconds: Number(model.report.seconds.toFixed(2)),
    examplesPerSecond: Math.round(model.report.examplesPerSecond),
    dataset: args.data,
    users: data.userIds.length,
    interactions: data.interactions,
  };
  const ranking = packRanking(evaluation, args.halfLife);
  // The training matrix built above, not a second one.
  const coldStart = packColdStart(evaluation, termWeightsOf(data.items, matrix));
  let packed = args.packNeighbours ? withFewerNeighbours(model.scorer, args.packNeighbours) : model.scorer;
  if (args.tailNeighbours !== null) packed = withShortTail(packed, columnCounts(matrix), args.tailNeighbours);
  const pack = await vaeModelPack(packed, data.itemIds, {
    dataFingerprint: fingerprint.digest(),
    evaluation,
    backend: args.backend,
    training,
    ...(ranking ? { ranking } : {}),
    ...(coldStart ? { coldStart } : {}),
  });
  // From 10k items: NF3 with a scale per 128 values (toys, loo: NDCG@10 .0598 against .0599 for the
  // float32 model, 392 gzipped bytes an item against 478 for NF4). Below 10k a pack is small
  // either way, and uint8 lost nothing on office and scientific where NF3 lost ~1% (office).
  const compact = args.dtype === 'auto' && data.itemIds.length >= 10_000;
  const dtype: WeightDtype = args.dtype === 'auto' ? (compact ? 'nf3' : 'uint8') : args.dtype;
  const nfBlock = args.nfBlock ?? (compact ? 128 : null);
  const files = encodePack(pack, dtype, nfBlock !== null ? { nfBlock } : {});
  const integrity = await savePackToDir(args.out, files);
  const download = await packBytes(files);
  model.scorer.network.dispose();
  emit({
    stage: 'done',
    out: args.out,
    integrity,
    backend: args.backend,
    epochs: model.report.vae.epochs,
    examples: model.report.vae.examples,
    trainSeconds: Number(model.report.seconds.toFixed(2)),
    examplesPerSecond: Math.round(model.report.examplesPerSecond),
    totalSeconds: Number(((performance.now() - started) / 1000).toFixed(2)),
    packBytes: bytesUnder(args.out),
    packBytesGzip: download.gzip,
    bytesPerItemGzip: Math.round(download.gzip / data.itemIds.length),
    weights: dtype,
    blend: model.report.weights,
    ranking: ranking ?? 'none (the library default half-life applies)',
    coldStart: coldStart ?? 'none (the library default bridge applies)',
  });
  return 0;
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    // A usage error (a wrong option, data that is not the pack's) is a message, not a crash.
    process.stderr.write(`train: ${error instanceof UsageError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
