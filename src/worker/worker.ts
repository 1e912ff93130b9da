// The worker entry: a few lines that expose the engine to the page through comlink.
import { expose } from 'comlink';
import { registerErrorTransfer } from '../shared/error-transfer';
import { createWorkerApi } from './worker-api';

registerErrorTransfer();
// The tfjs WASM binaries are copied next to this file at build time.
const workerFolder = new URL('./', (globalThis as unknown as { location: { href: string } }).location.href).href;
expose(createWorkerApi({ wasmPaths: workerFolder, trainWorkerUrl: new URL('localrec.train-worker.js', workerFolder).href }));
