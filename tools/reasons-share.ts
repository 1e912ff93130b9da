// How often the neural generator's reason reaches the shopper: the demo catalog, the shipped model
// pack and reasons pack, in Node on WASM. Each shopper views four items of one leaf category (the
// catalog's largest shelves, in turn); the share counts the reasons of recommend({ k: 6, explain: true })
// written by the generator (the rest failed the checker and became the template reason).
//   npx tsx tools/reasons-share.ts [--shoppers N] [--json]
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { Item } from '../src/shared/types';
import { Engine } from '../src/worker/engine';
import { startStaticServer } from './browser/static-server';

export interface ReasonsShare {
  shoppers: number;
  reasons: number;
  fromGenerator: number;
  share: number;
  examples: { viewed: string; item: string; reason: string; writtenBy: string }[];
}

/** Demo catalog rows as the demo serves them (JSON nulls dropped, as the catalog loader does). */
export function demoCatalog(path = 'demo/public/items.jsonl'): Item[] {
  return readFileSync(path, 'utf8').split('\n').filter(Boolean).map((line) =>
    Object.fromEntries(Object.entries(JSON.parse(line) as Record<string, unknown>).filter(([, v]) => v !== null)) as unknown as Item);
}

export async function measureReasonsShare(shoppers = 8, root = process.cwd()): Promise<ReasonsShare> {
  const items = demoCatalog(`${root}/demo/public/items.jsonl`);
  const server = await startStaticServer(root);
  const engine = await Engine.create({
    catalog: items, backend: 'wasm', dbName: 'reasons-share', maxEvents: 1000, persist: false,
    models: `${server.url}/models/scientific/`, reasons: `${server.url}/models/reasons/`,
  });
  try {
    const shelves = new Map<string, string[]>();
    for (const item of items) {
      const leaf = item.category?.at(-1);
      if (leaf) shelves.set(leaf, [...(shelves.get(leaf) ?? []), item.id]);
    }
    const largest = [...shelves].filter(([, ids]) => ids.length >= 8).sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1));
    const out: ReasonsShare = { shoppers: 0, reasons: 0, fromGenerator: 0, share: 0, examples: [] };
    for (const [leaf, ids] of largest.slice(0, shoppers)) {
      await engine.forget();
      for (const id of ids.slice(0, 4)) await engine.track({ type: 'view', itemId: id });
      const recs = await engine.recommend({ k: 6, explain: true });
      out.shoppers++;
      for (const r of recs) {
        out.reasons++;
        if (r.writtenBy === 'generator') out.fromGenerator++;
        out.examples.push({ viewed: leaf.slice(-40), item: r.item.title.slice(0, 60), reason: r.reason ?? '', writtenBy: r.writtenBy ?? 'template' });
      }
    }
    out.share = out.fromGenerator / Math.max(out.reasons, 1);
    return out;
  } finally {
    engine.dispose();
    await server.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const at = process.argv.indexOf('--shoppers');
  const result = await measureReasonsShare(at > 0 ? Number(process.argv[at + 1]) : 8);
  if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(result)}\n`);
  else {
    for (const e of result.examples) process.stdout.write(`${e.writtenBy.padEnd(9)} ${e.item} — ${e.reason}\n`);
    process.stdout.write(`\n${result.fromGenerator} of ${result.reasons} reasons shown were written by the generator (${(100 * result.share).toFixed(1)}%), ${result.shoppers} shoppers\n`);
  }
}
