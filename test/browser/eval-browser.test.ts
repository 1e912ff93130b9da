import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../tools/io/dataset-node';
import { runProtocol } from '../../eval/run-protocol';
import { runEvalInBrowser } from '../../eval/run-in-browser';

const OFFICE = fileURLToPath(new URL('../fixtures/office-slice', import.meta.url));

describe('npm run eval -- --browser', () => {
  it('gives the Node figures for the baselines and the VAE, computed in a Chromium worker', async () => {
    const models = ['popular', 'itemknn', 'ease', 'vae'];
    const inBrowser = await runEvalInBrowser({ dataDir: OFFICE, protocol: 'loo', models, seed: 42 });
    const inNode = await runProtocol({ data: loadDataset(OFFICE), protocol: 'loo', seed: 42, models });
    expect(inBrowser.map((r) => r.model)).toEqual(models);
    inBrowser.forEach((record, i) => {
      expect(record.dataset).toBe('office-slice');
      expect((record.settings as { runtime: string }).runtime).toMatch(/^chromium worker/);
      const node = inNode[i]!.metrics;
      const browser = record.metrics as Record<string, number>;
      expect(Object.keys(browser)).toEqual(Object.keys(node));
      // Same split, same seeded initialisation and the same WASM kernels: equal up to float noise.
      for (const key of Object.keys(node)) expect(Math.abs(browser[key]! - node[key]!)).toBeLessThanOrEqual(0.002);
    });
    expect((inBrowser.find((r) => r.model === 'vae')!.metrics as Record<string, number>)['HR@10']).toBeGreaterThan(0);
  }, 180_000);
});
