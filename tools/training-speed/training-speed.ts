// `npm run bench -- training-speed`: the library's VAE training step (VaeTrainer.trainSteps on tfjs
// WASM in Node, as `npm run train` runs it) against a plain numpy Mult-VAE step of the same network
// over OpenBLAS (numpy_vae_step.py, threads = cores), alternated round by round in one process
// tree on the same machine, so a busy machine slows both alike. Office (2,420 items) and a
// synthetic 20k-item catalog (random sparse histories) at 300/100, batches of 100.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import * as tf from '@tensorflow/tfjs-core';
import { initEvalBackend } from '../io/node-backend';
import { readInteractionData } from '../io/interactions-node';
import { csrFromRows, type Csr } from '../../src/util/csr';
import { Rng } from '../../src/util/random';
import { VaeTrainer } from '../../src/models/vae/vae-trainer';

type Json = Record<string, unknown>;

export interface TrainingSpeedOptions {
  /** Alternating rounds per dataset (median reported). */
  rounds?: number;
  /** Synthetic catalog sizes besides office (0 items = none). */
  syntheticItems?: number[];
  hidden?: number;
  latent?: number;
  batch?: number;
}

interface Dataset {
  name: string;
  csr: Csr;
  /** Optimizer steps per timed round (about a second or two of work each). */
  steps: number;
}

/** Office's histories (every user) as a CSR matrix. */
function officeData(): Dataset {
  const data = readInteractionData(resolve('..', 'shared/data/office'));
  return { name: 'office', csr: csrFromRows(data.rows, data.itemIds.length), steps: 20 };
}

/** `users` random histories of 2–20 items (mean ~10) over `items` items, popularity Zipf-like. */
function syntheticData(items: number, users: number, seed: number): Dataset {
  const rng = new Rng(seed);
  const rows: number[][] = [];
  for (let u = 0; u < users; u++) {
    const length = 2 + Math.floor(rng.next() * 19);
    const row = new Set<number>();
    while (row.size < length) row.add(Math.min(items - 1, Math.floor(items * rng.next() ** 2)));
    rows.push([...row]);
  }
  return { name: `synthetic-${items}`, csr: csrFromRows(rows, items), steps: Math.max(2, Math.round(20 * 2420 / items)) };
}

/** The numpy yardstick as a child process that answers `steps N` with its own timing. */
class NumpyStep {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: AsyncIterator<string>;
  constructor(dir: string, items: number, hidden: number, latent: number, batch: number, input: 'dense' | 'sparse', threads: number) {
    const script = resolve('tools/training-speed/numpy_vae_step.py');
    const env = { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads) };
    const args = [script, '--csr', dir, '--items', String(items), '--hidden', String(hidden), '--latent', String(latent), '--batch', String(batch), '--input', input];
    this.child = spawn(process.env.PYTHON ?? 'python3', args, { env });
    this.child.stderr.on('data', (d: Buffer) => process.stderr.write(`[numpy ${input}] ${d.toString()}`));
    this.lines = createInterface({ input: this.child.stdout })[Symbol.asyncIterator]();
  }
  async run(steps: number): Promise<{ examples: number; seconds: number }> {
    this.child.stdin.write(`steps ${steps}\n`);
    const next = await this.lines.next();
    if (next.done) throw new Error('numpy_vae_step.py ended early (is python3 with numpy installed?)');
    return JSON.parse(next.value) as { examples: number; seconds: number };
  }
  close(): void {
    this.child.stdin.end('quit\n');
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

export async function trainingSpeedBench(emit: (record: Json) => void, options: TrainingSpeedOptions = {}): Promise<void> {
  const { rounds = 5, syntheticItems = [20_000], hidden = 300, latent = 100, batch = 100 } = options;
  const backend = await initEvalBackend();
  const cores = cpus().length;
  const datasets = [officeData(), ...syntheticItems.filter((n) => n > 0).map((n) => syntheticData(n, 10_000, 7))];
  const table: string[] = [];
  for (const data of datasets) {
    const { csr } = data;
    const dir = mkdtempSync(join(tmpdir(), 'localrec-training-speed-'));
    writeFileSync(join(dir, 'indptr.i32'), csr.indptr);
    writeFileSync(join(dir, 'indices.i32'), csr.indices);
    // The yardstick (dense input, OpenBLAS threads = cores, as the issue measured it), and the
    // same on one thread (on a loaded machine a second BLAS thread can cost more than it brings),
    // each also with the sparse input side.
    const variants = [
      { key: 'numpyDense', input: 'dense', threads: cores },
      { key: 'numpyDense1Thread', input: 'dense', threads: 1 },
      { key: 'numpySparse', input: 'sparse', threads: cores },
      { key: 'numpySparse1Thread', input: 'sparse', threads: 1 },
    ] as const;
    const numpy = variants.map((v) => new NumpyStep(dir, csr.cols, hidden, latent, batch, v.input, v.threads));
    const trainer = new VaeTrainer(csr, { hidden, latent, batchSize: batch, seed: 42 });
    const rates: Record<string, number[]> = { tfjs: [] };
    const ratios: number[] = [];
    const ratiosBest: number[] = [];
    try {
      // Warm-up: XNNPACK operators, OpenBLAS threads, first allocations.
      await trainer.trainSteps(2);
      for (const n of numpy) await n.run(2);
      for (let r = 0; r < rounds; r++) {
        // tfjs between the numpy runs, so a change of load hits both sides.
        const own: number[] = [];
        for (let k = 0; k < numpy.length; k++) {
          if (k === 1) {
            const before = trainer.examples;
            const t0 = performance.now();
            await trainer.trainSteps(data.steps);
            rates.tfjs!.push((trainer.examples - before) / ((performance.now() - t0) / 1000));
          }
          const x = await numpy[k]!.run(data.steps);
          own.push(x.examples / x.seconds);
          (rates[variants[k]!.key] ??= []).push(x.examples / x.seconds);
        }
        const tfjsRate = rates.tfjs!.at(-1)!;
        ratios.push(tfjsRate / own[0]!);
        ratiosBest.push(tfjsRate / Math.max(...own));
      }
    } finally {
      for (const n of numpy) n.close();
      trainer.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
    const nnz = csr.indptr[csr.rows]!;
    const record = {
      bench: 'training-speed',
      dataset: data.name,
      items: csr.cols,
      users: csr.rows,
      meanHistory: Number((nnz / csr.rows).toFixed(2)),
      hidden,
      latent,
      batch,
      cores,
      backend,
      rounds,
      stepsPerRound: data.steps,
      unit: 'shoppers/s',
      tfjs: Math.round(median(rates.tfjs!)),
      ...Object.fromEntries(variants.map((v) => [v.key, Math.round(median(rates[v.key]!))])),
      /** tfjs ÷ numpy dense on `cores` OpenBLAS threads (the issue's yardstick), median of the rounds' ratios. */
      ratio: Number(median(ratios).toFixed(3)),
      /** tfjs ÷ the fastest numpy variant of the same round. */
      ratioToBestNumpy: Number(median(ratiosBest).toFixed(3)),
      /** 1-minute load average at the end (other work on the machine slows both sides). */
      loadAverage: Number(loadavg()[0]!.toFixed(2)),
      tfjsVersion: tf.version_core,
    };
    emit(record);
    table.push(
      `${data.name.padEnd(16)} ${String(csr.cols).padStart(6)}  ${[record.tfjs, ...variants.map((v) => (record as Record<string, unknown>)[v.key])].map((x) => String(x).padStart(6)).join('  ')}  ${record.ratio.toFixed(2).padStart(5)}  ${record.ratioToBestNumpy.toFixed(2).padStart(7)}`,
    );
  }
  console.error(`training speed, shoppers/s (${hidden}/${latent}, batch ${batch}, ${cores} cores; tfjs ${backend} single-threaded vs numpy over OpenBLAS with ${cores} threads; medians of ${rounds} alternating rounds):`);
  console.error(`  ${'dataset'.padEnd(16)} ${'items'.padStart(6)}  ${['tfjs', 'np', 'np 1t', 'np sp', 'sp 1t'].map((x) => x.padStart(6)).join('  ')}  ${'ratio'.padStart(5)}  vs best`);
  console.error(`  (np: numpy, dense input, ${cores} OpenBLAS threads — the yardstick; 1t: one thread; sp: sparse input side; ratio: tfjs ÷ np; vs best: tfjs ÷ the fastest numpy variant of the round)`);
  for (const line of table) console.error(`  ${line}`);
}

// Run directly: `npx tsx tools/training-speed/training-speed.ts [rounds] [synthetic items]`.
if (process.argv[1] && resolve(process.argv[1]) === resolve('tools/training-speed/training-speed.ts')) {
  const [rounds, items] = process.argv.slice(2).map(Number);
  trainingSpeedBench((r) => console.log(JSON.stringify(r)), { rounds: rounds || undefined, syntheticItems: items === undefined ? undefined : [items] }).catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
