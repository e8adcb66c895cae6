/**
 * Weighted K-means: k-means++ seeding (Arthur & Vassilvitskii 2007) and Lloyd iterations, for merging Hebbian rules
 * (merge.ts). Points are n rows of `dim` numbers, each with a positive weight — how many synapses follow that
 * rule — so clustering n weighted rules is clustering the synapses they stand for (the same objective, the same
 * steps and the same k-means++ distribution), done on n points instead of one per synapse.
 *
 * Deterministic: every random draw comes from the stream given, ties go to the lowest index and every sum runs in
 * index order in double precision, so any machine computes the same clusters.
 */
import type { RandomStream } from '../random';

export interface KMeansResult {
  /** k × dim, the weighted mean of each cluster's points. */
  readonly centroids: Float64Array;
  /** Cluster of each point. */
  readonly labels: Int32Array;
  /** Lloyd iterations run (assignment steps). */
  readonly iterations: number;
  /** Whether the last assignment step changed nothing (else the iteration limit ended it). */
  readonly converged: boolean;
  /** Σ weight · squared distance to its centroid. */
  readonly inertia: number;
}

/** Lloyd iterations at most; the merges here converge in far fewer (docs/METHOD.md, Evolve & Merge). */
export const KMEANS_MAX_ITERATIONS = 100;

function squaredDistance(points: ArrayLike<number>, p: number, centres: ArrayLike<number>, c: number, dim: number): number {
  let d = 0;
  for (let q = 0; q < dim; q++) {
    const x = points[p * dim + q]! - centres[c * dim + q]!;
    d += x * x;
  }
  return d;
}

function check(points: ArrayLike<number>, dim: number, weights: ArrayLike<number>, k: number): number {
  if (!Number.isInteger(dim) || dim < 1) throw new RangeError(`k-means: dimension must be a positive integer, got ${dim}`);
  const n = weights.length;
  if (points.length !== n * dim) throw new RangeError(`k-means: ${points.length} values are not ${n} points of dimension ${dim}`);
  if (!Number.isInteger(k) || k < 1 || k > n) throw new RangeError(`k-means: k must be an integer in [1, ${n}] (the number of points), got ${k}`);
  for (let i = 0; i < n; i++) {
    if (!(weights[i]! > 0) || !Number.isFinite(weights[i]!)) throw new RangeError(`k-means: weight ${i} must be positive and finite, got ${weights[i]}`);
  }
  for (let i = 0; i < points.length; i++) {
    if (!Number.isFinite(points[i]!)) throw new RangeError(`k-means: coordinate ${i % dim} of point ${Math.floor(i / dim)} is not finite (${points[i]})`);
  }
  return n;
}

/** The first index whose running sum of `mass` exceeds u (u in [0, Σ mass)); the last positive one on rounding. */
function pick(mass: Float64Array, u: number): number {
  let sum = 0;
  let last = -1;
  for (let i = 0; i < mass.length; i++) {
    if (mass[i]! <= 0) continue;
    sum += mass[i]!;
    last = i;
    if (sum > u) return i;
  }
  return last;
}

/**
 * k-means++ seeding: the first centre is point i with probability ∝ wᵢ, each next one with probability
 * ∝ wᵢ·D(i)², D(i) the distance to the nearest centre chosen so far. When every remaining point coincides with a
 * chosen centre (Σ wD² = 0) the lowest-index point not chosen yet is taken, so the k centres are k distinct points.
 * Returns the chosen point indices in order.
 */
export function kMeansPlusPlus(points: ArrayLike<number>, dim: number, weights: ArrayLike<number>, k: number, rng: RandomStream): Int32Array {
  const n = check(points, dim, weights, k);
  const chosen = new Int32Array(k);
  const taken = new Uint8Array(n);
  const mass = Float64Array.from(weights);
  let total = 0;
  for (let i = 0; i < n; i++) total += mass[i]!;
  const d2 = new Float64Array(n).fill(Infinity);
  for (let c = 0; c < k; c++) {
    let i = total > 0 ? pick(mass, rng.nextDouble() * total) : -1;
    if (i < 0) i = taken.indexOf(0);
    chosen[c] = i;
    taken[i] = 1;
    total = 0;
    for (let p = 0; p < n; p++) {
      const d = squaredDistance(points, p, points, i, dim);
      if (d < d2[p]!) d2[p] = d;
      mass[p] = taken[p] ? 0 : weights[p]! * d2[p]!;
      total += mass[p]!;
    }
  }
  return chosen;
}

/**
 * Lloyd's algorithm from the given centres: assign every point to its nearest centre (ties: the lowest index),
 * move each centre to the weighted mean of its points, until an assignment changes nothing or `maxIterations`.
 * A cluster left empty takes the point farthest from its own centre among clusters of more than one point (ties:
 * the lowest index), so the result always has k non-empty clusters.
 */
export function lloyd(points: ArrayLike<number>, dim: number, weights: ArrayLike<number>, initial: ArrayLike<number>, maxIterations = KMEANS_MAX_ITERATIONS): KMeansResult {
  const k = initial.length / dim;
  const n = check(points, dim, weights, k);
  if (!Number.isInteger(k)) throw new RangeError(`k-means: ${initial.length} initial values are not centres of dimension ${dim}`);
  const centroids = Float64Array.from(initial);
  const labels = new Int32Array(n).fill(-1);
  const distance = new Float64Array(n);
  const counts = new Int32Array(k);
  const sums = new Float64Array(k * dim);
  const mass = new Float64Array(k);
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations) {
    iterations++;
    let changed = 0;
    for (let p = 0; p < n; p++) {
      // Start from the current centre (ties still go to the lowest index below); a sum stops once it is beaten.
      const from = labels[p]! >= 0 ? labels[p]! : 0;
      let best = from;
      let bestD = squaredDistance(points, p, centroids, from, dim);
      const at = p * dim;
      for (let c = 0; c < k; c++) {
        if (c === from) continue;
        let d = 0;
        for (let q = 0, o = c * dim; q < dim && d <= bestD; q++) {
          const x = points[at + q]! - centroids[o + q]!;
          d += x * x;
        }
        if (d < bestD || (d === bestD && c < best)) {
          bestD = d;
          best = c;
        }
      }
      distance[p] = bestD;
      if (labels[p] !== best) {
        labels[p] = best;
        changed++;
      }
    }
    if (changed === 0) {
      converged = true;
      break;
    }
    counts.fill(0);
    for (let p = 0; p < n; p++) counts[labels[p]!]!++;
    for (let c = 0; c < k; c++) {
      if (counts[c]! > 0) continue;
      let far = -1;
      for (let p = 0; p < n; p++) if (counts[labels[p]!]! > 1 && (far < 0 || distance[p]! > distance[far]!)) far = p;
      counts[labels[far]!]!--;
      labels[far] = c;
      distance[far] = 0;
      counts[c] = 1;
    }
    sums.fill(0);
    mass.fill(0);
    for (let p = 0; p < n; p++) {
      const c = labels[p]!;
      const w = weights[p]!;
      mass[c] = mass[c]! + w;
      for (let q = 0; q < dim; q++) sums[c * dim + q] = sums[c * dim + q]! + w * points[p * dim + q]!;
    }
    for (let c = 0; c < k; c++) for (let q = 0; q < dim; q++) centroids[c * dim + q] = sums[c * dim + q]! / mass[c]!;
  }
  let inertia = 0;
  for (let p = 0; p < n; p++) inertia += weights[p]! * squaredDistance(points, p, centroids, labels[p]!, dim);
  return { centroids, labels, iterations, converged, inertia };
}

/** K-means of weighted points into k clusters: k-means++ seeding from `rng`, then Lloyd iterations. */
export function weightedKMeans(points: ArrayLike<number>, dim: number, weights: ArrayLike<number>, k: number, rng: RandomStream, maxIterations = KMEANS_MAX_ITERATIONS): KMeansResult {
  const seeds = kMeansPlusPlus(points, dim, weights, k, rng);
  const initial = new Float64Array(k * dim);
  seeds.forEach((p, c) => {
    for (let q = 0; q < dim; q++) initial[c * dim + q] = points[p * dim + q]!;
  });
  return lloyd(points, dim, weights, initial, maxIterations);
}
