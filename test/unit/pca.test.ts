import { describe, expect, it } from 'vitest';
import { jacobiEigen, topEigenpairs } from '../../src/core/analysis/eigen';
import { principalComponents } from '../../src/core/analysis/pca';
import { RandomStream } from '../../src/core/random';

/** Component j of a PCA as a plain array. */
const component = (c: Float64Array, j: number, p: number): number[] => Array.from(c.subarray(j * p, (j + 1) * p));
const close = (a: readonly number[], b: readonly number[], tol: number): void => {
  expect(a.length).toBe(b.length);
  a.forEach((v, i) => expect(Math.abs(v - b[i]!)).toBeLessThan(tol));
};

describe('principal components: hand-computed cases', () => {
  it('more rows than columns (the scatter-matrix path): four points on the axes', () => {
    // Mean 0; covariance (÷3) diag(8/3, 2/3): PC1 = x with scores 2, −2, 0, 0; PC2 = y with 0, 0, 1, −1.
    const data = Float32Array.of(2, 0, -2, 0, 0, 1, 0, -1);
    const pca = principalComponents(data, 4, 2, 3);
    expect(pca.k).toBe(2);
    close(Array.from(pca.variances), [8 / 3, 2 / 3], 1e-12);
    expect(pca.totalVariance).toBeCloseTo(10 / 3, 12);
    close(component(pca.components, 0, 2), [1, 0], 1e-12);
    close(component(pca.components, 1, 2), [0, 1], 1e-12);
    close(Array.from(pca.scores), [2, 0, -2, 0, 0, 1, 0, -1], 1e-12);
    expect(Array.from(data)).toEqual([2, 0, -2, 0, 0, 1, 0, -1]); // not centred in place unless asked
  });

  it('fewer rows than columns (the Gram path): three snapshots of four synapses', () => {
    // Rows (2,1,0,0), (−2,1,0,0), (0,−2,0,0) + a common offset; covariance (÷2) diag(4, 3, 0, 0).
    const data = Float32Array.of(7, 6, 5, 5, 3, 6, 5, 5, 5, 3, 5, 5);
    const pca = principalComponents(data, 3, 4, 3);
    expect(pca.k).toBe(3);
    close(Array.from(pca.mean), [5, 5, 5, 5], 1e-12);
    close(Array.from(pca.variances), [4, 3, 0], 1e-9);
    expect(pca.totalVariance).toBeCloseTo(7, 12);
    close(component(pca.components, 0, 4), [1, 0, 0, 0], 1e-9);
    close(component(pca.components, 1, 4), [0, 1, 0, 0], 1e-9);
    expect(component(pca.components, 2, 4)).toEqual([0, 0, 0, 0]); // no variance left: zero, not an arbitrary direction
    // Scores (row-major, k = 3): PC1 2, −2, 0; PC2 1, 1, −2; PC3 0.
    close(Array.from(pca.scores), [2, 1, 0, -2, 1, 0, 0, -2, 0], 1e-9);
  });

  it('two rows: the one direction between them, its largest entry positive', () => {
    const pca = principalComponents(Float32Array.of(1, 2, 3, 3, 2, 1), 2, 3, 3);
    expect(pca.k).toBe(2);
    close(Array.from(pca.variances), [4, 0], 1e-12);
    close(component(pca.components, 0, 3), [Math.SQRT1_2, 0, -Math.SQRT1_2], 1e-12);
    close([pca.scores[0]!, pca.scores[2]!], [-Math.SQRT2, Math.SQRT2], 1e-12);
  });

  it('refuses what has no components, naming the problem', () => {
    expect(() => principalComponents(Float32Array.of(1, 2), 1, 2, 1)).toThrow(/at least 2 rows/);
    expect(() => principalComponents(Float32Array.of(1, 2, 3), 2, 2, 1)).toThrow(/must hold 2 × 2 values, got 3/);
  });
});

/** The naive reference: the full covariance matrix, its eigenvectors by power iteration with deflation. */
function naivePca(data: Float32Array, rows: number, p: number, k: number): { values: number[]; vectors: number[][]; scores: number[][] } {
  const mean = Array.from({ length: p }, (_, c) => {
    let s = 0;
    for (let r = 0; r < rows; r++) s += data[r * p + c]!;
    return s / rows;
  });
  const cov: number[][] = Array.from({ length: p }, (_, a) =>
    Array.from({ length: p }, (_, b) => {
      let s = 0;
      for (let r = 0; r < rows; r++) s += (data[r * p + a]! - mean[a]!) * (data[r * p + b]! - mean[b]!);
      return s / (rows - 1);
    }));
  const values: number[] = [];
  const vectors: number[][] = [];
  for (let j = 0; j < k; j++) {
    let v = Array.from({ length: p }, (_, i) => 1 + Math.sin(i + 7 * j));
    let lambda = 0;
    for (let it = 0; it < 20_000; it++) {
      const w = cov.map((row) => row.reduce((s, x, i) => s + x * v[i]!, 0));
      const norm = Math.hypot(...w);
      v = w.map((x) => x / norm);
      lambda = norm;
    }
    values.push(lambda);
    vectors.push(v);
    for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) cov[a]![b]! -= lambda * v[a]! * v[b]!;
  }
  const scores = vectors.map((v) => Array.from({ length: rows }, (_, r) => v.reduce((s, x, c) => s + x * (data[r * p + c]! - mean[c]!), 0)));
  return { values, vectors, scores };
}

/** Rows × p data with variances well apart along random directions (independent latent factors). */
function synthetic(rows: number, p: number, seed: number): Float32Array {
  const rng = RandomStream.of(seed, 77);
  const scales = [6, 4, 2.5, 1, 0.5, 0.3];
  const dirs = scales.map(() => {
    const d = new Float64Array(p);
    rng.fillNormal(d);
    return d;
  });
  const data = new Float32Array(rows * p);
  const latent = new Float64Array(scales.length);
  for (let r = 0; r < rows; r++) {
    rng.fillNormal(latent);
    for (let c = 0; c < p; c++) data[r * p + c] = 3 + scales.reduce((s, sc, f) => s + sc * latent[f]! * dirs[f]![c]!, 0) + 0.01 * rng.normal(0, 1);
  }
  return data;
}

describe('principal components against a naive covariance eigen-decomposition', () => {
  for (const [rows, p] of [[12, 40], [60, 9]] as const) {
    it(`${rows} snapshots × ${p} synapses (${rows < p ? 'Gram' : 'scatter'} path)`, () => {
      const data = synthetic(rows, p, rows);
      const ref = naivePca(data, rows, p, 3);
      const pca = principalComponents(data, rows, p, 3);
      for (let j = 0; j < 3; j++) {
        expect(pca.variances[j]! / ref.values[j]!).toBeCloseTo(1, 6); // the data are float32, centred in float32
        const u = component(pca.components, j, p);
        const sign = Math.sign(u.reduce((s, x, i) => s + x * ref.vectors[j]![i]!, 0));
        close(u, ref.vectors[j]!.map((x) => sign * x), 1e-6);
        close(Array.from({ length: rows }, (_, r) => pca.scores[r * 3 + j]!), ref.scores[j]!.map((x) => sign * x), 1e-5 * Math.sqrt(ref.values[0]!));
      }
      expect(pca.residual).toBeLessThanOrEqual(1e-9);
    });
  }
});

/** Q·diag(values)·Qᵀ with Q a product of Householder reflections: a symmetric matrix of known spectrum. */
function knownSpectrum(values: readonly number[], seed: number): Float64Array {
  const n = values.length;
  let q: number[][] = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  const rng = RandomStream.of(seed, 3);
  for (let h = 0; h < 3; h++) {
    const v = Array.from({ length: n }, () => rng.normal(0, 1));
    const vv = v.reduce((s, x) => s + x * x, 0);
    q = q.map((row) => {
      const d = row.reduce((s, x, i) => s + x * v[i]!, 0);
      return row.map((x, i) => x - (2 * d * v[i]!) / vv);
    });
  }
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = values.reduce((s, l, k) => s + q[i]![k]! * l * q[j]![k]!, 0);
  return a;
}

describe('symmetric eigen-solvers', () => {
  it('Jacobi finds every eigenvalue of a matrix of known spectrum, vectors satisfying A·v = λ·v', () => {
    const spectrum = [9, 4, 4, 1, 0.5, -2];
    const a = knownSpectrum(spectrum, 1);
    const { values, vectors } = jacobiEigen(a, 6);
    close(Array.from(values), spectrum, 1e-10);
    for (let j = 0; j < 6; j++) {
      for (let r = 0; r < 6; r++) {
        const av = Array.from({ length: 6 }, (_, c) => a[r * 6 + c]! * vectors[j * 6 + c]!).reduce((s, x) => s + x, 0);
        expect(Math.abs(av - values[j]! * vectors[j * 6 + r]!)).toBeLessThan(1e-10);
      }
    }
  });

  it('subspace iteration finds the top three of 40 (two of them equal) to the residual it reports', () => {
    const spectrum = [50, 20, 20, ...Array.from({ length: 37 }, (_, i) => 10 * 0.9 ** i)];
    const top = topEigenpairs(knownSpectrum(spectrum, 2), 40, 3);
    close(Array.from(top.values), [50, 20, 20], 1e-8);
    expect(top.residual).toBeLessThanOrEqual(1e-9);
    expect(top.iterations).toBeGreaterThan(0);
  });
});
