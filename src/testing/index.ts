// localrec/testing: the same API as `localrec`, with the engine in this thread (no Web Worker),
// the history in memory and TensorFlow.js on its plain-JavaScript CPU backend, so a store's
// jest or vitest suite runs its own code against real recommendations. Model packs are not
// loaded: recommendations come from the content model (status().backendReason says so).
import '@tensorflow/tfjs-backend-cpu';
import { env } from '@tensorflow/tfjs-core';
import { LocalrecError } from '../shared/errors';
import type { RemoteMethod } from '../shared/contract';
import type { RecommenderOptions } from '../shared/types';
import type { RecommenderStatus } from '../shared/status';
import { toEngineConfig } from '../client/validate-options';
import { recommenderHandle, type StartingRecommender } from '../client/recommender-handle';
import { Engine } from '../worker/engine';

export type { LocalRecommender, RecommenderChange, StartingRecommender } from '../client/recommender-handle';
export type { Recommender } from '../shared/contract';
export { LocalrecError, ERROR_CODES, isLocalrecError, type ErrorCode } from '../shared/errors';
export type * from '../shared/types';
export type * from '../shared/status';

const NOTE = 'localrec/testing: the engine runs in this thread, on the CPU backend, with the history in memory; model packs are not loaded';

/**
 * The test double of `createRecommender`: same options, same handle, same typed errors, no worker.
 * Every recommender starts with an empty history, kept in memory only (`storage.persist` is ignored).
 * @example
 * import { createRecommender } from 'localrec/testing';
 * const rec = await createRecommender({ catalog: [{ id: 'a', title: 'Blue duct tape' }, { id: 'b', title: 'Red duct tape' }] });
 * await rec.track({ type: 'view', itemId: 'a' });
 * expect((await rec.recommend({ k: 1 }))[0].itemId).toBe('b');
 * @throws LocalrecError (the promise rejects) INVALID_OPTIONS | CATALOG_INVALID | CATALOG_EMPTY | CATALOG_FETCH_FAILED
 */
export function createRecommender(options: RecommenderOptions): StartingRecommender {
  // tfjs would advise every test run in Node to install its native backend.
  env().set('IS_TEST', true);
  let engine: Engine | null = null;
  let stopped = false;
  const disposed = () => new LocalrecError('DISPOSED', 'This recommender was disposed.');
  const withNote = (status: RecommenderStatus): RecommenderStatus => ({ ...status, backendReason: `${NOTE}. ${status.backendReason}` });
  let boot: Promise<RecommenderStatus>;
  try {
    const { models: _models, reasons: _reasons, modelsIntegrity: _m, reasonsIntegrity: _r, ...config } = toEngineConfig(options);
    boot = Engine.create({ ...config, backend: 'cpu', persist: false }, options.onProgress).then((created) => {
      if (stopped) {
        created.dispose();
        throw disposed();
      }
      engine = created;
      return withNote(created.status());
    });
  } catch (error) {
    boot = Promise.reject(error);
  }
  return recommenderHandle({
    boot,
    async call(method: RemoteMethod, args: unknown[]) {
      if (stopped || !engine) throw disposed();
      const value = await engine.answer(method, args);
      if (stopped) throw disposed();
      // What crosses the worker boundary is a copy; so is what this returns.
      return { value: value === undefined ? value : structuredClone(value), status: withNote(engine.status()) };
    },
    dispose() {
      stopped = true;
      engine?.dispose();
      engine = null;
    },
    isStopped: () => stopped,
  });
}
