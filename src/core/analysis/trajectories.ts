/**
 * Weight trajectories (the paper's attractor figure): several lifetimes of one network from different random
 * initial weights, their weight snapshots projected on the principal components of all snapshots together, and
 * the spread between the lifetimes over time — do they converge to one region, and how fast (docs/METHOD.md,
 * weight trajectories). Works on whatever layers the snapshots hold: rows are [layer][out][in] concatenated.
 */
import { principalComponents } from './pca';

/** One lifetime's weight snapshots, as a recording holds them. */
export interface LifetimeSnapshots {
  /** The recording seed that picked the lifetime (its initial weights and state). */
  readonly seed: number;
  /** Policy step of each snapshot, increasing. */
  readonly steps: Int32Array;
  /** snapshots × synapses. */
  readonly weights: Float32Array;
}

/** A perturbation to mark, in policy steps. */
export interface TrajectoryEvent {
  readonly label: string;
  readonly from: number;
  /** End of a window (exclusive), or null for an event at one step. */
  readonly to: number | null;
}

export interface TrajectoryOptions {
  /** The network's layer sizes, input first (the snapshots' layout). */
  readonly layerSizes: readonly number[];
  /** Which layers to analyse (0 = input → first hidden); all when absent. */
  readonly layers?: readonly number[];
  /** Principal components to keep (default 3). */
  readonly components?: number;
  readonly events?: readonly TrajectoryEvent[];
}

export interface LifetimeTrajectory {
  readonly seed: number;
  readonly steps: number[];
  /** scores[j][i]: snapshot i on component j. */
  readonly scores: number[][];
  /** Per event, the index of the first snapshot at or after its start (null when the lifetime ended before). */
  readonly eventSnapshots: (number | null)[];
  /** Per event, the first snapshot at or after the end of its window (null for a one-step event, or none left). */
  readonly eventEndSnapshots: (number | null)[];
}

/** The spread between lifetimes at each snapshot step (in the analysed weights, not in component space). */
export interface Spread {
  readonly steps: number[];
  /** Lifetimes that have a snapshot at that step (a lifetime that blew up stops early). */
  readonly lifetimes: number[];
  /** Mean Euclidean distance over all pairs of lifetimes. */
  readonly meanPairwise: number[];
  /** Mean distance of the lifetimes from their mean. */
  readonly meanToCentroid: number[];
  /** Mean Euclidean norm of the lifetimes' weights. */
  readonly meanNorm: number[];
  /** meanPairwise / meanNorm: scale-free (the weights of an unnormalised network grow as it lives). */
  readonly relative: number[];
}

export interface Convergence {
  readonly initialRelative: number;
  readonly finalRelative: number;
  /** The first step from which the relative spread stays at or below half its first value; null if never. */
  readonly halfStep: number | null;
}

export interface TrajectoryAnalysis {
  /** Synapses analysed (columns). */
  readonly synapses: number;
  readonly layers: number[];
  readonly snapshots: number;
  /** Variance along each component, and its share of the total. */
  readonly variances: number[];
  readonly explained: number[];
  readonly residual: number;
  readonly lifetimes: LifetimeTrajectory[];
  readonly spread: Spread;
  readonly convergence: Convergence;
  readonly events: TrajectoryEvent[];
}

/** Column ranges [start, end) of the chosen layers in a [layer][out][in] snapshot row. */
export function layerColumns(layerSizes: readonly number[], layers?: readonly number[]): { layers: number[]; ranges: [number, number][] } {
  const count = layerSizes.length - 1;
  if (count < 1) throw new RangeError('layerSizes must list at least an input and an output size');
  const chosen = layers && layers.length > 0 ? [...new Set(layers)].sort((a, b) => a - b) : Array.from({ length: count }, (_, l) => l);
  for (const l of chosen) {
    if (!Number.isInteger(l) || l < 0 || l >= count) throw new RangeError(`layer ${l} does not exist (the network has layers 0–${count - 1})`);
  }
  const starts = [0];
  for (let l = 0; l < count; l++) starts.push(starts[l]! + layerSizes[l]! * layerSizes[l + 1]!);
  return { layers: chosen, ranges: chosen.map((l) => [starts[l]!, starts[l + 1]!]) };
}

export function analyseTrajectories(lifetimes: readonly LifetimeSnapshots[], options: TrajectoryOptions): TrajectoryAnalysis {
  if (lifetimes.length < 2) throw new RangeError(`the spread between lifetimes needs at least 2 lifetimes, got ${lifetimes.length}`);
  const { layers, ranges } = layerColumns(options.layerSizes, options.layers);
  const full = options.layerSizes.slice(1).reduce((n, v, l) => n + v * options.layerSizes[l]!, 0);
  const columns = ranges.reduce((n, [a, b]) => n + b - a, 0);
  const rows = lifetimes.reduce((n, l) => n + l.steps.length, 0);
  lifetimes.forEach((l, i) => {
    if (l.weights.length !== l.steps.length * full) throw new RangeError(`lifetime ${i} holds ${l.weights.length} weights, not ${l.steps.length} snapshots × ${full} synapses`);
    for (let s = 1; s < l.steps.length; s++) if (!(l.steps[s]! > l.steps[s - 1]!)) throw new RangeError(`lifetime ${i}: snapshot steps must increase`);
  });
  // The analysed columns of every snapshot, lifetime after lifetime.
  const x = new Float32Array(rows * columns);
  const rowOf: number[][] = [];
  let r = 0;
  for (const l of lifetimes) {
    const mine: number[] = [];
    for (let s = 0; s < l.steps.length; s++, r++) {
      let at = r * columns;
      for (const [a, b] of ranges) {
        x.set(l.weights.subarray(s * full + a, s * full + b), at);
        at += b - a;
      }
      mine.push(r);
    }
    rowOf.push(mine);
  }
  const spread = spreadOverTime(x, columns, lifetimes, rowOf);
  const pca = principalComponents(x, rows, columns, options.components ?? 3, { inPlace: true });
  const events = [...(options.events ?? [])];
  const trajectories = lifetimes.map((l, i): LifetimeTrajectory => {
    const steps = Array.from(l.steps);
    return {
      seed: l.seed,
      steps,
      scores: Array.from({ length: pca.k }, (_, j) => rowOf[i]!.map((row) => pca.scores[row * pca.k + j]!)),
      eventSnapshots: events.map((e) => firstAtOrAfter(steps, e.from)),
      eventEndSnapshots: events.map((e) => (e.to === null ? null : firstAtOrAfter(steps, e.to))),
    };
  });
  const variances = Array.from(pca.variances);
  return {
    synapses: columns,
    layers,
    snapshots: rows,
    variances,
    explained: variances.map((v) => (pca.totalVariance > 0 ? v / pca.totalVariance : 0)),
    residual: pca.residual,
    lifetimes: trajectories,
    spread,
    convergence: convergenceOf(spread),
    events,
  };
}

function firstAtOrAfter(steps: readonly number[], t: number): number | null {
  const at = steps.findIndex((s) => s >= t);
  return at < 0 ? null : at;
}

function spreadOverTime(x: Float32Array, columns: number, lifetimes: readonly LifetimeSnapshots[], rowOf: number[][]): Spread {
  const steps = [...new Set(lifetimes.flatMap((l) => Array.from(l.steps)))].sort((a, b) => a - b);
  const out: Spread = { steps: [], lifetimes: [], meanPairwise: [], meanToCentroid: [], meanNorm: [], relative: [] };
  const centroid = new Float64Array(columns);
  for (const step of steps) {
    const present = lifetimes.flatMap((l, i) => {
      const s = l.steps.indexOf(step);
      return s < 0 ? [] : [rowOf[i]![s]! * columns];
    });
    if (present.length < 2) continue;
    let pairs = 0;
    let pairwise = 0;
    for (let a = 0; a < present.length; a++) {
      for (let b = a + 1; b < present.length; b++) {
        let d = 0;
        for (let c = 0; c < columns; c++) d += (x[present[a]! + c]! - x[present[b]! + c]!) ** 2;
        pairwise += Math.sqrt(d);
        pairs++;
      }
    }
    centroid.fill(0);
    let norms = 0;
    for (const o of present) {
      let n2 = 0;
      for (let c = 0; c < columns; c++) {
        centroid[c]! += x[o + c]! / present.length;
        n2 += x[o + c]! ** 2;
      }
      norms += Math.sqrt(n2);
    }
    let toCentroid = 0;
    for (const o of present) {
      let d = 0;
      for (let c = 0; c < columns; c++) d += (x[o + c]! - centroid[c]!) ** 2;
      toCentroid += Math.sqrt(d);
    }
    const meanNorm = norms / present.length;
    out.steps.push(step);
    out.lifetimes.push(present.length);
    out.meanPairwise.push(pairwise / pairs);
    out.meanToCentroid.push(toCentroid / present.length);
    out.meanNorm.push(meanNorm);
    out.relative.push(meanNorm > 0 ? pairwise / pairs / meanNorm : 0);
  }
  return out;
}

function convergenceOf(spread: Spread): Convergence {
  const r = spread.relative;
  if (r.length === 0) return { initialRelative: NaN, finalRelative: NaN, halfStep: null };
  const half = r[0]! / 2;
  let from = r.length;
  while (from > 0 && r[from - 1]! <= half) from--;
  return { initialRelative: r[0]!, finalRelative: r.at(-1)!, halfStep: r[0]! > 0 && from < r.length ? spread.steps[from]! : null };
}
