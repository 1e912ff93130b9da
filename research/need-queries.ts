// The top 5 search results for need-style queries on a catalog, as a fresh shopper sees them:
// the worker's engine (src/worker/engine.ts, run in Node on tfjs' WASM backend as the unit tests
// do; no history, so the lexical order), and the bare search index for comparison
// (research/need-queries.md).
//   npx tsx research/need-queries.ts [items.jsonl] [query …] > top5.json
import { readFileSync } from 'node:fs';
import { SearchIndex } from '../src/search/search-index';
import type { Item } from '../src/shared/types';
import { Engine } from '../src/worker/engine';

/** The examples and more of the kind, used while choosing the need-query settings. */
export const NEED_QUERIES = [
  'protect my eyes when soldering',
  'something to measure how hot my oven is',
  'keep my hands safe from chemicals',
  'measure the thickness of a wire',
  'something to hold small parts while I solder',
  'how do I stick two pieces of metal together',
  'keep my ears safe from loud noise',
  'I need to measure liquids for a lab experiment',
  'something to clean up an oil spill',
  'stop my hands from getting cut by glass',
];

/** Written before their results were seen, and used only to choose between settings. */
export const HELD_OUT_QUERIES = [
  'something to cut metal pipes',
  'I want to check the voltage of a battery',
  'what can I use to seal a leaking pipe',
  'something to weigh small amounts of powder',
  'keep my 3d printer filament dry',
  'how can I see tiny things up close',
  'something to tighten small screws on my glasses',
  'I need to mark lines on wood',
];

async function main(): Promise<void> {
  const path = process.argv[2] ?? '../shared/data/scientific/items.jsonl';
  const queries = process.argv.length > 3 ? process.argv.slice(3) : [...NEED_QUERIES, ...HELD_OUT_QUERIES];
  const items = readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Item);
  const engine = await Engine.create({ catalog: items, backend: 'wasm', dbName: 'need-queries', maxEvents: 10, persist: false });
  const index = SearchIndex.build(items);
  const out: Record<string, { engine: string[]; index: string[] }> = {};
  for (const query of queries) {
    out[query] = {
      engine: (await engine.search(query, { k: 5 })).map((r) => r.item.title),
      index: index.search(query, { k: 5 }).map((h) => items[h.row]!.title),
    };
  }
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  process.exit(0);
}

void main();
