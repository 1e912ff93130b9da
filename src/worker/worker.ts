// The worker entry: a few lines that expose the engine to the page through comlink.
import { expose } from 'comlink';
import { registerErrorTransfer } from '../shared/error-transfer';
import { createWorkerApi } from './worker-api';
import { wasmFileUrls } from './wasm-files';

registerErrorTransfer();
expose(createWorkerApi({ wasmPaths: wasmFileUrls(), trainInWorker: true }));
