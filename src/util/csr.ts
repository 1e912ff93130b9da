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

/** Columns × rows: the transpose of a CSR matrix (for X: each item's rows). */
export function transposeCsr(m: Csr): Csr {
  const indptr = new Int32Array(m.cols + 1);
  for (let k = 0; k < m.indices.length; k++) indptr[m.indices[k]! + 1]! += 1;
  for (let c = 0; c < m.cols; c++) indptr[c + 1]! += indptr[c]!;
  const fill = indptr.slice(0, m.cols);
  const indices = new Int32Array(m.indices.length);
  const values = new Float32Array(m.indices.length);
  for (let r = 0; r < m.rows; r++) {
    for (let k = m.indptr[r]!; k < m.indptr[r + 1]!; k++) {
      const at = fill[m.indices[k]!]!++;
      indices[at] = r;
      values[at] = m.values[k]!;
    }
  }
  return { rows: m.cols, cols: m.rows, indptr, indices, values };
}

/**
 * Sparse Gram matrix XᵀX (cols × cols, CSR, each row's columns ascending, diagonal included):
 * only the co-occurring pairs are stored, so it scales to 100k-item catalogs where the dense
 * form (n² floats) cannot. Cost Σ nnz(row)², like the dense build.
 */
export function sparseGram(m: Csr): Csr {
  const n = m.cols;
  const t = transposeCsr(m);
  const acc = new Float64Array(n);
  const seen = new Uint8Array(n);
  const touched = new Int32Array(n);
  const ptr = new Int32Array(n + 1);
  let indices = new Int32Array(Math.max(16, m.indices.length * 4));
  let values = new Float32Array(indices.length);
  let nnz = 0;
  for (let i = 0; i < n; i++) {
    let count = 0;
    for (let a = t.indptr[i]!; a < t.indptr[i + 1]!; a++) {
      const r = t.indices[a]!;
      const vi = t.values[a]!;
      for (let b = m.indptr[r]!; b < m.indptr[r + 1]!; b++) {
        const j = m.indices[b]!;
        if (!seen[j]) {
          seen[j] = 1;
          touched[count++] = j;
        }
        acc[j]! += vi * m.values[b]!;
      }
    }
    const row = touched.subarray(0, count).sort();
    if (nnz + count > indices.length) {
      const grown = Math.max(indices.length * 2, nnz + count);
      const gi = new Int32Array(grown);
      gi.set(indices.subarray(0, nnz));
      const gv = new Float32Array(grown);
      gv.set(values.subarray(0, nnz));
      indices = gi;
      values = gv;
    }
    for (const j of row) {
      indices[nnz] = j;
      values[nnz++] = acc[j]!;
      acc[j] = 0;
      seen[j] = 0;
    }
    ptr[i + 1] = nnz;
  }
  return { rows: n, cols: n, indptr: ptr, indices: indices.slice(0, nnz), values: values.slice(0, nnz) };
}

/** The diagonal of a square CSR matrix. */
export function csrDiagonal(m: Csr): Float64Array {
  const d = new Float64Array(m.rows);
  for (let i = 0; i < m.rows; i++) {
    for (let a = m.indptr[i]!; a < m.indptr[i + 1]!; a++) if (m.indices[a] === i) d[i] = m.values[a]!;
  }
  return d;
}

/**
 * Rows and columns `ids` of a square CSR matrix as a dense row-major float32 block
 * (ids.length²): EASE's Gram matrix over the catalog's head.
 */
export function denseBlock(m: Csr, ids: ArrayLike<number>): Float32Array {
  const h = ids.length;
  const position = new Int32Array(m.cols).fill(-1);
  for (let p = 0; p < h; p++) position[ids[p]!] = p;
  const out = new Float32Array(h * h);
  for (let p = 0; p < h; p++) {
    const i = ids[p]!;
    for (let a = m.indptr[i]!; a < m.indptr[i + 1]!; a++) {
      const q = position[m.indices[a]!]!;
      if (q >= 0) out[p * h + q] = m.values[a]!;
    }
  }
  return out;
}
