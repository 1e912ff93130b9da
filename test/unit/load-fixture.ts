import { readFileSync } from 'node:fs';
import type { Item } from '../../src/shared/types';

/** The 400-item slice of the real Industrial & Scientific catalog. */
export function scientificItems(): Item[] {
  return readFileSync(new URL('../fixtures/scientific-items.jsonl', import.meta.url), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Item);
}
