import { cpSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const packageDist = fileURLToPath(new URL('../dist/', import.meta.url));

/**
 * A production build bundles localrec's page loader into the demo's own chunk; the worker, its
 * chunks and the WASM binaries must sit next to that chunk (what the README asks of bundler users).
 */
function copyLocalrecWorker(): Plugin {
  return {
    name: 'demo-copy-localrec-worker',
    apply: 'build',
    writeBundle(options) {
      const assets = join(options.dir ?? 'dist', 'assets');
      for (const file of readdirSync(packageDist)) {
        if (file === 'localrec.worker.js' || file.endsWith('.wasm')) cpSync(join(packageDist, file), join(assets, file));
      }
      cpSync(join(packageDist, 'chunks'), join(assets, 'chunks'), { recursive: true });
    },
  };
}

// The demo storefront runs against the built package (dist/), exactly as a store would.
export default defineConfig({
  plugins: [copyLocalrecWorker()],
  root: fileURLToPath(new URL('.', import.meta.url)),
  resolve: { alias: { localrec: fileURLToPath(new URL('../dist/index.js', import.meta.url)) } },
  // Pre-bundling would move index.js away from localrec.worker.js, which it loads by relative URL.
  optimizeDeps: { exclude: ['localrec'] },
  server: { host: '127.0.0.1', port: 5173, strictPort: false },
  preview: { host: '127.0.0.1', port: 4173 },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
});
