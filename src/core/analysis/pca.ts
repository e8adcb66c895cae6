/**
 * Principal components of a data matrix (rows = observations, columns = variables), e.g. weight snapshots ×
 * synapses. The covariance C = XcᵀXc/(n − 1) of the centred rows Xc is never formed when there are fewer rows than
 * columns: the Gram matrix XcXcᵀ (rows × rows) has the same non-zero eigenvalues, and its eigenvector v of
 * eigenvalue μ gives C's eigenvector u = Xcᵀv/√μ and the rows' scores Xc·u = √μ·v (docs/METHOD.md, weight
 * trajectories).
 */
import { topEigenpairs } from './eigen';

export interface Pca {
  readonly rows: number;
  readonly columns: number;
  /** Components found: min(k, rows, columns). */
  readonly k: number;
  /** Column means (the centre the components are measured from). */
  readonly mean: Float64Array;
  /** Unit component vectors as rows: component j is components[j·columns ..]. Zero for a zero-variance component. */
  readonly components: Float64Array;
  /** Variance along each component (covariance eigenvalues, divisor rows − 1), largest first. */
  readonly variances: Float64Array;
  /** Σ variance over all columns (the covariance's trace): the denominator of the explained shares. */
  readonly totalVariance: number;
  /** Row i's coordinate on component j at scores[i·k + j]. */
  readonly scores: Float64Array;
  /** The eigen-solver's largest relative residual (how exactly the components are eigenvectors). */
  readonly residual: number;
}

export interface PcaOptions {
  /** Centre `data` in place instead of on a copy (it then holds X − mean): for matrices too large to copy. */
  readonly inPlace?: boolean;
}

/** Σ_c x[a+c]·y[b+c] over `len` columns, accumulated in double precision with four partial sums. */
function dot(x: Float32Array, a: number, y: Float32Array, b: number, len: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let c = 0;
  for (; c + 3 < len; c += 4) {
    s0 += x[a + c]! * y[b + c]!;
    s1 += x[a + c + 1]! * y[b + c + 1]!;
    s2 += x[a + c + 2]! * y[b + c + 2]!;
    s3 += x[a + c + 3]! * y[b + c + 3]!;
  }
  for (; c < len; c++) s0 += x[a + c]! * y[b + c]!;
  return s0 + s1 + s2 + s3;
}

/** The top `k` principal components of the `rows` × `columns` row-major matrix `data`. */
export function principalComponents(data: Float32Array, rows: number, columns: number, k: number, options: PcaOptions = {}): Pca {
  if (!Number.isInteger(rows) || !Number.isInteger(columns) || rows < 2 || columns < 1) {
    throw new RangeError(`principal components need at least 2 rows and 1 column, got ${rows} × ${columns}`);
  }
  if (data.length !== rows * columns) throw new RangeError(`data must hold ${rows} × ${columns} values, got ${data.length}`);
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive integer, got ${k}`);
  const x = options.inPlace ? data : data.slice();
  const mean = new Float64Array(columns);
  for (let r = 0; r < rows; r++) for (let c = 0; c < columns; c++) mean[c]! += x[r * columns + c]!;
  for (let c = 0; c < columns; c++) mean[c]! /= rows;
  let total = 0;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      const v = x[r * columns + c]! - mean[c]!;
      x[r * columns + c] = v;
      total += v * v;
    }
  }
  const kk = Math.min(k, rows, columns);
  const gram = rows <= columns;
  const n = gram ? rows : columns;
  // S = Xc·Xcᵀ (Gram, n = rows) or Xcᵀ·Xc (scatter, n = columns): the same non-zero eigenvalues μ = (rows − 1)·λ.
  const s = new Float64Array(n * n);
  if (gram) {
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j <= i; j++) s[i * n + j] = s[j * n + i] = dot(x, i * columns, x, j * columns, columns);
    }
  } else {
    for (let r = 0; r < rows; r++) {
      const o = r * columns;
      for (let i = 0; i < columns; i++) {
        const xi = x[o + i]!;
        for (let j = 0; j <= i; j++) s[i * n + j]! += xi * x[o + j]!;
      }
    }
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) s[j * n + i] = s[i * n + j]!;
  }
  const eig = topEigenpairs(s, n, kk);
  const components = new Float64Array(kk * columns);
  const scores = new Float64Array(rows * kk);
  const variances = new Float64Array(kk);
  const floor = 1e-12 * Math.max(eig.values[0]!, 0);
  for (let j = 0; j < kk; j++) {
    const mu = eig.values[j]!;
    if (!(mu > floor) || mu <= 0) continue; // no variance left: the component and its scores stay zero
    variances[j] = mu / (rows - 1);
    const u = components.subarray(j * columns, (j + 1) * columns);
    if (gram) {
      const inv = 1 / Math.sqrt(mu);
      for (let r = 0; r < rows; r++) {
        const w = eig.vectors[j * n + r]! * inv;
        for (let c = 0; c < columns; c++) u[c]! += w * x[r * columns + c]!;
      }
    } else {
      u.set(eig.vectors.subarray(j * n, (j + 1) * n));
    }
    // Sign: the component's largest entry (the first of equals) is positive, so the result is unique.
    let big = 0;
    for (let c = 1; c < columns; c++) if (Math.abs(u[c]!) > Math.abs(u[big]!)) big = c;
    if (u[big]! < 0) for (let c = 0; c < columns; c++) u[c] = -u[c]!;
    for (let r = 0; r < rows; r++) {
      let sc = 0;
      for (let c = 0; c < columns; c++) sc += x[r * columns + c]! * u[c]!;
      scores[r * kk + j] = sc;
    }
  }
  return { rows, columns, k: kk, mean, components, variances, totalVariance: total / (rows - 1), scores, residual: eig.residual };
}
