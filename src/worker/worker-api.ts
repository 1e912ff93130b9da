import { PROGRESS_METHODS, REMOTE_METHODS, type ProgressPort, type WorkerApi } from '../shared/contract';

export type { WorkerApi };
import { LocalrecError } from '../shared/errors';
import { holdLifeLock } from '../shared/worker-connection';
import type { EngineConfig } from '../shared/engine-config';
import { Engine } from './engine';

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** @param defaults filled in where the page's config leaves them out (e.g. where the WASM binaries are). */
export function createWorkerApi(defaults: Partial<EngineConfig> = {}): WorkerApi {
  let engine: Engine | null = null;
  return {
    async init(config, onProgress, lifeLock) {
      if (engine) throw new LocalrecError('INTERNAL', 'init() was called twice.');
      if (lifeLock) await holdLifeLock(lifeLock);
      // Progress goes to the page over its own port: wait until every event is delivered, so the
      // page has seen 'ready' before init() resolves.
      const deliveries: Promise<unknown>[] = [];
      const forward = onProgress ? (event: Parameters<ProgressPort>[0]) => void deliveries.push(Promise.resolve(onProgress(event)).catch(() => undefined)) : undefined;
      engine = await Engine.create({ ...defaults, ...stripUndefined(config) }, forward);
      await Promise.all(deliveries);
      return engine.status();
    },
    async call(method, args, onProgress) {
      if (!engine) throw new LocalrecError('INTERNAL', 'The worker was used before init().');
      if (!(REMOTE_METHODS as readonly string[]).includes(method)) throw new LocalrecError('INTERNAL', `No worker method "${String(method)}".`);
      const callArgs = [...args];
      if (onProgress && PROGRESS_METHODS.has(method)) {
        const options = callArgs[0];
        callArgs[0] = { ...(typeof options === 'object' && options !== null ? options : {}), onProgress: (event: Parameters<ProgressPort>[0]) => void onProgress(event) };
      }
      const value = await engine.answer(method, callArgs);
      return { value, status: engine.status() };
    },
    dispose() {
      engine?.dispose();
      engine = null;
    },
  };
}
