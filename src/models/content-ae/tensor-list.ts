/**
 * Weights as plain data: what a pack stores and what `fromTensors` reads back. Shapes are
 * row-major; `data.length` is the product of `shape`.
 */
export interface NamedTensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

/** The entry called `name`, checked against `shape`. @throws Error when missing or mis-shaped. */
export function takeTensor(list: readonly NamedTensor[], name: string, shape?: readonly number[]): NamedTensor {
  const entry = list.find((t) => t.name === name);
  if (!entry) throw new Error(`missing tensor "${name}" (have: ${list.map((t) => t.name).join(', ')})`);
  const size = entry.shape.reduce((a, b) => a * b, 1);
  if (entry.data.length !== size) throw new Error(`tensor "${name}": ${entry.data.length} values for shape [${entry.shape.join(', ')}]`);
  if (shape && (shape.length !== entry.shape.length || shape.some((d, i) => d !== entry.shape[i]))) {
    throw new Error(`tensor "${name}": shape [${entry.shape.join(', ')}], expected [${shape.join(', ')}]`);
  }
  return entry;
}
