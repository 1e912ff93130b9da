import * as tf from '@tensorflow/tfjs-core';

/**
 * Inverse of a symmetric positive definite matrix: EASE's P = (XᵀX + λI)⁻¹ (the pack recipe and
 * the evaluation) and the new-item bridge's small kernel-ridge systems (Gauss–Jordan alone).
 *
 * Block recursion on the Schur complement: with A = [[A11, A12], [A12ᵀ, A22]],
 *   S11 = A11⁻¹, W = S11·A12, S = A22 − A12ᵀ·W, P22 = S⁻¹, P12 = −W·P22, P11 = S11 − P12·Wᵀ.
 * Almost all of the ~(4/3)n³ flops are matMuls, which tfjs' WASM backend runs ~25× faster than a
 * plain JS loop; blocks up to BASE are inverted in Float64 JS. float32 is enough here: λ ≥ ~10
 * keeps cond(XᵀX + λI) small (see the residual check in the tests).
 */
const BASE = 256;

/** In-place Gauss–Jordan inverse of an SPD matrix (no pivoting needed for SPD). */
export function gaussJordanInverseInPlace(a: Float64Array, n: number): void {
  for (let k = 0; k < n; k++) {
    const ko = k * n;
    const pivot = a[ko + k] as number;
    if (!(pivot > 0)) throw new Error(`matrix is not positive definite (pivot ${pivot} at ${k})`);
    const inv = 1 / pivot;
    a[ko + k] = 1;
    for (let j = 0; j < n; j++) a[ko + j]! *= inv;
    for (let i = 0; i < n; i++) {
      if (i === k) continue;
      const io = i * n;
      const f = a[io + k] as number;
      if (f === 0) continue;
      a[io + k] = 0;
      for (let j = 0; j < n; j++) a[io + j]! -= f * (a[ko + j] as number);
    }
  }
}

function invertTensor(a: tf.Tensor2D): tf.Tensor2D {
  const n = a.shape[0];
  if (n <= BASE) {
    const m = Float64Array.from(a.dataSync());
    gaussJordanInverseInPlace(m, n);
    return tf.tensor2d(Float32Array.from(m), [n, n]);
  }
  const h = n >> 1;
  const a11 = tf.slice(a, [0, 0], [h, h]);
  const s11 = invertTensor(a11);
  a11.dispose();
  const [w, p22] = tf.tidy(() => {
    const a12 = tf.slice(a, [0, h], [h, n - h]);
    const a22 = tf.slice(a, [h, h], [n - h, n - h]);
    const wT = tf.matMul(s11, a12);
    // Explicit transposes: tfjs-wasm's matMul with a transpose flag is ~10× slower than without.
    const s = tf.sub(a22, tf.matMul(tf.transpose(a12), wT));
    // Symmetrise: rounding makes S slightly asymmetric, and the recursion assumes symmetry.
    return [wT, tf.mul(tf.add(s, tf.transpose(s)), 0.5) as tf.Tensor2D];
  });
  const sInv = invertTensor(p22);
  p22.dispose();
  const out = tf.tidy(() => {
    const p12 = tf.neg(tf.matMul(w, sInv));
    const p11 = tf.sub(s11, tf.matMul(p12, tf.transpose(w)));
    const top = tf.concat([p11, p12], 1);
    const bottom = tf.concat([tf.transpose(p12), sInv], 1);
    return tf.concat([top, bottom], 0) as tf.Tensor2D;
  });
  tf.dispose([s11, w, sInv]);
  return out;
}

/** A⁻¹ for a dense SPD row-major A (n × n), as float32, on the current tfjs backend. */
export function spdInverse(a: Float32Array, n: number): Float32Array {
  return spdInverseWithRidge(a, n, 0);
}

/**
 * Largest matrix inverted as one tensor recursion. Above it the top levels of the recursion keep
 * their blocks in JS memory and send only block products to the backend: a 12k-item catalog's
 * whole recursion on the WASM heap (matrix, blocks and the concatenated result at once) runs out
 * of its address space, and n = 12,101 crashed there in tfjs' concat.
 */
const TENSOR_MAX = 4096;

/** Rows [r0, r0+rows) × columns [c0, c0+cols) of a row-major n-column matrix. */
function block(a: Float32Array, n: number, r0: number, rows: number, c0: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) out.set(a.subarray((r0 + r) * n + c0, (r0 + r) * n + c0 + cols), r * cols);
  return out;
}

function readAndDispose(t: tf.Tensor): Float32Array {
  const out = new Float32Array(t.dataSync());
  t.dispose();
  return out;
}

/** The same Schur recursion as `invertTensor`, with the blocks held in JS memory. */
function invertLarge(a: Float32Array, n: number, tensorMax: number): Float32Array {
  if (n <= tensorMax) {
    const t = tf.tensor2d(a, [n, n]);
    const p = invertTensor(t);
    t.dispose();
    return readAndDispose(p);
  }
  const h = n >> 1;
  const m = n - h;
  const s11 = invertLarge(block(a, n, 0, h, 0, h), h, tensorMax);
  const a12 = block(a, n, 0, h, h, m);
  const wT = tf.tidy(() => tf.matMul(tf.tensor2d(s11, [h, h]), tf.tensor2d(a12, [h, m])));
  const s = readAndDispose(
    tf.tidy(() => {
      const prod = tf.matMul(tf.transpose(tf.tensor2d(a12, [h, m])), wT);
      const raw = tf.sub(tf.tensor2d(block(a, n, h, m, h, m), [m, m]), prod);
      return tf.mul(tf.add(raw, tf.transpose(raw)), 0.5);
    }),
  );
  const sInv = invertLarge(s, m, tensorMax);
  const p12 = tf.tidy(() => tf.neg(tf.matMul(wT, tf.tensor2d(sInv, [m, m]))));
  const p11 = readAndDispose(tf.tidy(() => tf.sub(tf.tensor2d(s11, [h, h]), tf.matMul(p12, tf.transpose(wT)))));
  wT.dispose();
  const p12Data = readAndDispose(p12);
  const out = new Float32Array(n * n);
  for (let r = 0; r < h; r++) {
    out.set(p11.subarray(r * h, (r + 1) * h), r * n);
    out.set(p12Data.subarray(r * m, (r + 1) * m), r * n + h);
  }
  for (let r = 0; r < m; r++) {
    const o = (h + r) * n;
    for (let c = 0; c < h; c++) out[o + c] = p12Data[c * m + r]!;
    out.set(sInv.subarray(r * m, (r + 1) * m), o + h);
  }
  return out;
}

/**
 * (G + λI)⁻¹ for a dense symmetric row-major G (n × n), as float32, on the current tfjs backend.
 * `tensorMax` (tests) lowers the size above which blocks stay in JS memory.
 */
export function spdInverseWithRidge(g: Float32Array, n: number, lambda: number, tensorMax = TENSOR_MAX): Float32Array {
  if (n > tensorMax) {
    const a = Float32Array.from(g);
    if (lambda !== 0) for (let i = 0; i < n; i++) a[i * n + i]! += lambda;
    return invertLarge(a, n, tensorMax);
  }
  const a = tf.tidy(() => (lambda === 0 ? tf.tensor2d(g, [n, n]) : (tf.add(tf.tensor2d(g, [n, n]), tf.mul(tf.eye(n), lambda)) as tf.Tensor2D)));
  const p = invertTensor(a);
  a.dispose();
  const out = new Float32Array(p.dataSync()); // copy: never keep a view into backend memory
  p.dispose();
  return out;
}
