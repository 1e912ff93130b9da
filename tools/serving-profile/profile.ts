// `npm run bench -- serving-profile [--sizes 10000,100000] [--rounds 1000]`: where one
// recommend()'s time goes inside the worker, and how far the largest part is from what this machine
// can do. The serving bench's synthetic store and pack (.bench/, made by `npm run train` if missing)
// served by the library's Engine in Node on tfjs WASM: the same code the Chromium worker runs, timed
// by wrapping its stages in one live engine (each stage's time includes the stages inside it; the
// record gives each stage less its inner ones). Chromium's worker adds the messages to and from the
// page, which `npm run bench -- serving` reports (page time against status().lastCall).
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { Engine } from '../../src/worker/engine';
import type { ServingState } from '../../src/worker/serving-state';
import type { Item } from '../../src/shared/types';
import { startStaticServer } from '../browser/static-server';
import { servingStore } from '../bench-serving';

type Json = Record<string, unknown>;

/** The stages wrapped, outermost first: [name, what it covers]. */
const STAGES = [
  ['call', 'engine.answer("recommend"): options and rules checked, events read, the stages below, top k with the rules, result objects'],
  ['scores', 'HybridScorer.scoreHistoryValues: every row\'s score (blend, standardised; new-item bridge and query evidence when they apply)'],
  ['blend', 'CollaborativeModel.scoreHistories: the VAE and the item-item parts, read back and combined in JS'],
  ['vae', 'VaeNetwork.scoreSparse: the fold-in (the history\'s rows of the first layer, the encoder) and the decoder'],
  ['decoder', 'VaeNetwork.decode: the decoder, whose last layer is the one item-sized product (hidden x items)'],
] as const;

type Stage = (typeof STAGES)[number][0];

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p95 = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)]!;
const round = (x: number, digits = 3): number => Number(x.toFixed(digits));

/** Wraps `object[method]` so that each call's wall time (until its promise settles) is pushed to `into`. */
function timeMethod(object: Record<string, unknown>, method: string, into: number[]): void {
  const original = (object[method] as (...a: unknown[]) => unknown).bind(object);
  object[method] = (...args: unknown[]) => {
    const started = performance.now();
    const out = original(...args);
    if (out instanceof Promise) return out.finally(() => into.push(performance.now() - started));
    into.push(performance.now() - started);
    return out;
  };
}

/**
 * What a native copy (TypedArray.set, a memcpy) of `bytes` moves per second on this thread, in
 * GB/s of bytes copied (each read once and written once). A one-row product reads every weight of
 * its matrix once: a product that reads its weights as fast as a copy moves them is at the
 * memory system's limit for one thread.
 */
function copyRate(bytes: number, rounds = 30): number {
  const from = new Float32Array(bytes / 4).fill(1);
  const to = new Float32Array(bytes / 4);
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const started = performance.now();
    to.set(from);
    times.push(performance.now() - started);
  }
  return bytes / (median(times) / 1000) / 1e9;
}

export async function servingProfile(sizes: number[], rounds: number, emit: (record: Json) => void): Promise<void> {
  for (const size of sizes) {
    const { data, pack } = servingStore(size);
    const items = readFileSync(join(data, 'items.jsonl'), 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Item);
    const server = await startStaticServer(resolve(pack, '..'));
    const engine = await Engine.create({ catalog: items, backend: 'wasm', dbName: `serving-profile-${size}`, maxEvents: 100, persist: false, models: `${server.url}/${pack.split('/').at(-1)}/` });
    try {
      // The serving bench's shopper: five views from one leaf category.
      const ids = (await engine.search('leaf1', { k: 50 })).map((r) => r.itemId);
      for (let i = 0; i < 5; i++) await engine.track({ type: 'view', itemId: ids[i % ids.length]! });
      const state = (engine as unknown as { state: ServingState }).state;
      const collaborative = state.scorer.collaborativeModel;
      if (!collaborative) throw new Error(`the pack in ${pack} did not load`);
      const network = collaborative.network as unknown as Record<string, unknown>;
      const times: Record<Stage, number[]> = { call: [], scores: [], blend: [], vae: [], decoder: [] };
      timeMethod(state.scorer as unknown as Record<string, unknown>, 'scoreHistoryValues', times.scores);
      timeMethod(collaborative as unknown as Record<string, unknown>, 'scoreHistories', times.blend);
      timeMethod(network, 'scoreSparse', times.vae);
      timeMethod(network, 'decode', times.decoder);
      for (let r = 0; r < 50; r++) await engine.answer('recommend', [{ k: 12 }]); // warm-up
      for (const list of Object.values(times)) list.length = 0;
      for (let r = 0; r < rounds; r++) {
        const started = performance.now();
        await engine.answer('recommend', [{ k: 12 }]);
        times.call.push(performance.now() - started);
      }
      // Each stage less the one inside it, call by call.
      const less = (outer: number[], inner: number[]): number[] => outer.map((t, i) => t - (inner[i] ?? 0));
      const own: Record<Stage, number[]> = {
        call: less(times.call, times.scores),
        scores: less(times.scores, times.blend),
        blend: less(times.blend, times.vae),
        vae: less(times.vae, times.decoder),
        decoder: times.decoder,
      };
      const { hidden } = (collaborative.network as unknown as { arch: { hidden: number } }).arch;
      const decoderBytes = 4 * hidden * size;
      const rate = copyRate(decoderBytes);
      const decoderMs = median(times.decoder);
      emit({
        bench: 'serving-profile',
        unit: 'ms',
        items: size,
        backend: tf.getBackend(),
        model: engine.status().modelVersion,
        rounds,
        recommend: { p50: round(median(times.call)), p95: round(p95(times.call)) },
        stages: Object.fromEntries(STAGES.map(([name, covers]) => [name, { ownP50: round(median(own[name])), covers }])),
        limit: {
          decoderWeightBytes: decoderBytes,
          decoderP50: round(decoderMs),
          decoderReadGBs: round(decoderBytes / (decoderMs / 1000) / 1e9, 1),
          copyGBs: round(rate, 1),
          note: 'the decoder\'s product reads decoderWeightBytes once a call (decoderReadGBs); a native copy of an array of that size moves copyGBs (each byte read and written). A product reading its weights as fast as a copy moves them is at the memory system\'s limit for one thread: only fewer weight bytes or more threads make it faster',
        },
      });
      const o = (s: Stage): string => String(round(median(own[s]), 2));
      console.error(
        `${size} items: recommend p50 ${round(median(times.call), 2)} ms = decoder ${o('decoder')} + fold-in ${o('vae')} + blend ${o('blend')} + scorer ${o('scores')} + rules/top-k/results ${o('call')}; the decoder reads its ${round(decoderBytes / 1e6, 0)} MB of weights at ${round(decoderBytes / (decoderMs / 1000) / 1e9, 1)} GB/s; a copy of that size moves ${round(rate, 1)} GB/s`,
      );
    } finally {
      engine.dispose();
      await server.close();
    }
  }
}
