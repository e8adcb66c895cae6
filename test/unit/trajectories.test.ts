import { describe, expect, it } from 'vitest';
import { analyseTrajectories, layerColumns } from '../../src/core/analysis/trajectories';

/** A lifetime of a [1, 2, 1] network (layer 0: 2 synapses, layer 1: 2) whose layer-1 weights are `points`. */
const lifetime = (seed: number, steps: number[], points: [number, number][]) => ({
  seed,
  steps: Int32Array.from(steps),
  weights: Float32Array.from(points.flatMap(([a, b]) => [100 + seed, -100, a, b])),
});

describe('weight trajectories', () => {
  // Layer 1 at step 0: (0,0), (2,0), (0,2); at step 10 all at (1,1); lifetime 3 has no snapshot at step 20.
  const lifetimes = [
    lifetime(1, [0, 10, 20], [[0, 0], [1, 1], [1, 1]]),
    lifetime(2, [0, 10, 20], [[2, 0], [1, 1], [1, 1]]),
    lifetime(3, [0, 10], [[0, 2], [1, 1]]),
  ];
  const result = analyseTrajectories(lifetimes, { layerSizes: [1, 2, 1], layers: [1], events: [{ label: 'stop', from: 5, to: null }] });

  it('measures the spread between lifetimes per step in the chosen layers (hand-computed)', () => {
    expect(result.synapses).toBe(2);
    expect(result.layers).toEqual([1]);
    expect(result.spread.steps).toEqual([0, 10, 20]);
    expect(result.spread.lifetimes).toEqual([3, 3, 2]);
    // Step 0: pairwise distances 2, 2, 2√2; norms 0, 2, 2; centroid (2/3, 2/3) at √8/3, √20/3, √20/3.
    expect(result.spread.meanPairwise[0]).toBeCloseTo((4 + 2 * Math.SQRT2) / 3, 6);
    expect(result.spread.meanNorm[0]).toBeCloseTo(4 / 3, 6);
    expect(result.spread.meanToCentroid[0]).toBeCloseTo((Math.sqrt(8) + 2 * Math.sqrt(20)) / 9, 6);
    expect(result.spread.relative[0]).toBeCloseTo((4 + 2 * Math.SQRT2) / 4, 6);
    expect(result.spread.meanPairwise.slice(1)).toEqual([0, 0]);
    expect(result.convergence).toEqual({ initialRelative: result.spread.relative[0], finalRelative: 0, halfStep: 10 });
  });

  it('projects every snapshot on the components of all of them; equal weights get equal scores', () => {
    expect(result.snapshots).toBe(8);
    expect(result.lifetimes.map((l) => l.seed)).toEqual([1, 2, 3]);
    expect(result.lifetimes.map((l) => l.steps)).toEqual([[0, 10, 20], [0, 10, 20], [0, 10]]);
    const [pc1, pc2] = [0, 1].map((j) => result.lifetimes.flatMap((l) => l.scores[j]!));
    // Snapshot order: (0,0) (1,1) (1,1) (2,0) (1,1) (1,1) (0,2) (1,1)
    const points = [[0, 0], [1, 1], [1, 1], [2, 0], [1, 1], [1, 1], [0, 2], [1, 1]];
    const mean = [points.reduce((s, p) => s + p[0]!, 0) / 8, points.reduce((s, p) => s + p[1]!, 0) / 8];
    // Two components in a 2-d space: the scores keep every distance to the mean.
    points.forEach((p, i) => expect(Math.hypot(pc1![i]!, pc2![i]!)).toBeCloseTo(Math.hypot(p[0]! - mean[0]!, p[1]! - mean[1]!), 5));
    expect(new Set([1, 2, 4, 5, 7].map((i) => pc1![i]!.toFixed(6))).size).toBe(1);
    expect(result.explained[0]! + result.explained[1]!).toBeCloseTo(1, 6);
  });

  it('marks an event at the first snapshot at or after its start, and a window at the first at or after its end', () => {
    expect(result.lifetimes.map((l) => l.eventSnapshots)).toEqual([[1], [1], [1]]);
    expect(result.lifetimes.map((l) => l.eventEndSnapshots)).toEqual([[null], [null], [null]]);
    const late = analyseTrajectories(lifetimes, { layerSizes: [1, 2, 1], events: [{ label: 'window', from: 5, to: 12 }, { label: 'late', from: 15, to: 30 }] });
    expect(late.lifetimes.map((l) => l.eventSnapshots)).toEqual([[1, 2], [1, 2], [1, null]]);
    expect(late.lifetimes.map((l) => l.eventEndSnapshots)).toEqual([[2, null], [2, null], [null, null]]);
  });

  it('refuses one lifetime, a layer the network lacks, and snapshots that do not fit', () => {
    expect(() => analyseTrajectories(lifetimes.slice(0, 1), { layerSizes: [1, 2, 1] })).toThrow(/at least 2 lifetimes/);
    expect(() => layerColumns([1, 2, 1], [2])).toThrow('layer 2 does not exist (the network has layers 0–1)');
    expect(() => analyseTrajectories(lifetimes, { layerSizes: [1, 3, 1] })).toThrow(/lifetime 0 holds 12 weights, not 3 snapshots × 6 synapses/);
  });

  it('reads the columns of each layer of a snapshot row', () => {
    expect(layerColumns([28, 128, 64, 8])).toEqual({ layers: [0, 1, 2], ranges: [[0, 3584], [3584, 11776], [11776, 12288]] });
    expect(layerColumns([28, 128, 64, 8], [2, 0])).toEqual({ layers: [0, 2], ranges: [[0, 3584], [11776, 12288]] });
  });
});
