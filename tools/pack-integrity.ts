// Writes the SHA-256 of every file of a pack folder into its manifest (`files`) and prints the
// manifest's Subresource-Integrity value for a store's `integrity` option:
//   npm run pack-integrity -- models/scientific [models/reasons …]
// `npm run train` and `npm run train-reasons` do this themselves; this is for packs built before.
import { rehashPackDir } from './io/pack-node';

async function main(): Promise<number> {
  const dirs = process.argv.slice(2);
  if (dirs.length === 0) {
    process.stderr.write('usage: npm run pack-integrity -- DIR [DIR …]\n');
    return 2;
  }
  for (const dir of dirs) process.stdout.write(`${JSON.stringify({ pack: dir, integrity: await rehashPackDir(dir) })}\n`);
  return 0;
}

main().then((code) => (process.exitCode = code), (error: unknown) => {
  process.stderr.write(`pack-integrity: ${String((error as Error).message ?? error)}\n`);
  process.exitCode = 1;
});
