// Writes dist/localrec-files.json: the files a browser may fetch at run time (page loaders,
// workers, chunks, WASM binaries) — what a self-hosting store serves and what the offline service
// worker (src/offline/service-worker.ts) precaches. Source maps, type files, the service worker
// itself, the build-time bundler plugins (bundler.js), the test double (testing.js, testing.cjs), the CommonJS notice (index.cjs) and this list are not in it. Run after the vite builds (npm run build does).
import { createHash } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { filesUnder } from './io/files';

const DIST = 'dist';
const SKIP = /(\.map|\.d\.ts)$|^types\/|^localrec\.sw\.js$|^localrec-files\.json$|^bundler\.js$|^testing\.c?js$|^index\.cjs$/;

const files = filesUnder(DIST).filter((file) => !SKIP.test(file));
const hash = createHash('sha256');
for (const file of files) hash.update(file).update(readFileSync(join(DIST, file)));
const build = hash.digest('hex').slice(0, 16);
const bytes = files.reduce((sum, file) => sum + statSync(join(DIST, file)).size, 0);
writeFileSync(join(DIST, 'localrec-files.json'), `${JSON.stringify({ build, files }, null, 2)}\n`);
console.log(`dist/localrec-files.json: ${files.length} runtime files, ${(bytes / 1024).toFixed(0)} KB (build ${build})`);
