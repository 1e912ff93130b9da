// The JS heap of a page's dedicated workers, read over the Chrome DevTools Protocol: workers have
// no performance.memory, so the bench asks V8 (Runtime.getHeapUsage) from outside.
import type { BrowserContext, Page } from 'playwright-core';

export interface WorkerHeap {
  /** The worker's name (`localrec` for the serving worker). */
  name: string;
  usedBytes: number;
  totalBytes: number;
  /** ArrayBuffer backing stores (typed arrays, the WASM memory), outside the V8 heap; null where the browser does not report them. */
  backingStoreBytes: number | null;
}

/** Heap use of each dedicated worker the page started (not nested ones). */
export async function workerHeaps(context: BrowserContext, page: Page): Promise<WorkerHeap[]> {
  const cdp = await context.newCDPSession(page);
  const attached: { sessionId: string; targetInfo: { type: string; title: string } }[] = [];
  const pending = new Map<string, (result: { usedSize: number; totalSize: number; backingStorageSize?: number }) => void>();
  cdp.on('Target.attachedToTarget', (event) => attached.push(event as (typeof attached)[number]));
  cdp.on('Target.receivedMessageFromTarget', (event) => {
    const message = JSON.parse((event as { message: string }).message) as { id?: number; result?: { usedSize: number; totalSize: number; backingStorageSize?: number } };
    if (message.id === 1 && message.result) pending.get((event as { sessionId: string }).sessionId)?.(message.result);
  });
  try {
    await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const out: WorkerHeap[] = [];
    for (const target of attached.filter((a) => a.targetInfo.type === 'worker')) {
      const usage = await Promise.race([
        new Promise<{ usedSize: number; totalSize: number; backingStorageSize?: number }>((resolve) => {
          pending.set(target.sessionId, resolve);
          // Collect garbage first: what is measured is what the worker keeps, not what it dropped.
          // Twice, a moment apart: V8 frees dead ArrayBuffers' memory on a background sweeper, so
          // one collection right before the reading left 70–140 MB at 100k items from run to run.
          const gc = () => void cdp.send('Target.sendMessageToTarget', { sessionId: target.sessionId, message: JSON.stringify({ id: 2, method: 'HeapProfiler.collectGarbage' }) });
          gc();
          setTimeout(() => {
            gc();
            setTimeout(() => void cdp.send('Target.sendMessageToTarget', { sessionId: target.sessionId, message: JSON.stringify({ id: 1, method: 'Runtime.getHeapUsage' }) }), 300);
          }, 300);
        }),
        new Promise<null>((resolve) => setTimeout(() => resolve(null), 5000)),
      ]);
      if (usage) out.push({ name: target.targetInfo.title, usedBytes: usage.usedSize, totalBytes: usage.totalSize, backingStoreBytes: usage.backingStorageSize ?? null });
    }
    return out;
  } finally {
    await cdp.detach().catch(() => undefined);
  }
}
