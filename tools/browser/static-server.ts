// A tiny static file server for browser tests and benchmarks: serves the repository root on
// 127.0.0.1 and records every request it receives (method, path, body), so tests can check what
// left the page.
import { createReadStream, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.jsonl': 'application/x-ndjson',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
  '.bin': 'application/octet-stream',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

export interface RecordedRequest {
  method: string;
  url: string;
  body: string;
}

export interface StaticServer {
  url: string;
  requests: RecordedRequest[];
  /** Extra response headers for every response (e.g. a Content-Security-Policy). */
  headers: Record<string, string>;
  close(): Promise<void>;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((done) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => done(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => done(''));
  });
}

export interface StaticServerOptions {
  /** Answer every missing path with the root's index.html (200, text/html), as a single-page app's host does. */
  spaFallback?: boolean;
}

export async function startStaticServer(root = process.cwd(), options: StaticServerOptions = {}): Promise<StaticServer> {
  const base = resolve(root);
  const requests: RecordedRequest[] = [];
  const headers: Record<string, string> = {};
  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req);
    requests.push({ method: req.method ?? '', url: req.url ?? '', body });
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    let file = normalize(join(base, path));
    if (!file.startsWith(base)) {
      res.writeHead(403).end();
      return;
    }
    try {
      if (options.spaFallback && !isFile(file) && !isFile(join(file, 'index.html'))) file = join(base, 'index.html');
      if (statSync(file).isDirectory()) file = join(file, 'index.html');
      const { size, mtime, mtimeMs } = statSync(file);
      res.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'content-length': size,
        'cache-control': 'no-store',
        // The validators every static host sends (nginx, S3, Vite's preview): the library compares them.
        etag: `W/"${size.toString(16)}-${Math.round(mtimeMs).toString(16)}"`,
        'last-modified': mtime.toUTCString(),
        ...headers,
      });
      createReadStream(file).pipe(res);
    } catch {
      res.writeHead(404, headers).end('not found');
    }
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    headers,
    close: () => new Promise((done) => server.close(() => done())),
  };
}
