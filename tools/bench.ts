// `npm run bench [-- size|startup|latency|serving|serving-profile|train|bundlers|training-speed …] [--sizes 4385,10000,100000] [--rounds 50]`:
// speed figures of localrec in real Chromium (Debian's), as JSON lines on stdout and a short table
// on stderr. Run `npm run build` first (npm run bench does).
import { basename, resolve } from 'node:path';
import { launchChromium } from './browser/chromium';
import { startStaticServer } from './browser/static-server';
import { sizeReport } from './size-report';
import { workerHeaps } from './worker-heap';

type Json = Record<string, unknown>;

const SCENARIOS = ['size', 'startup', 'latency', 'serving', 'serving-profile', 'train', 'bundlers', 'training-speed'];

function parseArgs(argv: string[]): { only: Set<string>; sizes: number[]; rounds: number } {
  const args = new Map<string, string>();
  // `npm run bench -- train latency` is the same as `--only train,latency`.
  const positional = argv.filter((a, i) => !a.startsWith('--') && (i === 0 || !argv[i - 1]!.startsWith('--')));
  for (const name of positional) if (!SCENARIOS.includes(name)) throw new Error(`Unknown scenario ${name} (known: ${SCENARIOS.join(', ')})`);
  if (positional.length > 0) argv = [...argv.filter((a) => !positional.includes(a)), '--only', positional.join(',')];
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i]!;
    if (!key.startsWith('--') || argv[i + 1] === undefined) throw new Error(`Bad argument ${key}; see tools/bench.ts`);
    args.set(key.slice(2), argv[i + 1]!);
  }
  return {
    only: new Set((args.get('only') ?? 'size,startup,latency,serving,train').split(',')),
    sizes: (args.get('sizes') ?? '4385,10000,100000').split(',').map(Number),
    rounds: Number(args.get('rounds') ?? 50),
  };
}

function emit(record: Json): void {
  console.log(JSON.stringify(record));
}

async function main(): Promise<void> {
  const { only, sizes, rounds } = parseArgs(process.argv.slice(2));
  const machine = { cores: (await import('node:os')).cpus().length, chromium: '' };

  if (only.has('size')) {
    const sizes = sizeReport();
    emit({ bench: 'bundle-size', unit: 'bytes-gzip', ...sizes });
    console.error(`loader ${(sizes.loader / 1024).toFixed(1)} KB gz, worker ${(sizes.worker / 1024).toFixed(1)} KB gz (+ backends ${(sizes.workerWithBackends / 1024).toFixed(1)} KB)`);
  }
  if (only.has('bundlers')) {
    // Not in the default run: it packs, installs and builds a store with four bundlers (minutes).
    await (await import('./fixture-store/bundler-report')).bundlerReport(emit);
  }
  if (only.has('training-speed')) {
    // Not in the default run: the VAE training step in Node (tfjs WASM) against numpy, side by side.
    await (await import('./training-speed/training-speed')).trainingSpeedBench(emit);
  }
  if (only.has('serving-profile')) {
    // Not in the default run: where recommend()'s time goes in the worker (Node, tfjs WASM), stage by stage.
    const argv = process.argv.slice(2);
    const given = argv.includes('--sizes');
    await (await import('./serving-profile/profile')).servingProfile(given ? sizes : [10_000, 100_000], argv.includes('--rounds') ? rounds : 1000, emit);
  }
  if (!only.has('startup') && !only.has('latency') && !only.has('train') && !only.has('serving')) return;

  // Serve the folder above the repository, so the shared datasets are reachable too.
  const repo = basename(process.cwd());
  const server = await startStaticServer(resolve('..'));
  const prefix = `/${repo}`;
  const browser = await launchChromium();
  machine.chromium = browser.version();
  const catalogUrl = `${prefix}/demo/public/items.jsonl`;
  const benchPage = `${server.url}${prefix}/test/pages/bench.html`;
  try {
    if (only.has('startup')) {
      // Cold: a new profile (nothing in IndexedDB). Warm: the same profile reloaded.
      const context = await browser.newContext();
      const page = await context.newPage();
      const results: Json = {};
      for (const phase of ['cold', 'warm', 'warm2']) {
        await page.goto(benchPage);
        await page.waitForFunction(() => document.body.dataset.ready === 'true');
        results[phase] = await page.evaluate(
          ([url, db, models]) => (window as unknown as { benchFirstRecommendation(u: string, d: string, m: string): Promise<Json> }).benchFirstRecommendation(url!, db!, models!),
          [catalogUrl, 'bench', `${prefix}/models/scientific/`],
        );
      }
      await context.close();
      emit({ bench: 'first-recommendation', catalog: 'demo (4,385 items, URL) + models/scientific pack', ...results, machine });
      console.error(`first recommendation: cold ${(results.cold as Json).ms} ms, warm ${(results.warm as Json).ms} ms`);
    }
    if (only.has('latency')) {
      for (const size of sizes) {
        const context = await browser.newContext();
        const page = await context.newPage();
        await page.goto(benchPage);
        await page.waitForFunction(() => document.body.dataset.ready === 'true');
        const result = (await page.evaluate(([url, n, r]) => (window as unknown as { benchLatency(u: string, n: number, r: number): Promise<Json> }).benchLatency(url as string, n as number, r as number), [catalogUrl, size, rounds] as const)) as Json;
        // The serving worker's JS heap after the run (the recommender is still alive on the page).
        const heap = (await workerHeaps(context, page)).find((w) => w.name === 'localrec');
        result.workerHeapBytes = heap?.usedBytes ?? null;
        await page.evaluate(() => (window as unknown as { benchDispose(): void }).benchDispose());
        await context.close();
        emit({ bench: 'latency', unit: 'ms', ...result, machine });
        const f = (k: string): string => `${(result[k] as Json).p50}/${(result[k] as Json).p95}`;
        const mb = (b: unknown): string => (typeof b === 'number' ? `${(b / 2 ** 20).toFixed(1)} MB` : 'n/a');
        console.error(`${size} items (${String(result.backend)}): startup ${String(result.startupMs)} ms; p50/p95 recommend ${f('recommend')}, similar ${f('similar')}, track→recommend ${f('trackThenRecommend')}; worker heap ${mb(result.workerHeapBytes)}, tensors ${mb(result.tensorBytes)}`);
      }
    }
    if (only.has('serving')) {
      const open = async () => {
        const context = await browser.newContext();
        const page = await context.newPage();
        await page.goto(benchPage);
        await page.waitForFunction(() => document.body.dataset.ready === 'true');
        return { context, page };
      };
      await (await import('./bench-serving')).benchServing(open, prefix, sizes.filter((s) => s >= 10_000), Math.max(rounds, 1000), (r) => emit({ ...r, machine }));
    }
    if (only.has('train')) {
      {
        // Background training: recommend() on the demo catalog while the VAE trains in the same worker.
        const context = await browser.newContext();
        const page = await context.newPage();
        await page.goto(benchPage);
        await page.waitForFunction(() => document.body.dataset.ready === 'true');
        const result = (await page.evaluate(
          ([c, i, n, r]) => (window as unknown as { benchTrainingLatency(c: string, i: string, n: number, r: number): Promise<Json> }).benchTrainingLatency(c as string, i as string, n as number, r as number),
          [catalogUrl, '/shared/data/scientific/interactions.csv', 2000, rounds] as const,
        )) as Json;
        await context.close();
        emit({ bench: 'recommend-during-training', unit: 'ms', catalog: 'demo (4,385 items)', ...result, machine });
        const f = (k: string): string => `${(result[k] as Json).p50}/${(result[k] as Json).p95}`;
        console.error(`recommend() p50/p95 idle ${f('idle')} ms, during training ${f('duringTraining')} ms (p95 ratio ${String(result.ratioP95)})`);
      }
      // The office set (2,420 items): a slice of its baskets per backend, one epoch of the pack recipe
      // (600/200). Software WebGPU/WebGL and plain-JS CPU are far slower here, so they get fewer baskets.
      const sessions: Record<string, number> = { wasm: 1000, webgl: 200, webgpu: 100, cpu: 100 };
      for (const backend of ['wasm', 'webgl', 'webgpu', 'cpu']) {
        const context = await browser.newContext();
        const page = await context.newPage();
        await page.goto(benchPage);
        await page.waitForFunction(() => document.body.dataset.ready === 'true');
        const result = (await page.evaluate(
          ([b, c, i, n]) => (window as unknown as { benchTrain(b: string, c: string, i: string, n: number): Promise<Json> }).benchTrain(b as string, c as string, i as string, n as number),
          [backend, '/shared/data/office/items.jsonl', '/shared/data/office/interactions.csv', sessions[backend]!] as const,
        )) as Json;
        await context.close();
        emit({ bench: 'train-vae', where: 'chromium-worker', dataset: 'office', ...result, machine });
        console.error(`train (chromium worker, ${String(result.backend)}): ${Number(result.examplesPerSecond).toFixed(0)} examples/s over ${String(result.examples)} examples`);
      }
    }
  } finally {
    await browser.close();
    await server.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
