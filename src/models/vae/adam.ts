import * as tf from '@tensorflow/tfjs-core';

/** What the VAE trainers need of an optimizer. */
export interface VaeOptimizer {
  /** One Adam step on the variables named by the keys (tfjs variable names). */
  applyGradients(grads: tf.NamedTensorMap): void;
  dispose(): void;
}

const KERNEL = 'LocalrecAdamStep';

/** The slice of tfjs-backend-wasm's BackendWasm that the fused kernel touches. */
interface WasmBackendLike {
  wasm: { HEAPU8: Uint8Array; asm?: { memory?: unknown }; wasmMemory?: unknown };
  dataIdMap: { get(dataId: object): { memoryOffset: number } };
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
}

type AdamSimd = (w: number, m: number, v: number, g: number, outW: number, outM: number, outV: number, n: number, beta1: number, beta2: number, stepSize: number, epsilon: number, correction2: number) => void;

// LEB128 of the SIMD opcodes used below (after the 0xfd prefix).
const V128_LOAD = [0xfd, 0x00, 0x00, 0x00];
const V128_STORE = [0xfd, 0x0b, 0x00, 0x00];
const F32X4_SPLAT = [0xfd, 0x13];
const F32X4_SQRT = [0xfd, 0xe3, 0x01];
const F32X4_ADD = [0xfd, 0xe4, 0x01];
const F32X4_SUB = [0xfd, 0xe5, 0x01];
const F32X4_MUL = [0xfd, 0xe6, 0x01];
const F32X4_DIV = [0xfd, 0xe7, 0x01];
const get = (i: number): number[] => [0x20, i];
const set = (i: number): number[] => [0x21, i];

/**
 * A 289-byte WebAssembly module, `adam(w, m, v, g, outW, outM, outV, n, β1, β2, stepSize, ε, 1/(1−β2ᵗ))`,
 * that runs the Adam update four floats at a time (WASM SIMD) over tfjs-wasm's own memory (it
 * imports it): n a multiple of 4, pointers in bytes. Written out by hand, opcode by opcode:
 *   m' = β1·m + (1−β1)·g;  v' = β2·v + (1−β2)·g·g;  w' = w − stepSize·m' / (√(v'·c2) + ε)
 * Parameters 0–12 as listed; locals 13 i (byte offset), 14 end, 15 g, 16–22 the splatted
 * constants (β1, 1−β1, β2, 1−β2, stepSize, ε, c2), 23 m', 24 v'.
 */
function adamModuleBytes(): Uint8Array<ArrayBuffer> {
  const at = (base: number): number[] => [...get(base), ...get(13), 0x6a]; // base + i
  const splat = (param: number, local: number, oneMinus = false): number[] =>
    oneMinus ? [0x43, 0x00, 0x00, 0x80, 0x3f, ...get(param), 0x93, ...F32X4_SPLAT, ...set(local)] : [...get(param), ...F32X4_SPLAT, ...set(local)];
  const body = [
    0x02, 0x02, 0x7f, 0x0a, 0x7b, // locals: 2 × i32, 10 × v128
    ...splat(8, 16), ...splat(8, 17, true), ...splat(9, 18), ...splat(9, 19, true), ...splat(10, 20), ...splat(11, 21), ...splat(12, 22),
    ...get(7), 0x41, 0x02, 0x74, ...set(14), // end = n << 2
    0x02, 0x40, 0x03, 0x40, // block, loop
    ...get(13), ...get(14), 0x4f, 0x0d, 0x01, // if i >= end: break
    ...at(3), ...V128_LOAD, ...set(15), // g
    ...get(16), ...at(1), ...V128_LOAD, ...F32X4_MUL, ...get(17), ...get(15), ...F32X4_MUL, ...F32X4_ADD, ...set(23), // m'
    ...get(18), ...at(2), ...V128_LOAD, ...F32X4_MUL, ...get(19), ...get(15), ...F32X4_MUL, ...get(15), ...F32X4_MUL, ...F32X4_ADD, ...set(24), // v'
    ...at(5), ...get(23), ...V128_STORE,
    ...at(6), ...get(24), ...V128_STORE,
    ...at(4), ...at(0), ...V128_LOAD, // address of w', then w
    ...get(20), ...get(23), ...F32X4_MUL, ...get(24), ...get(22), ...F32X4_MUL, ...F32X4_SQRT, ...get(21), ...F32X4_ADD, ...F32X4_DIV, ...F32X4_SUB, ...V128_STORE,
    ...get(13), 0x41, 0x10, 0x6a, ...set(13), // i += 16
    0x0c, 0x00, 0x0b, 0x0b, // br loop, end loop, end block
    0x0b, // end function
  ];
  const leb = (n: number): number[] => {
    const out: number[] = [];
    do {
      let byte = n & 0x7f;
      n >>>= 7;
      if (n) byte |= 0x80;
      out.push(byte);
    } while (n);
    return out;
  };
  const section = (id: number, content: number[]): number[] => [id, ...leb(content.length), ...content];
  const text = (s: string): number[] => [s.length, ...Array.from(s, (c) => c.charCodeAt(0))];
  const funcBody = [...leb(body.length), ...body];
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [0x01, 0x60, 13, ...Array<number>(8).fill(0x7f), ...Array<number>(5).fill(0x7d), 0x00]), // (8 × i32, 5 × f32) → ()
    ...section(2, [0x01, ...text('env'), ...text('memory'), 0x02, 0x00, 0x00]), // import env.memory (min 0)
    ...section(3, [0x01, 0x00]),
    ...section(7, [0x01, ...text('adam'), 0x00, 0x00]),
    ...section(10, [0x01, ...funcBody]),
  ]);
}

/** The SIMD Adam bound to this WASM backend's memory, or null where it cannot be (no SIMD, shared memory, another build). */
function instantiateAdamSimd(b: WasmBackendLike): AdamSimd | null {
  try {
    const memory = b.wasm.asm?.memory ?? b.wasm.wasmMemory;
    if (!(memory instanceof WebAssembly.Memory)) return null;
    if (typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer) return null;
    const bytes = adamModuleBytes();
    if (!WebAssembly.validate(bytes)) return null;
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
    return instance.exports.adam as AdamSimd;
  } catch {
    return null;
  }
}

/** Per WASM backend instance: its SIMD Adam, or null where it cannot run. */
const bound = new WeakMap<object, AdamSimd | null>();

function adamFor(b: WasmBackendLike): AdamSimd | null {
  let fn = bound.get(b);
  if (fn === undefined) bound.set(b, (fn = instantiateAdamSimd(b)));
  return fn;
}

let registered = false;

/** Whether the fused kernel can run on the current backend (WASM with SIMD and unshared memory); registers it. */
function fusedAdamAvailable(): boolean {
  if (tf.getBackend() !== 'wasm' || !adamFor(tf.backend() as unknown as WasmBackendLike)) return false;
  if (registered) return true;
  registered = true;
  tf.registerKernel({
    kernelName: KERNEL,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend: kernelBackend, attrs }) => {
      const b = kernelBackend as unknown as WasmBackendLike;
      const adam = adamFor(b);
      if (!adam) throw new Error('LocalrecAdamStep: WASM SIMD is not available on this backend');
      const { w, m, v, g } = inputs as Record<'w' | 'm' | 'v' | 'g', tf.TensorInfo>;
      const { beta1, beta2, stepSize, epsilon, correction2 } = attrs as unknown as Record<'beta1' | 'beta2' | 'stepSize' | 'epsilon' | 'correction2', number>;
      const shape = w.shape.slice();
      const size = shape.reduce((a, x) => a * x, 1);
      const outs = [b.makeOutput(shape, 'float32'), b.makeOutput(shape, 'float32'), b.makeOutput(shape, 'float32')] as const;
      const offset = (t: tf.TensorInfo): number => b.dataIdMap.get(t.dataId).memoryOffset;
      const ptr = [w, m, v, g, ...outs].map(offset) as [number, number, number, number, number, number, number];
      const body = size - (size % 4);
      adam(...ptr, body, beta1, beta2, stepSize, epsilon, correction2);
      if (body < size) {
        // The last 1–3 floats, in float32 as the SIMD lanes compute them.
        const f = Math.fround;
        const buffer = b.wasm.HEAPU8.buffer;
        const [W, M, V, G, W2, M2, V2] = ptr.map((p) => new Float32Array(buffer, p, size));
        for (let i = body; i < size; i++) {
          const gi = G![i]!;
          const mi = f(f(f(beta1) * M![i]!) + f(f(1 - f(beta1)) * gi));
          const vi = f(f(f(beta2) * V![i]!) + f(f(f(1 - f(beta2)) * gi) * gi));
          M2![i] = mi;
          V2![i] = vi;
          W2![i] = W![i]! - f(f(f(stepSize) * mi) / f(f(Math.sqrt(f(vi * f(correction2)))) + f(epsilon)));
        }
      }
      return [...outs];
    },
  });
  return true;
}

/**
 * Adam as tfjs' AdamOptimizer computes it — m ← β1·m + (1−β1)·g, v ← β2·v + (1−β2)·g²,
 * w ← w − lr·(m/(1−β1ᵗ)) / (√(v/(1−β2ᵗ)) + ε), ε the backend's epsilon, moments from zero, t the
 * number of applyGradients calls — with each variable's update one pass over memory (WASM SIMD
 * over tfjs-wasm's heap, writing three new tensors: never in place, as tfjs-wasm caches XNNPACK
 * operators and their packed weights by tensor id). tfjs' AdamOptimizer runs fourteen
 * element-wise kernels per variable, each a pass over memory: on office's two [2,420 × 300]
 * matrices that was a quarter of a training step (tools/training-speed/README.md).
 */
export class FusedAdam implements VaeOptimizer {
  private readonly moments = new Map<string, { m: tf.Variable; v: tf.Variable }>();
  private t = 0;
  private readonly epsilon: number;

  constructor(
    readonly learningRate: number,
    readonly beta1 = 0.9,
    readonly beta2 = 0.999,
  ) {
    if (!fusedAdamAvailable()) throw new Error('FusedAdam needs the WASM backend with SIMD');
    this.epsilon = tf.backend().epsilon();
  }

  applyGradients(grads: tf.NamedTensorMap): void {
    this.t++;
    const attrs = {
      beta1: this.beta1,
      beta2: this.beta2,
      stepSize: this.learningRate / (1 - this.beta1 ** this.t),
      epsilon: this.epsilon,
      correction2: 1 / (1 - this.beta2 ** this.t),
    };
    for (const name of Object.keys(grads)) {
      if (this.moments.has(name)) continue;
      const variable = tf.engine().registeredVariables[name];
      if (!variable) throw new Error(`FusedAdam: no variable named ${name}`);
      this.moments.set(name, tf.tidy(() => ({ m: tf.variable(tf.zerosLike(variable), false), v: tf.variable(tf.zerosLike(variable), false) })));
    }
    tf.tidy(() => {
      for (const [name, grad] of Object.entries(grads)) {
        const variable = tf.engine().registeredVariables[name]!;
        const state = this.moments.get(name)!;
        const [w, m, v] = tf.engine().runKernel(KERNEL, { w: variable, m: state.m, v: state.v, g: grad }, attrs) as tf.Tensor[];
        variable.assign(w!);
        state.m.assign(m!);
        state.v.assign(v!);
      }
    });
  }

  dispose(): void {
    for (const { m, v } of this.moments.values()) tf.dispose([m, v]);
    this.moments.clear();
  }
}

/** The fused Adam on the WASM backend (with SIMD); tfjs' AdamOptimizer, the same update, elsewhere. */
export function createAdam(learningRate: number): VaeOptimizer {
  if (fusedAdamAvailable()) return new FusedAdam(learningRate);
  const adam = tf.train.adam(learningRate);
  return { applyGradients: (grads) => adam.applyGradients(grads as never), dispose: () => adam.dispose() };
}
