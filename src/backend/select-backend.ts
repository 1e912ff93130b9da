import * as tf from '@tensorflow/tfjs-core';
import { LocalrecError } from '../shared/errors';
import { chooseByTiming, timeCurrentBackend, type BackendTiming } from './timed-choice';
import { useBackend } from './use-backend';
import type { WasmPaths } from '../shared/engine-config';
import type { BackendName, BackendPreference } from '../shared/types';

/** The WebGPU adapter seen (status().adapter). */
export interface AdapterInfo {
  vendor: string;
  architecture: string;
  isFallback: boolean;
}

export interface BackendChoice {
  backend: BackendName;
  reason: string;
  adapter: AdapterInfo | null;
  failures: { backend: BackendName; error: string }[];
}

/** Fallback order when a backend fails: webgpu → webgl → wasm → cpu. */
const CHAIN: BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

/** The backend after `backend` in the fallback chain, or null after cpu. */
export function nextBackend(backend: BackendName): BackendName | null {
  return CHAIN[CHAIN.indexOf(backend) + 1] ?? null;
}

/**
 * Resolves with the reason when the GPU device behind the current tfjs backend is lost (WebGPU's
 * `device.lost`); never resolves for backends without one.
 */
export function deviceLost(): Promise<string> {
  const device = (tf.backend() as unknown as { device?: { lost?: Promise<{ reason?: string; message?: string }> } }).device;
  const lost = tf.getBackend() === 'webgpu' ? device?.lost : undefined;
  if (!lost) return new Promise<string>(() => undefined);
  return lost.then((info) => info.message || info.reason || 'device lost');
}

interface GpuAdapterLike {
  isFallbackAdapter?: boolean;
  info?: { vendor?: string; architecture?: string; isFallbackAdapter?: boolean };
}

/** The WebGPU adapter this context would get, if any. */
export async function probeWebGpuAdapter(): Promise<AdapterInfo | null> {
  const gpu = (globalThis.navigator as { gpu?: { requestAdapter(): Promise<GpuAdapterLike | null> } } | undefined)?.gpu;
  if (!gpu) return null;
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return null;
    const vendor = adapter.info?.vendor ?? '';
    const architecture = adapter.info?.architecture ?? '';
    const isFallback = Boolean(adapter.isFallbackAdapter ?? adapter.info?.isFallbackAdapter);
    return { vendor, architecture, isFallback };
  } catch {
    return null;
  }
}

const SOFTWARE_RENDERER = /swiftshader|llvmpipe|softpipe|software|basic render/i;
/** Renderer strings that name no device: WebKit always says "Apple GPU", privacy modes say less. */
const MASKED_RENDERER = /^(apple gpu|webkit webgl|mozilla|generic renderer|)$/i;

/** Whether this context has WebGPU at all (Firefox by default and WebKit do not). */
function hasWebGpu(): boolean {
  return Boolean((globalThis.navigator as { gpu?: unknown } | undefined)?.gpu);
}

export function isSoftwareAdapter(adapter: AdapterInfo): boolean {
  return adapter.isFallback || SOFTWARE_RENDERER.test(adapter.architecture) || SOFTWARE_RENDERER.test(adapter.vendor);
}

/** The WebGL renderer string, or null when WebGL2 is unavailable here. */
function webGlRenderer(): string | null {
  try {
    if (typeof OffscreenCanvas === 'undefined') return null;
    const gl = new OffscreenCanvas(1, 1).getContext('webgl2');
    if (!gl) return null;
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return renderer;
  } catch {
    return null;
  }
}

/**
 * Runs one small matmul and checks the numbers, so "the backend is X" means a kernel really ran
 * on X and gave the right answer (a broken driver can initialise and then compute garbage).
 */
async function selfCheck(): Promise<void> {
  const product = tf.tidy(() => tf.matMul(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor2d([5, 6, 7, 8], [2, 2])));
  try {
    const values = Array.from(await product.data());
    const expected = [19, 22, 43, 50];
    if (values.some((v, i) => Math.abs(v - expected[i]!) > 1e-3)) {
      throw new Error(`self-check matmul gave ${values.join(',')}`);
    }
  } finally {
    product.dispose();
  }
}

async function tryBackend(name: BackendName, wasmPaths: WasmPaths | undefined): Promise<void> {
  if (name === 'webgpu' && !hasWebGpu()) throw new Error('WebGPU is not available in this browser');
  if (name === 'webgl' && webGlRenderer() === null) throw new Error('WebGL2 is not available in this worker');
  await useBackend(name, wasmPaths);
  await selfCheck();
}

/** Times each candidate that starts and passes the self-check here. */
async function timeBackends(candidates: readonly BackendName[], wasmPaths: WasmPaths | undefined): Promise<BackendTiming[]> {
  const timings: BackendTiming[] = [];
  for (const backend of candidates) {
    try {
      await tryBackend(backend, wasmPaths);
      timings.push({ backend, ms: await timeCurrentBackend() });
    } catch (error) {
      timings.push({ backend, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return timings;
}

/** Which backends to try, best first, and why, for a preference on this device. */
async function plan(preference: BackendPreference, adapter: AdapterInfo | null): Promise<{ order: BackendName[]; reason: string; timed?: BackendName[] }> {
  if (preference !== 'auto') {
    return { order: CHAIN.slice(CHAIN.indexOf(preference)), reason: `'${preference}' was requested` };
  }
  if (adapter && !isSoftwareAdapter(adapter)) {
    return { order: CHAIN, reason: `auto: hardware WebGPU adapter (${adapter.vendor || 'unknown vendor'} ${adapter.architecture})`.trim() };
  }
  const why = adapter
    ? `the WebGPU adapter is software (${adapter.architecture || adapter.vendor || 'fallback'})`
    : hasWebGpu()
      ? 'no WebGPU adapter'
      : 'WebGPU is not available in this browser';
  const renderer = webGlRenderer();
  if (renderer !== null && MASKED_RENDERER.test(renderer.trim())) {
    return { order: ['webgl', 'wasm', 'cpu'], reason: `${why}; the WebGL renderer is masked ("${renderer}")`, timed: ['webgl', 'wasm'] };
  }
  if (renderer && !SOFTWARE_RENDERER.test(renderer)) {
    return { order: ['webgl', 'wasm', 'cpu'], reason: `auto: ${why}; hardware WebGL (${renderer})` };
  }
  return {
    order: ['wasm', 'cpu'],
    reason: renderer
      ? `auto: ${why} and WebGL renders in software (${renderer}); WASM is far faster than software GPU emulation`
      : `auto: ${why} and WebGL2 is not available in this worker; using WASM`,
  };
}

/**
 * Picks and initialises a tfjs backend. `auto` takes WebGPU only on a hardware adapter (a
 * software adapter such as SwiftShader is ~60× slower than WASM), and every choice falls back
 * down the chain on failure, recording why.
 * @param adapterProbe probeWebGpuAdapter() begun earlier (the engine asks the GPU process while the catalog loads)
 * @throws LocalrecError BACKEND_UNAVAILABLE when nothing works.
 */
export async function selectBackend(preference: BackendPreference, wasmPaths?: WasmPaths, adapterProbe?: Promise<AdapterInfo | null>): Promise<BackendChoice> {
  const adapter = await (adapterProbe ?? probeWebGpuAdapter());
  const planned = await plan(preference, adapter);
  let { order, reason } = planned;
  const failures: BackendChoice['failures'] = [];
  if (planned.timed) {
    // The renderer cannot tell hardware from a software rasteriser: measure instead of guessing.
    const timings = await timeBackends(planned.timed, wasmPaths);
    for (const t of timings) if ('error' in t) failures.push({ backend: t.backend, error: t.error });
    const choice = chooseByTiming(timings, planned.reason);
    if (choice) {
      order = [choice.backend, ...order.filter((b) => b !== choice.backend && !failures.some((f) => f.backend === b))];
      reason = choice.reason;
    } else order = order.filter((b) => !planned.timed!.includes(b));
  }
  for (const backend of order) {
    try {
      await tryBackend(backend, wasmPaths);
      const fellBack = failures.length > 0
        ? `; ${failures.map((f) => `${f.backend} failed (${f.error})`).join('; ')}; using ${backend}`
        : '';
      return { backend, reason: reason + fellBack, adapter, failures };
    } catch (error) {
      failures.push({ backend, error: error instanceof Error ? error.message : String(error) });
    }
  }
  throw new LocalrecError('BACKEND_UNAVAILABLE', `No backend worked: ${failures.map((f) => `${f.backend}: ${f.error}`).join('; ')}`, {
    failures,
  });
}
