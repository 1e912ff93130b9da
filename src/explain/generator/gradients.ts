import * as tf from '@tensorflow/tfjs-core';

/**
 * Gradients of the few kernels the reason generator trains through. tfjs-core alone registers no
 * gradients (they ship with the union package @tensorflow/tfjs, which localrec does not depend
 * on), so these are registered here, once, and only where none is registered yet. Each follows
 * the definition in tfjs-core's own gradients/ folder.
 */

/** Sums `dy` down to `shape` (undoes broadcasting). */
function unbroadcast(dy: tf.Tensor, shape: readonly number[]): tf.Tensor {
  let out = dy;
  const extra = dy.rank - shape.length;
  if (extra > 0) out = tf.sum(out, Array.from({ length: extra }, (_, i) => i));
  const axes: number[] = [];
  shape.forEach((size, i) => {
    if (size === 1 && out.shape[i] !== 1) axes.push(i);
  });
  if (axes.length > 0) out = tf.sum(out, axes, true);
  return out.rank === shape.length && out.shape.every((s, i) => s === shape[i]) ? out : tf.reshape(out, [...shape]);
}

const configs: tf.GradConfig[] = [
  {
    kernelName: 'Add',
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved) => {
      const [a, b] = saved as tf.Tensor[];
      return { a: () => unbroadcast(dy as tf.Tensor, a!.shape), b: () => unbroadcast(dy as tf.Tensor, b!.shape) };
    },
  },
  {
    kernelName: 'Sub',
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved) => {
      const [a, b] = saved as tf.Tensor[];
      return { a: () => unbroadcast(dy as tf.Tensor, a!.shape), b: () => unbroadcast(tf.neg(dy as tf.Tensor), b!.shape) };
    },
  },
  {
    kernelName: 'Multiply',
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved) => {
      const [a, b] = saved as tf.Tensor[];
      return {
        a: () => unbroadcast(tf.mul(dy as tf.Tensor, tf.cast(b!, 'float32')), a!.shape),
        b: () => unbroadcast(tf.mul(dy as tf.Tensor, tf.cast(a!, 'float32')), b!.shape),
      };
    },
  },
  { kernelName: 'Neg', gradFunc: (dy) => ({ x: () => tf.neg(dy as tf.Tensor) }) },
  { kernelName: 'Cast', gradFunc: (dy) => ({ x: () => tf.clone(dy as tf.Tensor) }) },
  {
    kernelName: 'Reshape',
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => ({ x: () => tf.reshape(dy as tf.Tensor, (saved[0] as tf.Tensor).shape) }),
  },
  {
    kernelName: 'Sigmoid',
    outputsToSave: [true],
    gradFunc: (dy, saved) => {
      const [y] = saved as tf.Tensor[];
      return { x: () => tf.mul(dy as tf.Tensor, tf.mul(y!, tf.sub(1, y!))) };
    },
  },
  {
    kernelName: 'Tanh',
    outputsToSave: [true],
    gradFunc: (dy, saved) => {
      const [y] = saved as tf.Tensor[];
      return { x: () => tf.mul(dy as tf.Tensor, tf.sub(1, tf.square(y!))) };
    },
  },
  {
    kernelName: 'BatchMatMul',
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved, attrs) => {
      const [a, b] = saved as tf.Tensor[];
      const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
      const g = dy as tf.Tensor;
      if (!transposeA && !transposeB) return { a: () => tf.matMul(g, b!, false, true), b: () => tf.matMul(a!, g, true, false) };
      if (!transposeA && transposeB) return { a: () => tf.matMul(g, b!, false, false), b: () => tf.matMul(g, a!, true, false) };
      if (transposeA && !transposeB) return { a: () => tf.matMul(b!, g, false, true), b: () => tf.matMul(a!, g, false, false) };
      return { a: () => tf.matMul(b!, g, true, true), b: () => tf.matMul(g, a!, true, true) };
    },
  },
  {
    // Embedding lookups: axis 0, no batch dimensions.
    kernelName: 'GatherV2',
    inputsToSave: ['x', 'indices'],
    gradFunc: (dy, saved, attrs) => {
      const [x, indices] = saved as tf.Tensor[];
      const { axis } = attrs as unknown as { axis: number };
      if (axis !== 0) throw new Error('GatherV2 gradient: only axis 0 is supported');
      return {
        x: () => {
          const flat = tf.reshape(indices!, [-1]) as tf.Tensor1D;
          const rows = tf.reshape(dy as tf.Tensor, [flat.shape[0], -1]);
          // onehotᵀ · dy (UnsortedSegmentSum has no WASM kernel).
          const onehot = tf.cast(tf.oneHot(tf.cast(flat, 'int32'), x!.shape[0]!), 'float32');
          return tf.reshape(tf.matMul(onehot, rows, true, false), x!.shape);
        },
        indices: () => tf.zerosLike(indices!),
      };
    },
  },
  {
    kernelName: 'Concat',
    saveAllInputs: true,
    gradFunc: (dy, saved, attrs) => {
      const { axis } = attrs as unknown as { axis: number };
      const inputs = saved as tf.Tensor[];
      const at = axis < 0 ? axis + inputs[0]!.rank : axis;
      const parts = tf.split(dy as tf.Tensor, inputs.map((t) => t.shape[at]!), at);
      return Object.fromEntries(parts.map((part, i) => [String(i), () => part]));
    },
  },
  {
    kernelName: 'SplitV',
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const { axis } = attrs as unknown as { axis: number };
      const x = (saved as tf.Tensor[])[0]!;
      const at = axis < 0 ? axis + x.rank : axis;
      return { x: () => tf.concat(dy as tf.Tensor[], at) };
    },
  },
  {
    kernelName: 'Sum',
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const x = (saved as tf.Tensor[])[0]!;
      const { axis } = attrs as unknown as { axis: number | number[] | null };
      const axes = axis === null || axis === undefined ? x.shape.map((_, i) => i) : (Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + x.rank : a));
      const kept = x.shape.map((s, i) => (axes.includes(i) ? 1 : s));
      return { x: () => tf.mul(tf.reshape(dy as tf.Tensor, kept), tf.ones(x.shape)) };
    },
  },
];

let registered = false;

/** Registers the gradients above (idempotent; never replaces one registered by someone else). */
export function registerReasonGradients(): void {
  if (registered) return;
  registered = true;
  for (const config of configs) if (!tf.getGradient(config.kernelName)) tf.registerGradient(config);
}
