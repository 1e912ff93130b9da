// The page of `npm run eval -- --browser`: takes the job from the URL, runs it in a module worker
// and hands every message to the controlling process (window.localrecEval, exposed by Playwright).
import type { BrowserEvalJob, BrowserEvalMessage } from './eval-worker';

declare global {
  interface Window {
    localrecEval?: (message: BrowserEvalMessage) => void;
  }
}

const params = new URLSearchParams(location.search);
const job: BrowserEvalJob = JSON.parse(params.get('job') ?? '{}') as BrowserEvalJob;
const worker = new Worker(new URL('./eval-worker.ts', import.meta.url), { type: 'module', name: 'localrec-eval' });
const deliver = (message: BrowserEvalMessage): void => window.localrecEval?.(message);
worker.onmessage = (event: MessageEvent<BrowserEvalMessage>) => deliver(event.data);
worker.onerror = (event) => deliver({ kind: 'error', message: `worker failed: ${event.message}` });
worker.postMessage(job);
