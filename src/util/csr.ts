/**
 * A sparse rows × cols matrix in CSR form (users × items, histories × items). Row r's columns are
 * indices[indptr[r] .. indptr[r+1]) with weights values[...] (1 unless a caller says otherwise).
 * The order of a row's columns means nothing unless its producer says so (the evaluation's
 * `sessions` keeps each row in click order, so its last column is the session's last click).
 */
export interface Csr {
  rows: number;
  cols: number;
  indptr: Int32Array;
  indices: Int32Array;
  values: Float32Array;
}

/** A CSR matrix from per-row column lists (values 1 unless given). Columns are kept in the given order. */
export function csrFromRows(rows: readonly ArrayLike<number>[], cols: number, values?: readonly ArrayLike<number>[]): Csr {
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

/** Per-column sums (for binary data: how many rows contain each column). */
export function columnCounts(m: Csr): Float64Array {
  const counts = new Float64Array(m.cols);
  for (let k = 0; k < m.indices.length; k++) counts[m.indices[k]!]! += m.values[k]!;
  return counts;
}

/** Rows [start, end) of a CSR matrix. */
export function sliceRows(m: Csr, start: number, end: number): Csr {
  const from = m.indptr[start]!;
  const to = m.indptr[end]!;
  const indptr = new Int32Array(end - start + 1);
  for (let r = 0; r <= end - start; r++) indptr[r] = m.indptr[start + r]! - from;
  return { rows: end - start, cols: m.cols, indptr, indices: m.indices.slice(from, to), values: m.values.slice(from, to) };
}

/** Each row's columns as a plain array (in stored order). */
export function csrRows(m: Csr): number[][] {
  return Array.from({ length: m.rows }, (_, r) => Array.from(m.indices.subarray(m.indptr[r]!, m.indptr[r + 1]!)));
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
