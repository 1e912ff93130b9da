// Trains the reason generator (src/explain/generator) on a dataset with reviews and writes a reasons pack:
//   npm run train-reasons -- --data ../shared/data/musical_instruments --out models/reasons [--epochs N] [--seed 42] [--evaluation FILE]
// It trains on the `loo` training reviews (validation reviews for early stopping), exactly as
// `npm run eval -- --protocol reasons` does, so the pack is the model that protocol measures.
// Progress and the summary are JSON lines on stdout.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildDataset, parseInteractions, parseItems } from '../eval/dataset';
import { initEvalBackend } from './io/node-backend';
import { buildReasonData } from '../eval/reasons/reason-data';
import { encodeReasonPack } from '../src/explain/generator/reason-pack';
import { savePackToDir } from './io/pack-node';
import { readReviews } from './io/reviews-node';
import { DEFAULT_REASON_TRAINING, trainReasonNet } from '../src/explain/generator/trainer';
import { basename, resolve } from 'node:path';

const USAGE = `usage: npm run train-reasons -- --data DIR --out DIR [--epochs N] [--seed N] [--evaluation FILE]
  --data DIR         dataset with interactions.csv and reviews.jsonl (e.g. ../shared/data/musical_instruments)
  --out DIR          pack folder to write (model.json, weights.bin, items.json, manifest.json)
  --epochs N         most training epochs (default ${DEFAULT_REASON_TRAINING.epochs}; early stopping on validation loss)
  --seed N           seed of initialisation and shuffling (default 42)
  --evaluation FILE  JSON lines of \`npm run eval -- --protocol reasons\` to record in manifest.json`;

function parse(argv: string[]): Record<string, string> | null {
  const values: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') return null;
    const m = /^--(data|out|epochs|seed|evaluation)(?:=(.*))?$/.exec(arg);
    if (!m) throw new Error(`unknown argument "${arg}"`);
    const value = m[2] ?? argv[++i];
    if (value === undefined || value === '') throw new Error(`--${m[1]} needs a value`);
    values[m[1]!] = value;
  }
  if (!values.data || !values.out) throw new Error('--data and --out are required');
  for (const key of ['epochs', 'seed']) if (values[key] !== undefined && !/^\d+$/.test(values[key])) throw new Error(`--${key} must be a whole number`);
  return values;
}

async function main(): Promise<number> {
  let args: Record<string, string> | null;
  try {
    args = parse(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`train-reasons: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (!args) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const dir = args.data!;
  for (const file of ['interactions.csv', 'reviews.jsonl']) {
    if (!existsSync(join(dir, file))) {
      process.stderr.write(`train-reasons: no ${file} in ${dir}\n`);
      return 2;
    }
  }
  const csv = readFileSync(join(dir, 'interactions.csv'), 'utf8');
  const itemsPath = join(dir, 'items.jsonl');
  const data = buildDataset(basename(resolve(dir)), parseInteractions(csv), existsSync(itemsPath) ? parseItems(readFileSync(itemsPath, 'utf8')) : []);
  const backend = await initEvalBackend();
  const rd = buildReasonData(data, readReviews(dir));
  const options = {
    ...DEFAULT_REASON_TRAINING,
    epochs: args.epochs ? Number(args.epochs) : DEFAULT_REASON_TRAINING.epochs,
    seed: args.seed ? Number(args.seed) : DEFAULT_REASON_TRAINING.seed,
    onEpoch: (e: object) => process.stdout.write(`${JSON.stringify({ stage: 'epoch', ...e })}\n`),
  };
  const trained = await trainReasonNet(rd.shape, rd.vocabulary, rd.train, rd.validation, options);
  const evaluation = args.evaluation
    ? readFileSync(args.evaluation, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as unknown)
    : null;
  const fingerprint = createHash('sha256').update(csv).update(readFileSync(join(dir, 'reviews.jsonl'))).digest('hex').slice(0, 16);
  const { onEpoch: _onEpoch, ...settings } = options;
  const files = encodeReasonPack(
    {
      shape: rd.shape,
      weights: trained.weights,
      vocabulary: [...rd.vocabulary.tokens],
      lexicon: rd.lexicon,
      itemIds: rd.itemIds,
      itemAspects: Object.fromEntries(rd.aspects.allAspects()),
    },
    {
      createdAt: new Date().toISOString(),
      dataset: data.name,
      dataFingerprint: fingerprint,
      backend,
      training: {
        ...settings,
        split: 'loo training reviews; validation reviews for early stopping',
        examples: rd.train.length,
        validationExamples: rd.validation.length,
        epochsRun: trained.trainLoss.length,
        bestEpoch: trained.bestEpoch,
        trainLoss: trained.trainLoss.map((l) => Number(l.toFixed(4))),
        validationLoss: trained.validationLoss.map((l) => Number(l.toFixed(4))),
        seconds: Number(trained.seconds.toFixed(1)),
      },
      evaluation,
    },
  );
  const integrity = await savePackToDir(args.out!, files);
  const bytes = Object.keys(files).reduce((s, name) => s + statSync(join(args.out!, name)).size, 0);
  process.stdout.write(`${JSON.stringify({ stage: 'done', out: args.out, integrity, bytes, seconds: trained.seconds, backend, bestEpoch: trained.bestEpoch })}\n`);
  return 0;
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`train-reasons: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
