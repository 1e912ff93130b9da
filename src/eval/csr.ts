import type { Csr } from './eval-model';

/** A binary CSR matrix (all values 1) whose row r holds the columns in `rows[r]`. */
export function csrFromRows(rows: ArrayLike<number>[], cols: number): Csr {
  const indptr = new Int32Array(rows.length + 1);
  for (let r = 0; r < rows.length; r++) indptr[r + 1] = (indptr[r] as number) + (rows[r] as ArrayLike<number>).length;
  const nnz = indptr[rows.length] as number;
  const indices = new Int32Array(nnz);
  let at = 0;
  for (const row of rows) {
    for (let k = 0; k < row.length; k++) {
      const c = row[k] as number;
      if (c < 0 || c >= cols) throw new RangeError(`column ${c} outside 0..${cols - 1}`);
      indices[at++] = c;
    }
  }
  return { rows: rows.length, cols, indptr, indices, values: new Float32Array(nnz).fill(1) };
}

/** Per-column sums of a CSR matrix (for binary data: how many rows contain each item). */
export function columnCounts(m: Csr): Float64Array {
  const counts = new Float64Array(m.cols);
  for (let k = 0; k < m.indices.length; k++) counts[m.indices[k] as number]! += m.values[k] as number;
  return counts;
}

/**
 * Dense Gram matrix XᵀX (cols × cols, row-major) of a sparse X, built from each row's outer
 * product: cost Σ nnz(row)², far below a dense product for shopping data.
 */
export function gramMatrix(m: Csr): Float64Array {
  const n = m.cols;
  const g = new Float64Array(n * n);
  for (let r = 0; r < m.rows; r++) {
    const start = m.indptr[r] as number;
    const end = m.indptr[r + 1] as number;
    for (let a = start; a < end; a++) {
      const i = m.indices[a] as number;
      const vi = m.values[a] as number;
      const rowOff = i * n;
      for (let b = start; b < end; b++) g[rowOff + (m.indices[b] as number)]! += vi * (m.values[b] as number);
    }
  }
  return g;
}

/**
 * scores = X · W for a sparse X (rows × n) and a dense row-major W (n × n): each nonzero adds a
 * scaled row of W. Used by the item-item models to score histories.
 */
export function sparseTimesDense(x: Csr, w: Float32Array, n: number): Float32Array {
  const out = new Float32Array(x.rows * n);
  for (let r = 0; r < x.rows; r++) {
    const o = r * n;
    for (let a = x.indptr[r] as number; a < (x.indptr[r + 1] as number); a++) {
      const v = x.values[a] as number;
      const wo = (x.indices[a] as number) * n;
      for (let j = 0; j < n; j++) out[o + j]! += v * (w[wo + j] as number);
    }
  }
  return out;
}

/** Rows [start, end) of a CSR matrix. */
export function sliceRows(m: Csr, start: number, end: number): Csr {
  const from = m.indptr[start] as number;
  const to = m.indptr[end] as number;
  const indptr = new Int32Array(end - start + 1);
  for (let r = 0; r <= end - start; r++) indptr[r] = (m.indptr[start + r] as number) - from;
  return { rows: end - start, cols: m.cols, indptr, indices: m.indices.slice(from, to), values: m.values.slice(from, to) };
}

/** Each row's columns as a plain array (in stored order). */
export function csrRows(m: Csr): number[][] {
  return Array.from({ length: m.rows }, (_, r) => Array.from(m.indices.subarray(m.indptr[r] as number, m.indptr[r + 1] as number)));
}
