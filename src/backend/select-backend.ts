import * as tf from '@tensorflow/tfjs-core';
import { LocalrecError } from '../shared/errors';
import { useBackend } from './use-backend';
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

async function tryBackend(name: BackendName, wasmPaths: string | undefined): Promise<void> {
  await useBackend(name, wasmPaths);
  await selfCheck();
}

/** Which backends to try, best first, and why, for a preference on this device. */
async function plan(preference: BackendPreference, adapter: AdapterInfo | null): Promise<{ order: BackendName[]; reason: string }> {
  if (preference !== 'auto') {
    return { order: CHAIN.slice(CHAIN.indexOf(preference)), reason: `'${preference}' was requested` };
  }
  if (adapter && !isSoftwareAdapter(adapter)) {
    return { order: CHAIN, reason: `auto: hardware WebGPU adapter (${adapter.vendor || 'unknown vendor'} ${adapter.architecture})`.trim() };
  }
  const why = adapter
    ? `the WebGPU adapter is software (${adapter.architecture || adapter.vendor || 'fallback'})`
    : 'no WebGPU adapter';
  const renderer = webGlRenderer();
  if (renderer && !SOFTWARE_RENDERER.test(renderer)) {
    return { order: ['webgl', 'wasm', 'cpu'], reason: `auto: ${why}; hardware WebGL (${renderer})` };
  }
  return {
    order: ['wasm', 'cpu'],
    reason: `auto: ${why} and ${renderer ? `WebGL renders in software (${renderer})` : 'no WebGL2'}; WASM is far faster than software GPU emulation`,
  };
}

/**
 * Picks and initialises a tfjs backend. `auto` takes WebGPU only on a hardware adapter (a
 * software adapter such as SwiftShader is ~60× slower than WASM), and every choice falls back
 * down the chain on failure, recording why.
 * @throws LocalrecError BACKEND_UNAVAILABLE when nothing works.
 */
export async function selectBackend(preference: BackendPreference, wasmPaths?: string): Promise<BackendChoice> {
  const adapter = await probeWebGpuAdapter();
  const { order, reason } = await plan(preference, adapter);
  const failures: BackendChoice['failures'] = [];
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
