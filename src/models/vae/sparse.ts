import type { Csr } from '../../eval/eval-model';

export type { Csr };

/** A CSR matrix from per-row column lists (values 1 unless given). Columns are kept in the given order. */
export function csrFromRows(rows: readonly (readonly number[])[], cols: number, values?: readonly (readonly number[])[]): Csr {
  const indptr = new Int32Array(rows.length + 1);
  for (let r = 0; r < rows.length; r++) indptr[r + 1] = indptr[r]! + rows[r]!.length;
  const nnz = indptr[rows.length]!;
  const indices = new Int32Array(nnz);
  const vals = new Float32Array(nnz);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    const start = indptr[r]!;
    for (let k = 0; k < row.length; k++) {
      const col = row[k]!;
      if (col < 0 || col >= cols) throw new RangeError(`column ${col} out of range [0, ${cols})`);
      indices[start + k] = col;
      vals[start + k] = values ? values[r]![k]! : 1;
    }
  }
  return { rows: rows.length, cols, indptr, indices, values: vals };
}

/** Rows `ids` of a CSR matrix as a new CSR matrix. */
export function csrSelectRows(m: Csr, ids: ArrayLike<number>): Csr {
  const indptr = new Int32Array(ids.length + 1);
  for (let r = 0; r < ids.length; r++) {
    const u = ids[r]!;
    indptr[r + 1] = indptr[r]! + (m.indptr[u + 1]! - m.indptr[u]!);
  }
  const indices = new Int32Array(indptr[ids.length]!);
  const values = new Float32Array(indptr[ids.length]!);
  for (let r = 0; r < ids.length; r++) {
    const u = ids[r]!;
    indices.set(m.indices.subarray(m.indptr[u]!, m.indptr[u + 1]!), indptr[r]!);
    values.set(m.values.subarray(m.indptr[u]!, m.indptr[u + 1]!), indptr[r]!);
  }
  return { rows: ids.length, cols: m.cols, indptr, indices, values };
}

/** Number of stored entries per column. */
export function columnCounts(m: Csr): Float64Array {
  const counts = new Float64Array(m.cols);
  for (let k = 0; k < m.indptr[m.rows]!; k++) counts[m.indices[k]!]! += 1;
  return counts;
}

/**
 * Writes rows `ids[from..to)` of `m` densely into `out` ([to-from] × cols, row-major, zeroed
 * first). `transform(value, rowNorm)` maps each stored value; the default keeps it.
 */
export function densifyRows(
  m: Csr,
  ids: ArrayLike<number>,
  from: number,
  to: number,
  out: Float32Array,
  transform?: (value: number, rowL2: number, col: number) => number,
): void {
  const cols = m.cols;
  out.fill(0, 0, (to - from) * cols);
  for (let r = from; r < to; r++) {
    const u = ids[r]!;
    const base = (r - from) * cols;
    const start = m.indptr[u]!;
    const end = m.indptr[u + 1]!;
    let norm = 0;
    if (transform) {
      for (let k = start; k < end; k++) norm += m.values[k]! * m.values[k]!;
      norm = Math.sqrt(norm);
    }
    for (let k = start; k < end; k++) {
      const col = m.indices[k]!;
      out[base + col] = transform ? transform(m.values[k]!, norm, col) : m.values[k]!;
    }
  }
}
