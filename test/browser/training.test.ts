import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserEnv, type BrowserEnv, type TestWindow } from './browser-env';

// Real office items and anonymous baskets (the fixture slice), trained in the worker.
const CATALOG = '/test/fixtures/office-slice/items.jsonl';
const BASKETS = '/test/fixtures/office-slice/interactions.csv';
let env: BrowserEnv;
beforeAll(async () => {
  env = await startBrowserEnv();
});
afterAll(async () => {
  await env?.close();
});

type Rec = Awaited<ReturnType<TestWindow['localrec']['createRecommender']>>;

describe('on-device training in the worker', () => {
  it('keeps answering recommend() while training, and a reload resumes from the last checkpoint', async () => {
    const { context, page } = await env.open('esm');
    const first = await page.evaluate(
      async ({ catalog, baskets }) => {
        const { createRecommender } = (window as unknown as TestWindow).localrec;
        const rec = await createRecommender({ catalog, storage: { dbName: 'training' } });
        const first = (await rec.recommend({ k: 1 }))[0]!;
        await rec.track({ type: 'view', itemId: first.itemId });
        const progress: { epoch?: number; overall: number }[] = [];
        let epochOneDone!: () => void;
        const epochOne = new Promise<void>((resolve) => (epochOneDone = resolve));
        void rec
          .train({ interactions: baskets, epochs: 6, hidden: 64, latent: 32, onProgress: (p) => {
            progress.push({ epoch: p.epoch, overall: p.overall });
            if ((p.epoch ?? 0) >= 3) epochOneDone();
          } })
          .catch(() => undefined);
        // Serving during training: every call must come back while training is running.
        const latencies: number[] = [];
        for (let i = 0; i < 10; i++) {
          const t = performance.now();
          await rec.recommend({ k: 5 });
          latencies.push(performance.now() - t);
        }
        await epochOne;
        return { progress: progress.length, latencies };
      },
      { catalog: CATALOG, baskets: BASKETS },
    );
    expect(first.latencies).toHaveLength(10);
    expect(first.progress).toBeGreaterThan(0);

    // Reload in the middle of training: the next train() resumes from the saved epoch.
    await page.reload();
    await page.waitForFunction(() => document.body.dataset.ready === 'true');
    const second = await page.evaluate(
      async ({ catalog, baskets }) => {
        const { createRecommender } = (window as unknown as TestWindow).localrec;
        const rec = await createRecommender({ catalog, storage: { dbName: 'training' } });
        const report = await rec.train({ interactions: baskets, epochs: 6, hidden: 64, latent: 32 });
        const status = rec.status();
        const recs = await rec.recommend({ k: 5, explain: true });
        await rec.forget();
        rec.dispose();
        return { report, modelVersion: status.modelVersion, recs: recs.length, reason: recs[0]?.reason ?? '' };
      },
      { catalog: CATALOG, baskets: BASKETS },
    );
    expect(second.report.resumedFromEpoch).toBeGreaterThanOrEqual(2);
    expect(second.report.epochs).toBe(6);
    expect(second.report.backend).toBe('wasm');
    expect(second.report.where).toBe('training-worker');
    expect(second.report.memory.peakTensorBytes).toBeGreaterThanOrEqual(second.report.memory.steadyTensorBytes);
    expect(second.report.memory.steadyTensorBytes).toBeGreaterThan(0);
    expect(second.modelVersion).toMatch(/on-device/);
    expect(second.recs).toBe(5);
    // The trained model serves with reasons: one citing the viewed item where the pick relates to
    // it, else the general sentence (an unrelated pick never claims the viewed item as its reason).
    expect(second.reason).toMatch(/(\byou viewed “|^Picked for you from what you have browsed so far\.$)/i);
    await context.close();
  });
});

describe('a lost GPU device during training', () => {
  it('goes on from the last checkpoint on the next backend and reports the loss', async () => {
    const { context, page } = await env.open('esm');
    const trainingWorker = new Promise<import('playwright-core').Worker>((resolve) =>
      page.on('worker', (worker) => {
        if (/train/.test(worker.url())) resolve(worker);
      }),
    );
    await page.evaluate(
      async ({ catalog, baskets }) => {
        const w = window as unknown as TestWindow & { progress: { epoch?: number; backend?: string }[]; training: Promise<unknown> };
        const rec = await w.localrec.createRecommender({ catalog, backend: 'webgpu', storage: { dbName: 'device-lost' } });
        w.progress = [];
        w.training = rec
          .train({ interactions: baskets, epochs: 4, hidden: 32, latent: 16, sliceSteps: 4, onProgress: (p) => w.progress.push({ epoch: p.epoch, backend: p.backend }) })
          .then(async (report) => ({ report, recs: (await rec.recommend({ k: 3 })).length, status: rec.status() }))
          .catch((error: { code?: string; message?: string }) => ({ error: `${error.code}: ${error.message}` }));
      },
      { catalog: CATALOG, baskets: BASKETS },
    );
    // After epoch 1's checkpoint, destroy the training worker's GPU device as a driver reset would.
    await page.waitForFunction(() => (window as unknown as { progress: { epoch?: number }[] }).progress.some((p) => (p.epoch ?? 0) >= 2), null, { timeout: 120_000 });
    const worker = await trainingWorker;
    await worker.evaluate(() => {
      const proto = GPUDevice.prototype;
      const original = proto.createCommandEncoder;
      proto.createCommandEncoder = function (this: GPUDevice, ...args: Parameters<GPUDevice['createCommandEncoder']>) {
        proto.createCommandEncoder = original;
        this.destroy();
        return original.apply(this, args);
      };
    });
    const outcome = (await page.evaluate(() => (window as unknown as { training: Promise<unknown> }).training)) as {
      error?: string;
      report: { backend: string; backendFailures: { backend: string; error: string }[]; resumedFromEpoch: number; epochs: number };
      recs: number;
    };
    const progress = (await page.evaluate(() => (window as unknown as { progress: { backend?: string }[] }).progress)) as { backend?: string }[];
    expect(outcome.error).toBeUndefined();
    expect(outcome.report.backendFailures).toHaveLength(1);
    expect(outcome.report.backendFailures[0]!.backend).toBe('webgpu');
    expect(outcome.report.backendFailures[0]!.error).toMatch(/lost/);
    expect(outcome.report.backend).not.toBe('webgpu');
    expect(outcome.report.resumedFromEpoch).toBeGreaterThanOrEqual(1);
    expect(outcome.report.epochs).toBe(4);
    expect(outcome.recs).toBe(3);
    expect(progress[0]!.backend).toBe('webgpu');
    expect(progress.at(-1)!.backend).toBe(outcome.report.backend);
    await context.close();
  }, 240_000);
});
