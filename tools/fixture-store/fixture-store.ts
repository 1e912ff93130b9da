// A fresh store app outside the repository, made the way a new user makes one: `npm pack` of this
// package, `npm install` of the tarball and of the store's own bundler, the fixture pages of
// test/integration/fixture-app, and each bundler's plain build. Used by the integration test
// (test/integration/bundlers.test.ts) and the size report (`npm run bench -- bundlers`).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { startStaticServer, type StaticServer } from '../browser/static-server';
import { bytesUnder, filesUnder } from '../io/files';

const run = promisify(execFile);
const REPO = resolve(import.meta.dirname, '../..');
const FIXTURE = join(REPO, 'test/integration/fixture-app');

/** The bundlers a store may build with, each with the page flavour its fixture uses. */
export const BUNDLERS = ['vite-dev', 'vite-build', 'webpack', 'rollup', 'esbuild'] as const;
/** Also built by the size report: Vite with the README's optional `worker: { format: 'es' }`. */
export type Bundler = (typeof BUNDLERS)[number] | 'vite-build-es-workers';

/** Which fixture page each bundler builds (React in StrictMode, Vue, or a plain page). */
export const ENTRY: Record<Bundler, string> = {
  'vite-dev': 'src/react-main.js',
  'vite-build': 'src/main.js',
  'vite-build-es-workers': 'src/main.js',
  webpack: 'src/vue-main.js',
  rollup: 'src/main.js',
  esbuild: 'src/main.js',
};

/** The store's own dependencies, at the versions this repository tests with. */
const STORE_PACKAGES = ['react', 'react-dom', 'vue', 'vite', 'vitest', 'webpack', 'rollup', '@rollup/plugin-node-resolve', 'esbuild'];

export interface FixtureStore {
  dir: string;
  tarball: string;
  /** `npm pack` size and unpacked size, bytes. */
  packBytes: number;
  unpackedBytes: number;
  /** node_modules/localrec after install, bytes (the package brings no dependencies of its own). */
  installedBytes: number;
  /** Packages npm added for localrec alone (1 when it has no runtime dependencies). */
  installedPackages: number;
  remove(): void;
}

function versionOf(name: string): string {
  return (JSON.parse(readFileSync(join(REPO, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
}

/** Packs the built package (run `npm run build` first) and installs it into a new app in the temp folder. */
export async function createFixtureStore(): Promise<FixtureStore> {
  const dir = mkdtempSync(join(tmpdir(), 'localrec-store-'));
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', dir], { cwd: REPO, maxBuffer: 16 << 20 });
  const [packed] = JSON.parse(stdout) as { filename: string; size: number; unpackedSize: number }[];
  const tarball = join(dir, packed!.filename);
  const app = join(dir, 'app');
  mkdirSync(join(app, 'public'), { recursive: true });
  cpSync(join(FIXTURE, 'src'), join(app, 'src'), { recursive: true });
  cpSync(join(REPO, 'test/fixtures/scientific-items.jsonl'), join(app, 'public/items.jsonl'));
  const devDependencies = Object.fromEntries(STORE_PACKAGES.map((name) => [name, versionOf(name)]));
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'fixture-store', private: true, type: 'module', devDependencies }, null, 2));
  const npm = (args: string[]) => run('npm', [...args, '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], { cwd: app, maxBuffer: 16 << 20 });
  await npm(['install']);
  const before = readdirSync(join(app, 'node_modules')).length;
  const { stdout: added } = await npm(['install', tarball]);
  const installedPackages = Number(/added (\d+) package/.exec(added)?.[1] ?? 0) || readdirSync(join(app, 'node_modules')).length - before;
  return {
    dir: app,
    tarball,
    packBytes: packed!.size,
    unpackedBytes: packed!.unpackedSize,
    installedBytes: bytesUnder(join(app, 'node_modules/localrec')),
    installedPackages,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

/** The store's index.html: a mount point for the framework pages, the list, and the script. */
function page(script: string, module = true): string {
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Fixture store</title></head>\n<body><div id="app"></div><ul id="recs"></ul><script ${module ? 'type="module" ' : ''}src="${script}"></script></body></html>\n`;
}

/** A running page of the fixture store, built with one bundler. */
export interface BuiltStore {
  url: string;
  /** The files the bundler wrote (none for the dev server). */
  outDir: string | null;
  /** The requests the static server saw (none recorded for Vite's own servers). */
  server: StaticServer | null;
  close(): Promise<void>;
}

async function waitForUrl(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: the server exited: ${log()}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((done) => setTimeout(done, 250));
  }
  throw new Error(`${url} did not answer within 60 s: ${log()}`);
}

async function viteServer(dir: string, args: string[]): Promise<BuiltStore> {
  const port = await freePort();
  const child = spawn(join(dir, 'node_modules/.bin/vite'), [...args, '--host', '127.0.0.1', '--port', String(port), '--strictPort'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  await waitForUrl(`${url}/`, child, () => output);
  return {
    url,
    outDir: args[0] === 'preview' ? join(dir, 'dist') : null,
    server: null,
    close: async () => {
      child.kill();
      await new Promise((done) => (child.exitCode !== null ? done(null) : child.once('exit', done)));
    },
  };
}

/** A vite config file of the fixture store (the plain build uses an empty one). */
function writeViteConfig(dir: string, text: string): string {
  const file = join(dir, 'vite.config.mjs');
  writeFileSync(file, text);
  return file;
}

/** Serves a build the way a single-page app's host does: any missing path answers with index.html. */
async function serveBuild(outDir: string): Promise<BuiltStore> {
  cpSync(join(outDir, '..', 'public/items.jsonl'), join(outDir, 'items.jsonl'));
  const server = await startStaticServer(outDir, { spaFallback: true });
  return { url: server.url, outDir, server, close: () => server.close() };
}

/** Builds the store with `bundler` (its plain configuration: no copying, no workerUrl) and serves it. */
export async function buildStore(store: FixtureStore, bundler: Bundler, entry = ENTRY[bundler]): Promise<BuiltStore> {
  const dir = store.dir;
  const node = (script: string) => run(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, maxBuffer: 16 << 20 });
  switch (bundler) {
    case 'vite-dev':
      writeFileSync(join(dir, 'index.html'), page(`/${entry}`));
      return viteServer(dir, []);
    case 'vite-build':
    case 'vite-build-es-workers': {
      writeFileSync(join(dir, 'index.html'), page(`/${entry}`));
      const config = bundler === 'vite-build-es-workers' ? ['--config', writeViteConfig(dir, "export default { worker: { format: 'es' } };\n")] : ['--config', writeViteConfig(dir, 'export default {};\n')];
      await run(join(dir, 'node_modules/.bin/vite'), ['build', '--logLevel', 'warn', ...config], { cwd: dir });
      return viteServer(dir, ['preview', ...config]);
    }
    case 'webpack': {
      const out = join(dir, 'out-webpack');
      await node(`
        import webpack from 'webpack';
        const stats = await new Promise((done, fail) => webpack({ mode: 'production', entry: './${entry}', output: { path: ${JSON.stringify(out)}, clean: true } }, (error, result) => (error ? fail(error) : done(result))));
        if (stats.hasErrors()) { console.error(stats.toString('errors-only')); process.exit(1); }
      `);
      writeFileSync(join(out, 'index.html'), page('/main.js', false));
      return serveBuild(out);
    }
    case 'rollup': {
      const out = join(dir, 'out-rollup');
      await node(`
        import { rollup } from 'rollup';
        import { nodeResolve } from '@rollup/plugin-node-resolve';
        import { localrecRollup } from 'localrec/bundler';
        const bundle = await rollup({ input: './${entry}', plugins: [nodeResolve(), localrecRollup()] });
        await bundle.write({ dir: ${JSON.stringify(out)}, format: 'es' });
      `);
      writeFileSync(join(out, 'index.html'), page(`/${basename(entry)}`));
      return serveBuild(out);
    }
    case 'esbuild': {
      const out = join(dir, 'out-esbuild');
      await node(`
        import * as esbuild from 'esbuild';
        import { localrecEsbuild } from 'localrec/bundler';
        await esbuild.build({ entryPoints: ['./${entry}'], bundle: true, format: 'esm', outdir: ${JSON.stringify(out)}, plugins: [localrecEsbuild()], logLevel: 'warning' });
      `);
      writeFileSync(join(out, 'index.html'), page(`/${basename(entry)}`));
      return serveBuild(out);
    }
  }
}

/**
 * Runs the store's own unit tests, its code against localrec/testing: the ES-module suite with
 * vitest (src/*.test.js), the CommonJS one with Node's test runner (src/*.node-test.cjs).
 */
export async function runStoreTests(store: FixtureStore): Promise<{ vitest: string; commonjs: string }> {
  const options = { cwd: store.dir, maxBuffer: 16 << 20, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } };
  const vitest = await run(join(store.dir, 'node_modules/.bin/vitest'), ['run', '--reporter=verbose'], options);
  const commonjs = await run(process.execPath, ['--test', 'src/picks.node-test.cjs'], options);
  return { vitest: vitest.stdout + vitest.stderr, commonjs: commonjs.stdout + commonjs.stderr };
}

/** Every JavaScript file a build wrote, relative to its folder. */
export function builtScripts(outDir: string): string[] {
  return filesUnder(outDir).filter((file) => file.endsWith('.js'));
}
