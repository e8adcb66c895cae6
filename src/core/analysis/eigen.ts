/**
 * Eigen-decomposition of symmetric matrices (row-major Float64Array), for principal components: the cyclic Jacobi
 * method for small matrices, and subspace (block power) iteration with a Rayleigh–Ritz step for the few largest
 * eigenpairs of a large positive semi-definite one. Plain loops, no dependency.
 */
import { RandomStream } from '../random';

export interface Eigenpairs {
  /** Eigenvalues, largest first. */
  readonly values: Float64Array;
  /** Eigenvectors as rows: vector j is vectors[j·n .. (j+1)·n), unit length. */
  readonly vectors: Float64Array;
}

/**
 * All eigenpairs of the symmetric n×n matrix `a` by cyclic Jacobi rotations (a is not modified). Converges to
 * machine precision in a handful of sweeps for the sizes used here (n ≲ 30); O(n³) per sweep.
 */
export function jacobiEigen(a: Float64Array, n: number): Eigenpairs {
  if (a.length !== n * n) throw new RangeError(`matrix must hold ${n}×${n} values, got ${a.length}`);
  const m = Float64Array.from(a);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  let scale = 0;
  for (let i = 0; i < n * n; i++) scale += m[i]! * m[i]!;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += m[p * n + q]! ** 2;
    if (off <= 1e-30 * scale || off === 0) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q]!;
        if (apq === 0) continue;
        const theta = (m[q * n + q]! - m[p * n + p]!) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = m[k * n + p]!;
          const akq = m[k * n + q]!;
          m[k * n + p] = c * akp - s * akq;
          m[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = m[p * n + k]!;
          const aqk = m[q * n + k]!;
          m[p * n + k] = c * apk - s * aqk;
          m[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!;
          const vkq = v[k * n + q]!;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => m[y * n + y]! - m[x * n + x]! || x - y);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((col, j) => {
    values[j] = m[col * n + col]!;
    for (let k = 0; k < n; k++) vectors[j * n + k] = v[k * n + col]!;
  });
  return { values, vectors };
}

/** Modified Gram–Schmidt on the b columns of `q` (column j at q[j·n ..]), twice for orthogonality; dependent columns become zero. */
function orthonormalise(q: Float64Array, n: number, b: number): void {
  for (let pass = 0; pass < 2; pass++) {
    for (let j = 0; j < b; j++) {
      const cj = j * n;
      for (let i = 0; i < j; i++) {
        const ci = i * n;
        let dot = 0;
        for (let r = 0; r < n; r++) dot += q[ci + r]! * q[cj + r]!;
        for (let r = 0; r < n; r++) q[cj + r]! -= dot * q[ci + r]!;
      }
      let norm = 0;
      for (let r = 0; r < n; r++) norm += q[cj + r]! ** 2;
      norm = Math.sqrt(norm);
      const inv = norm > 1e-150 ? 1 / norm : 0;
      for (let r = 0; r < n; r++) q[cj + r]! *= inv;
    }
  }
}

/** out (b columns) = g · q, g symmetric n×n row-major. */
function multiply(g: Float64Array, n: number, q: Float64Array, b: number, out: Float64Array): void {
  for (let j = 0; j < b; j++) {
    const cj = j * n;
    for (let r = 0; r < n; r++) {
      const row = r * n;
      let s = 0;
      for (let k = 0; k < n; k++) s += g[row + k]! * q[cj + k]!;
      out[cj + r] = s;
    }
  }
}

export interface TopEigenpairs extends Eigenpairs {
  /** Largest ‖G·v − λ·v‖ / λ₁ over the returned pairs (0 when G is zero): how exactly they are eigenpairs. */
  readonly residual: number;
  readonly iterations: number;
}

/**
 * The k largest eigenpairs of the symmetric positive semi-definite n×n matrix `g` by subspace iteration: a block
 * of k + 8 vectors is multiplied by G and re-orthonormalised, and after each multiplication the Ritz pairs of the
 * block (Jacobi on the small projected matrix) are tested until every one of the top k has a relative residual
 * below `tolerance`, or `maxIterations` have run (then `residual` says how far from eigenpairs they are). The block
 * starts from a fixed random stream, so the result depends on `g` alone. Each iteration costs n²·(k + 8); the
 * error of pair j shrinks as (λ_{k+9}/λ_j) per iteration, so a flat spectrum (noise) converges slowly.
 */
export function topEigenpairs(g: Float64Array, n: number, k: number, tolerance = 1e-9, maxIterations = 1000): TopEigenpairs {
  if (g.length !== n * n) throw new RangeError(`matrix must hold ${n}×${n} values, got ${g.length}`);
  if (!Number.isInteger(k) || k < 1 || k > n) throw new RangeError(`k must be an integer in [1, ${n}], got ${k}`);
  const b = Math.min(n, k + 8);
  if (b === n) {
    // The block would be the whole space: decompose directly.
    const all = jacobiEigen(g, n);
    return { values: all.values.slice(0, k), vectors: all.vectors.slice(0, k * n), residual: residualOf(g, n, all.values, all.vectors, k), iterations: 0 };
  }
  const q = new Float64Array(b * n);
  RandomStream.of(0x5eed, 0x9ca).fillNormal(q);
  orthonormalise(q, n, b);
  const z = new Float64Array(b * n);
  const t = new Float64Array(b * b);
  const ritz = new Float64Array(b * n);
  const gy = new Float64Array(b * n);
  let values: Float64Array = new Float64Array(b);
  let residual = Infinity;
  let iterations = 0;
  while (iterations < maxIterations) {
    iterations++;
    multiply(g, n, q, b, z);
    // T = Qᵀ G Q, symmetrised against rounding.
    for (let i = 0; i < b; i++) {
      for (let j = i; j < b; j++) {
        let s = 0;
        for (let r = 0; r < n; r++) s += q[i * n + r]! * z[j * n + r]!;
        let s2 = 0;
        for (let r = 0; r < n; r++) s2 += q[j * n + r]! * z[i * n + r]!;
        t[i * b + j] = t[j * b + i] = (s + s2) / 2;
      }
    }
    const small = jacobiEigen(t, b);
    values = small.values;
    // Ritz vectors Y = Q·W and G·Y = Z·W; the residual of each of the top k.
    ritz.fill(0);
    gy.fill(0);
    for (let j = 0; j < b; j++) {
      for (let i = 0; i < b; i++) {
        const w = small.vectors[j * b + i]!;
        if (w === 0) continue;
        for (let r = 0; r < n; r++) {
          ritz[j * n + r]! += w * q[i * n + r]!;
          gy[j * n + r]! += w * z[i * n + r]!;
        }
      }
    }
    const top = Math.max(values[0]!, 0);
    residual = 0;
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let r = 0; r < n; r++) s += (gy[j * n + r]! - values[j]! * ritz[j * n + r]!) ** 2;
      residual = Math.max(residual, top > 0 ? Math.sqrt(s) / top : 0);
    }
    if (residual <= tolerance) break;
    // The next block: G·Y, orthonormalised (the largest directions first, so they stay first).
    q.set(gy);
    orthonormalise(q, n, b);
  }
  return { values: values.slice(0, k), vectors: ritz.slice(0, k * n), residual, iterations };
}

function residualOf(g: Float64Array, n: number, values: Float64Array, vectors: Float64Array, k: number): number {
  const top = Math.max(values[0]!, 0);
  let worst = 0;
  for (let j = 0; j < k; j++) {
    let s = 0;
    for (let r = 0; r < n; r++) {
      let gv = 0;
      for (let c = 0; c < n; c++) gv += g[r * n + c]! * vectors[j * n + c]!;
      s += (gv - values[j]! * vectors[j * n + r]!) ** 2;
    }
    worst = Math.max(worst, top > 0 ? Math.sqrt(s) / top : 0);
  }
  return worst;
}
