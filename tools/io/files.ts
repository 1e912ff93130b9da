import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Every file under `dir` (subfolders included), as paths relative to it, sorted. */
export function filesUnder(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).filter((path) => statSync(join(dir, path)).isFile()).sort();
}

/** The bytes of every file under `dir`. */
export function bytesUnder(dir: string): number {
  return filesUnder(dir).reduce((sum, path) => sum + statSync(join(dir, path)).size, 0);
}
