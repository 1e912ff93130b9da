// `npm run eval -- --browser`: the same protocols and models as the Node command, run inside a
// module worker of headless Chromium on tfjs' WASM backend (what a shopper's browser without a GPU
// runs). The page (eval-page.ts) starts it; records go back by postMessage.
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { buildDataset, parseInteractions, parseItems } from '../dataset';
import { runProtocol } from '../run-protocol';
import { runSearchProtocol } from '../search-protocol';
import type { ProtocolName } from '../model-registry';

export interface BrowserEvalJob {
  /** URL of the dataset folder (ends with '/'). */
  dataUrl: string;
  name: string;
  protocol: ProtocolName | 'search';
  models: string[];
  seed: number;
  /** Where tfjs finds its .wasm binaries. */
  wasmPaths: string;
}

export type BrowserEvalMessage =
  | { kind: 'record'; record: Record<string, unknown> }
  | { kind: 'progress'; event: Record<string, unknown> }
  | { kind: 'done' }
  | { kind: 'error'; message: string };

const post = (message: BrowserEvalMessage): void => postMessage(message);

async function fetchText(url: string, optional: boolean): Promise<string | null> {
  const response = await fetch(url);
  if (!response.ok) {
    if (optional) return null;
    throw new Error(`GET ${url}: HTTP ${response.status}`);
  }
  return response.text();
}

async function run(job: BrowserEvalJob): Promise<void> {
  setWasmPaths(job.wasmPaths);
  const csv = await fetchText(`${job.dataUrl}interactions.csv`, false);
  const items = await fetchText(`${job.dataUrl}items.jsonl`, true);
  const data = buildDataset(job.name, parseInteractions(csv!), items ? parseItems(items) : []);
  // Tag each record with where it ran; the figures and keys are the Node command's.
  const tag = (record: object): Record<string, unknown> => {
    const r = record as { settings?: Record<string, unknown> };
    return { ...r, settings: { ...r.settings, runtime: `chromium worker (${navigator.userAgent.match(/Chrom(e|ium)\/[\d.]+/)?.[0] ?? 'unknown'})`, tfBackend: tf.getBackend() } };
  };
  if (job.protocol === 'search') {
    for (const [i, interestModel] of job.models.entries()) {
      const [lexical, personalised] = await runSearchProtocol({ data, seed: job.seed, interestModel });
      if (job.models.length > 1) personalised!.model = `search-personalised:${interestModel}`;
      for (const record of i === 0 ? [lexical!, personalised!] : [personalised!]) post({ kind: 'record', record: tag(record) });
    }
    return;
  }
  await runProtocol({
    data,
    protocol: job.protocol,
    seed: job.seed,
    models: job.models,
    onRecord: (record) => post({ kind: 'record', record: tag(record) }),
    onProgress: (event) => post({ kind: 'progress', event: { ...event } }),
  });
}

onmessage = (event: MessageEvent<BrowserEvalJob>) => {
  run(event.data).then(
    () => post({ kind: 'done' }),
    (error: unknown) => post({ kind: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
};
