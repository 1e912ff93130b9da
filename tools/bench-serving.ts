// `npm run bench -- serving [--sizes 10000,100000] [--rounds 1000]`: a store's catalog and model
// pack served at size in Chromium's worker (WASM unless the machine offers more). The stores are
// synthetic (tools/synthetic/make-dataset.ts, 10 interactions an item) and their packs are made by
// `npm run train` itself (its default for 10k items and more: NF3, 128 values a scale; one epoch over 3,000
// shoppers — the serving cost does not depend on how long the model trained). Both are made once
// into .bench/ and reused.
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { workerHeaps } from './worker-heap';
import { bytesUnder } from './io/files';

type Json = Record<string, unknown>;

const BENCH_DIR = '.bench';

function run(args: string[]): void {
  const result = spawnSync(process.execPath, ['--import', 'tsx', ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (result.status !== 0) throw new Error(`${args.join(' ')} failed (${result.status})`);
}

/** The synthetic store of `items` items and its pack, made if missing. */
export function servingStore(items: number): { data: string; pack: string } {
  const data = join(BENCH_DIR, `store-${items}`);
  const pack = join(BENCH_DIR, `pack-${items}`);
  if (!existsSync(join(data, 'interactions.csv'))) {
    console.error(`making a synthetic store of ${items} items in ${data}`);
    run(['tools/synthetic/make-dataset.ts', '--items', String(items), '--interactions', String(items * 10), '--out', data]);
  }
  if (!existsSync(join(pack, 'manifest.json'))) {
    console.error(`training its pack into ${pack} (npm run train)`);
    rmSync(pack, { recursive: true, force: true });
    run(['tools/train.ts', '--data', data, '--out', pack, '--epochs', '1', '--max-users', '3000']);
  }
  return { data, pack };
}

export async function benchServing(
  open: () => Promise<{ context: BrowserContext; page: Page }>,
  prefix: string,
  sizes: number[],
  rounds: number,
  emit: (record: Json) => void,
): Promise<void> {
  for (const size of sizes) {
    const { data, pack } = servingStore(size);
    const catalogUrl = `${prefix}/${data}/items.jsonl`;
    const packUrl = `${prefix}/${pack}/`;
    const { context, page } = await open();
    const call = (name: string, ...args: unknown[]) =>
      page.evaluate(([n, a]) => (window as unknown as Record<string, (...x: unknown[]) => Promise<Json>>)[n as string]!(...(a as unknown[])), [name, args] as const);
    // Cold: nothing cached; warm: the same profile again (catalog and pack from IndexedDB).
    const cold = await call('benchFirstRecommendation', catalogUrl, `serving-${size}`, packUrl);
    await page.reload();
    await page.waitForFunction(() => document.body.dataset.ready === 'true');
    const warm = await call('benchFirstRecommendation', catalogUrl, `serving-${size}`, packUrl);
    await page.reload();
    await page.waitForFunction(() => document.body.dataset.ready === 'true');
    // The first similar(), boughtTogether() and search() of a warm start: at once, and after 5 s idle (a shopper reading the page).
    const firstCalls: Json = {};
    for (const idleMs of [0, 5000]) {
      await page.reload();
      await page.waitForFunction(() => document.body.dataset.ready === 'true');
      firstCalls[idleMs === 0 ? 'atOnce' : 'afterIdle5s'] = await call('benchFirstCalls', catalogUrl, `serving-${size}`, packUrl, idleMs);
    }
    await page.reload();
    await page.waitForFunction(() => document.body.dataset.ready === 'true');
    const result = await call('benchServing', catalogUrl, packUrl, rounds, `serving-${size}`, 'leaf1');
    const heap = (await workerHeaps(context, page)).find((w) => w.name === 'localrec');
    await page.evaluate(() => (window as unknown as { benchDispose(): void }).benchDispose());
    await context.close();
    const record = {
      bench: 'serving',
      unit: 'ms',
      ...result,
      firstRecommendationFromNavigation: { cold: cold.ms, warm: warm.ms, warmPack: warm.pack },
      firstCallsAfterWarmStart: firstCalls,
      workerHeapBytes: heap?.usedBytes ?? null,
      // Typed arrays and the WASM memory (which holds the tensors) live outside the V8 heap.
      workerBackingStoreBytes: heap?.backingStoreBytes ?? null,
      packBytes: bytesUnder(pack),
      rounds,
    };
    emit(record);
    const f = (k: string): string => `${String((result[k] as Json).p50)}/${String((result[k] as Json).p95)}`;
    const firstOf = (c: unknown): string => ['similar', 'boughtTogether', 'search'].map((k) => String((c as Json)[k])).join('/');
    const mb = (b: unknown): string => (typeof b === 'number' ? `${(b / 2 ** 20).toFixed(1)} MB` : 'n/a');
    console.error(
      `${size} items, ${String(result.model)} (${String(result.backend)}): first recommendation cold ${String(cold.ms)} ms, warm ${String(warm.ms)} ms; first similar/boughtTogether/search at once ${firstOf(firstCalls.atOnce)}, after 5 s idle ${firstOf(firstCalls.afterIdle5s)} ms; p50/p95 recommend ${f('recommend')} (in the worker ${f('recommendInWorker')}), similar ${f('similar')}, search ${f('search')} ms; worker heap ${mb(heap?.usedBytes)}, tensors ${mb(result.tensorBytesAfter)} (before ${mb(result.tensorBytesBefore)})`,
    );
  }
}
