import { createHash } from 'node:crypto';
import { cpSync, createReadStream, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
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
 * The production build emits localrec's worker, its chunks and the WASM binaries itself (the
 * package names them as `new URL('./…', import.meta.url)`). For offline use, the service worker
 * (localrec.sw.js, served at the site root) precaches the list it finds at `base`: here, every file
 * this build wrote under assets/, listed in assets/localrec-files.json.
 */
function offlineFileList(): Plugin {
  return {
    name: 'demo-offline-file-list',
    apply: 'build',
    generateBundle(_options, bundle) {
      const files = Object.keys(bundle).filter((name) => name.startsWith('assets/')).map((name) => name.slice('assets/'.length)).sort();
      const build = createHash('sha256').update(files.join('\n')).digest('hex').slice(0, 16);
      this.emitFile({ type: 'asset', fileName: 'assets/localrec-files.json', source: `${JSON.stringify({ build, files }, null, 2)}\n` });
    },
    writeBundle(options) {
      cpSync(join(packageDist, 'localrec.sw.js'), join(options.dir ?? 'dist', 'localrec.sw.js'));
    },
  };
}

// The demo storefront runs against the built package (dist/), exactly as a store would.
export default defineConfig({
  plugins: [offlineFileList(), serveModelPacks()],
  root: fileURLToPath(new URL('.', import.meta.url)),
  resolve: {
    alias: [
      { find: /^localrec\/widgets$/, replacement: fileURLToPath(new URL('../dist/widgets.js', import.meta.url)) },
      { find: /^localrec$/, replacement: fileURLToPath(new URL('../dist/index.js', import.meta.url)) },
    ],
  },
  // Workers as ES modules with chunks: the browser fetches only the backend it runs (Vite's
  // default builds a worker as one file holding every backend).
  worker: { format: 'es' },
  server: { host: '127.0.0.1', port: 5173, strictPort: false },
  preview: { host: '127.0.0.1', port: 4173 },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
});
