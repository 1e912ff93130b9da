import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The demo storefront runs against the built package (dist/), exactly as a store would.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  resolve: { alias: { localrec: fileURLToPath(new URL('../dist/index.js', import.meta.url)) } },
  // Pre-bundling would move index.js away from localrec.worker.js, which it loads by relative URL.
  optimizeDeps: { exclude: ['localrec'] },
  server: { host: '127.0.0.1', port: 5173, strictPort: false },
  preview: { host: '127.0.0.1', port: 4173 },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
});
