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
    expect(second.modelVersion).toMatch(/on-device/);
    expect(second.recs).toBe(5);
    expect(second.reason).toMatch(/^Because you viewed/);
    await context.close();
  });
});
