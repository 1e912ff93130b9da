import { cpSync, createReadStream, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const packageDist = fileURLToPath(new URL('../dist/', import.meta.url));
const modelPacks = fileURLToPath(new URL('../models/', import.meta.url));

/** The store's model packs (models/ at the top of the repository) served at /models/, as a store would. */
function serveModelPacks(): Plugin {
  return {
    name: 'demo-model-packs',
    configureServer(server) {
      server.middlewares.use('/models', (req, res, next) => {
        const path = join(modelPacks, decodeURIComponent((req.url ?? '/').split('?')[0]!));
        if (!path.startsWith(modelPacks) || !existsSync(path) || !statSync(path).isFile()) return next();
        res.setHeader('content-type', path.endsWith('.json') ? 'application/json' : 'application/octet-stream');
        createReadStream(path).pipe(res);
      });
    },
    writeBundle(options) {
      if (existsSync(modelPacks)) cpSync(modelPacks, join(options.dir ?? 'dist', 'models'), { recursive: true });
    },
  };
}

/**
 * A production build bundles localrec's page loader into the demo's own chunk; the runtime files
 * (dist/localrec-files.json: workers, chunks, WASM binaries) must sit next to that chunk (what
 * the README asks of self-hosting stores), and the offline service worker at the site root.
 */
function copyLocalrecRuntime(): Plugin {
  return {
    name: 'demo-copy-localrec-runtime',
    apply: 'build',
    writeBundle(options) {
      const out = options.dir ?? 'dist';
      const list = JSON.parse(readFileSync(join(packageDist, 'localrec-files.json'), 'utf8')) as { files: string[] };
      for (const file of [...list.files, 'localrec-files.json']) {
        mkdirSync(dirname(join(out, 'assets', file)), { recursive: true });
        cpSync(join(packageDist, file), join(out, 'assets', file));
      }
      cpSync(join(packageDist, 'localrec.sw.js'), join(out, 'localrec.sw.js'));
    },
  };
}

// The demo storefront runs against the built package (dist/), exactly as a store would.
export default defineConfig({
  plugins: [copyLocalrecRuntime(), serveModelPacks()],
  root: fileURLToPath(new URL('.', import.meta.url)),
  resolve: { alias: { localrec: fileURLToPath(new URL('../dist/index.js', import.meta.url)) } },
  // Pre-bundling would move index.js away from localrec.worker.js, which it loads by relative URL.
  optimizeDeps: { exclude: ['localrec'] },
  server: { host: '127.0.0.1', port: 5173, strictPort: false },
  preview: { host: '127.0.0.1', port: 4173 },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
});
