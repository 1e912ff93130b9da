// `npx tsx tools/synthetic/make-dataset.ts --items 100000 --interactions 1000000 --out DIR [--seed 42]`:
// a synthetic store in ../shared/data's layout (interactions.csv, items.jsonl) for speed and memory
// checks at catalog sizes no public set has. Not for quality claims: its structure is made up.
// Items belong to leaf categories (Zipf-sized) under departments and carry a brand and a price;
// each shopper has two or three favourite categories and buys Zipf-popular items in them, with
// one item in ten anywhere in the catalog.
import { mkdirSync, writeFileSync, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '../../src/util/random';

function arg(name: string, fallback?: string): string {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? process.argv[at + 1] : fallback;
  if (value === undefined) throw new Error(`--${name} is required`);
  return value;
}

const items = Number(arg('items', '100000'));
const interactions = Number(arg('interactions', '1000000'));
const out = arg('out');
const rng = new Rng(Number(arg('seed', '42')));

const leaves = Math.max(20, Math.round(items / 60));
const departments = Math.max(4, Math.round(Math.sqrt(leaves)));
const brands = Math.max(10, Math.round(items / 40));
// Items per leaf: Zipf-like sizes, every leaf non-empty.
const leafOf = new Int32Array(items);
const leafItems: number[][] = Array.from({ length: leaves }, () => []);
for (let i = 0; i < items; i++) {
  const leaf = i < leaves ? i : Math.min(leaves - 1, Math.floor(leaves * rng.next() ** 1.6));
  leafOf[i] = leaf;
  leafItems[leaf]!.push(i);
}
mkdirSync(out, { recursive: true });
const itemLines: string[] = [];
for (let i = 0; i < items; i++) {
  const leaf = leafOf[i]!;
  const brand = Math.floor(brands * rng.next() ** 1.3);
  itemLines.push(
    JSON.stringify({
      id: `s${i}`,
      title: `Item ${i} leaf${leaf} brand${brand}`,
      category: [`dept${leaf % departments}`, `leaf${leaf}`],
      brand: `brand${brand}`,
      price: Math.round(5 + 200 * rng.next() ** 2),
      description: null,
    }),
  );
}
writeFileSync(join(out, 'items.jsonl'), itemLines.join('\n') + '\n');

// Within a leaf, item popularity falls off as rank^-1 (sampled by a power of a uniform).
const pick = (list: number[]): number => list[Math.floor(list.length * rng.next() ** 2.5)]!;
const csv = createWriteStream(join(out, 'interactions.csv'));
csv.write('user_id,item_id,timestamp\n');
let written = 0;
let user = 0;
let time = 1_600_000_000;
while (written < interactions) {
  const favourites = Array.from({ length: 2 + Math.floor(rng.next() * 2) }, () => Math.floor(leaves * rng.next() ** 1.6));
  const length = Math.min(interactions - written, 5 + Math.floor(-Math.log(1 - rng.next()) * 8));
  const seen = new Set<number>();
  for (let t = 0; t < length; t++) {
    const item = rng.next() < 0.1 ? Math.floor(items * rng.next() ** 2) : pick(leafItems[favourites[Math.floor(rng.next() * favourites.length)]!]!);
    if (seen.has(item)) continue;
    seen.add(item);
    csv.write(`u${user},s${item},${(time += 7)}\n`);
    written++;
  }
  user++;
}
csv.end();
console.log(JSON.stringify({ synthetic: out, items, users: user, interactions: written, leaves, brands }));
