import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin, UserConfig } from 'vite';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

/** Ships tfjs' WASM binaries next to the worker, so the WASM backend never fetches from a CDN. */
function copyWasmBinaries(): Plugin {
  return {
    name: 'localrec-copy-wasm',
    apply: 'build',
    writeBundle(options) {
      const from = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
      const out = options.dir ?? 'dist';
      mkdirSync(out, { recursive: true });
      for (const file of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm']) {
        copyFileSync(join(from, 'dist', file), join(out, file));
      }
    },
  };
}

/**
 * Writes each `__localrecRuntimeFile__("file")` marker (src/shared/runtime-file.ts) as the literal
 * relative path from the chunk that holds it, so that the shipped code reads
 * `new URL("./localrec.worker.js", import.meta.url)`: the pattern app bundlers follow to emit the
 * worker, its chunks and the WASM binaries. A marker left in the output fails the build.
 */
function runtimeFileUrls(): Plugin {
  const marker = /__localrecRuntimeFile__\(\s*(["'`])([\w.-]+)\1\s*\)/g;
  return {
    name: 'localrec-runtime-file-urls',
    apply: 'build',
    // After minification (which would turn the quotes into backticks, a form not every bundler
    // follows): the final code of each chunk.
    generateBundle(_options, bundle) {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk' || !chunk.code.includes('__localrecRuntimeFile__')) continue;
        const from = posix.dirname(chunk.fileName);
        chunk.code = chunk.code.replace(marker, (_match, _quote: string, file: string) => {
          const relative = posix.relative(from, file);
          return JSON.stringify(relative.startsWith('.') ? relative : `./${relative}`);
        });
        if (chunk.code.includes('__localrecRuntimeFile__')) this.error(`${chunk.fileName}: a runtime-file marker was not written as a literal path`);
      }
    },
  };
}

// `vite build` → the workers and their chunks; `vite build --mode loader` → the page-side ESM
// entry (index.js); `vite build --mode iife` → the script-tag bundle; `--mode widgets` → the web
// components (widgets.js, localrec-widgets.iife.js); `--mode sw` → the offline service worker.
// `vitest` reads the `test` block.
/** How every build writes: into dist/ (only the first empties it), minified, with source maps. */
const BUILD_OUTPUT = { outDir: 'dist', emptyOutDir: false, sourcemap: true, minify: true, target: 'es2022' } as const;

export default defineConfig(({ mode }): UserConfig => {
  if (mode === 'loader') {
    // The page-side ESM entry on its own: no chunks shared with the workers, so a page fetches
    // one small file before anything runs.
    return {
      plugins: [runtimeFileUrls()],
      define: { __LOCALREC_SCRIPT_TAG__: 'false' },
      build: {
        ...BUILD_OUTPUT,
        lib: { entry: { index: 'src/index.ts' }, formats: ['es'], fileName: (_format, name) => `${name}.js` },
        rollupOptions: { output: { chunkFileNames: 'chunks/[name]-[hash].js', minify: true } },
      },
    };
  }
  if (mode === 'widgets') {
    // The drop-in web components, page-side only: widgets.js for bundlers (`localrec/widgets`)
    // and localrec-widgets.iife.js for a script tag (global `localrecWidgets`). A build of their
    // own: they stay out of the loader's size budget, and a store without widgets never loads them.
    return {
      build: {
        ...BUILD_OUTPUT,
        lib: {
          entry: 'src/widgets/entry.ts',
          name: 'localrecWidgets',
          formats: ['es', 'iife'],
          fileName: (format) => (format === 'es' ? 'widgets.js' : 'localrec-widgets.iife.js'),
        },
        rollupOptions: { output: { minify: true } },
      },
    };
  }
  if (mode === 'sw') {
    // The offline service worker: a classic script, so it can be registered or importScripts'ed.
    return {
      build: {
        ...BUILD_OUTPUT,
        sourcemap: false,
        lib: { entry: 'src/offline/service-worker.ts', name: 'localrecServiceWorker', formats: ['iife'], fileName: () => 'localrec.sw.js' },
      },
    };
  }
  if (mode === 'testing') {
    // localrec/testing: the engine in-process on the CPU backend, for a store's jest or vitest
    // suite; ESM and CommonJS, one file each (no chunks to resolve in a test runner).
    const noBackend = fileURLToPath(new URL('./src/testing/no-backend.ts', import.meta.url));
    // tfjs-core reads TextEncoder from Node's 'util' with require(); an ES module has no require.
    const esmRequire = "import { createRequire as localrecCreateRequire } from 'node:module';\nconst require = localrecCreateRequire(import.meta.url);";
    return {
      plugins: [runtimeFileUrls()],
      // Only the training worker's URL reads it, and the double never starts that worker.
      define: { 'import.meta.url': '"localrec:testing"' },
      resolve: {
        alias: {
          '@tensorflow/tfjs-backend-webgpu': noBackend,
          '@tensorflow/tfjs-backend-webgl': noBackend,
          '@tensorflow/tfjs-backend-wasm': noBackend,
        },
      },
      build: {
        ...BUILD_OUTPUT,
        sourcemap: false,
        modulePreload: false,
        rollupOptions: {
          input: 'src/testing/index.ts',
          // Node's own modules stay Node's.
          external: ['util', 'node:util', 'node:module'],
          preserveEntrySignatures: 'strict',
          output: [
            { format: 'es', entryFileNames: 'testing.js', banner: esmRequire, codeSplitting: false, minify: true },
            { format: 'cjs', entryFileNames: 'testing.cjs', codeSplitting: false, minify: true },
          ],
        },
      },
    };
  }
  if (mode === 'bundler') {
    // The Rollup and esbuild plugins (localrec/bundler): Node code, run by the app's build.
    return {
      build: {
        ...BUILD_OUTPUT,
        minify: false,
        sourcemap: false,
        ssr: 'src/bundler/index.ts',
        rollupOptions: { output: { format: 'es', entryFileNames: 'bundler.js' } },
      },
    };
  }
  if (mode === 'iife') {
    return {
      // A classic script has no import.meta; script-tag.ts supplies the script's own URL instead.
      define: { 'import.meta.url': 'undefined', __LOCALREC_SCRIPT_TAG__: 'true' },
      build: {
        ...BUILD_OUTPUT,
        lib: { entry: 'src/client/script-tag.ts', name: 'localrec', formats: ['iife'], fileName: () => 'localrec.iife.js' },
      },
    };
  }
  return {
    plugins: [copyWasmBinaries(), runtimeFileUrls()],
    // tfjs' Emscripten glue reads Node's `__filename` behind a typeof guard; webpack 5 folds the
    // guard to true in an app's build and leaves the free name, so the WASM backend failed there
    // ("__filename is not defined"). In a browser worker there is no such name: say so here.
    define: { __filename: 'undefined', __dirname: 'undefined' },
    build: {
      ...BUILD_OUTPUT,
      emptyOutDir: true,
      lib: {
        entry: { 'localrec.worker': 'src/worker/worker.ts', 'localrec.train-worker': 'src/worker/train-worker.ts' },
        formats: ['es'],
        fileName: (_format, name) => `${name}.js`,
      },
      rollupOptions: {
        // Bundle everything: the worker must load standalone in the browser.
        external: [],
        // Vite leaves lib-mode ESM unminified (to keep pure annotations); ours is served as is to
        // pages, so minify it.
        output: { chunkFileNames: 'chunks/[name]-[hash].js', minify: true },
      },
    },
    test: {
      include: ['test/**/*.test.ts'],
      testTimeout: 120_000,
      hookTimeout: 180_000,
      fileParallelism: false,
    },
  };
});
