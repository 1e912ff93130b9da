// Node side of dataset reading (the parsing itself is in dataset.ts, which the browser evaluation shares).
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { buildDataset, parseInteractions, parseItems, type Dataset } from '../../eval/dataset';

/**
 * Loads a dataset directory in the shared layout.
 * @throws Error when `interactions.csv` is missing or malformed.
 */
export function loadDataset(dir: string): Dataset {
  const csvPath = join(dir, 'interactions.csv');
  if (!existsSync(csvPath)) throw new Error(`no interactions.csv in ${dir}`);
  const rows = parseInteractions(readFileSync(csvPath, 'utf8'));
  const itemsPath = join(dir, 'items.jsonl');
  const catalog = existsSync(itemsPath) ? parseItems(readFileSync(itemsPath, 'utf8')) : [];
  return buildDataset(basename(resolve(dir)), rows, catalog);
}
