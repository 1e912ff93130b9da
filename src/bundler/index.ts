// Build-time helpers for the two bundlers that do not follow `new URL('./file', import.meta.url)`
// on their own: Rollup (core) and esbuild. Vite, webpack 5 and Rollup-based tools that follow it
// need nothing from here. Runs in Node at build time; never reaches a browser.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The literal the page loader names its worker with (see shared/runtime-file.ts). */
const WORKER_REFERENCE = /new URL\(\s*["'`]\.\/localrec\.worker\.js["'`]\s*,\s*import\.meta\.url\s*\)/;

/** The page loader's own files: a bundle already holds them. */
const PAGE_ONLY = new Set(['index.js', 'localrec.iife.js']);

/** dist/ of this package, where the worker, its chunks and the WASM binaries are. */
function packageDist(): string {
  return dirname(fileURLToPath(import.meta.url));
}

/** The files the worker loads at run time (dist/localrec-files.json less the page loaders), with their bytes. */
async function workerFiles(): Promise<{ file: string; source: Uint8Array }[]> {
  const dist = packageDist();
  const list = JSON.parse(await readFile(join(dist, 'localrec-files.json'), 'utf8')) as { files: string[] };
  return Promise.all(
    list.files.filter((file) => !PAGE_ONLY.has(file)).map(async (file) => ({ file, source: await readFile(join(dist, file)) })),
  );
}

/** The part of a Rollup plugin this uses (typed here so the package needs no Rollup types). */
export interface RollupLikePlugin {
  name: string;
  generateBundle(this: { emitFile(file: { type: 'asset'; fileName: string; source: Uint8Array }): string }, options: unknown, bundle: Record<string, { type: string; fileName: string; code?: string }>): Promise<void>;
}

/**
 * Rollup plugin: emits localrec's worker, its chunks and the WASM binaries next to every output
 * chunk that starts the worker, so the page finds them with no copying by hand.
 * @example
 * // rollup.config.js
 * import { nodeResolve } from '@rollup/plugin-node-resolve';
 * import { localrecRollup } from 'localrec/bundler';
 * export default { input: 'src/main.js', output: { dir: 'dist', format: 'es' }, plugins: [nodeResolve(), localrecRollup()] };
 */
export function localrecRollup(): RollupLikePlugin {
  return {
    name: 'localrec',
    async generateBundle(_options, bundle) {
      const folders = new Set(
        Object.values(bundle)
          .filter((chunk) => chunk.type === 'chunk' && WORKER_REFERENCE.test(chunk.code ?? ''))
          .map((chunk) => posix.dirname(chunk.fileName)),
      );
      if (folders.size === 0) return;
      const files = await workerFiles();
      for (const folder of folders) {
        for (const { file, source } of files) this.emitFile({ type: 'asset', fileName: posix.join(folder, file), source });
      }
    },
  };
}

/** The part of an esbuild plugin this uses (typed here so the package needs no esbuild types). */
export interface EsbuildLikePlugin {
  name: string;
  setup(build: {
    initialOptions: { metafile?: boolean; absWorkingDir?: string };
    onEnd(callback: (result: { metafile?: { outputs: Record<string, unknown> } }) => Promise<void>): void;
  }): void;
}

/**
 * esbuild plugin: after the build, writes localrec's worker, its chunks and the WASM binaries
 * next to every output file that starts the worker (esbuild does not follow
 * `new URL('./file', import.meta.url)`).
 * @example
 * import { localrecEsbuild } from 'localrec/bundler';
 * await esbuild.build({ entryPoints: ['src/main.js'], bundle: true, format: 'esm', outdir: 'dist', plugins: [localrecEsbuild()] });
 */
export function localrecEsbuild(): EsbuildLikePlugin {
  return {
    name: 'localrec',
    setup(build) {
      build.initialOptions.metafile = true;
      build.onEnd(async (result) => {
        // The metafile names outputs relative to the working directory.
        const cwd = build.initialOptions.absWorkingDir ?? process.cwd();
        const outputs = Object.keys(result.metafile?.outputs ?? {}).filter((file) => file.endsWith('.js')).map((file) => join(cwd, file));
        const folders = new Set<string>();
        for (const output of outputs) {
          if (WORKER_REFERENCE.test(await readFile(output, 'utf8'))) folders.add(dirname(output));
        }
        if (folders.size === 0) return;
        const files = await workerFiles();
        for (const folder of folders) {
          for (const { file, source } of files) {
            await mkdir(dirname(join(folder, file)), { recursive: true });
            await writeFile(join(folder, file), source);
          }
        }
      });
    },
  };
}
