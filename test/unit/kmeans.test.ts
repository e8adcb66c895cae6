import { describe, expect, it } from 'vitest';
import { kMeansPlusPlus, lloyd, weightedKMeans } from '../../src/core/merge/kmeans';
import { RandomStream } from '../../src/core/random';

const ones = (n: number): Float64Array => new Float64Array(n).fill(1);

describe('weighted K-means', () => {
  it('six points in 2-D in two well separated groups: the hand-computed centroids, whatever the seed', () => {
    const points = Float64Array.of(0, 0, 1, 0, 0, 1, 10, 10, 11, 10, 10, 11);
    for (let seed = 0; seed < 20; seed++) {
      const r = weightedKMeans(points, 2, ones(6), 2, RandomStream.of(seed, 7));
      expect(r.converged).toBe(true);
      const first = r.labels[0]!;
      expect([...r.labels]).toEqual([first, first, first, 1 - first, 1 - first, 1 - first]);
      const c = (i: number): number[] => [r.centroids[2 * i]!, r.centroids[2 * i + 1]!];
      expect(c(first)[0]).toBeCloseTo(1 / 3, 12);
      expect(c(first)[1]).toBeCloseTo(1 / 3, 12);
      expect(c(1 - first)[0]).toBeCloseTo(31 / 3, 12);
      expect(c(1 - first)[1]).toBeCloseTo(31 / 3, 12);
      // Σ w·d²: each group has squared distances 2/9, 5/9, 5/9 from its centroid.
      expect(r.inertia).toBeCloseTo(2 * (12 / 9), 12);
    }
  });

  it('centroids are weighted means: rules followed by 3 synapses pull 3 times as hard (an unweighted mean gives 0.5 and 10.5)', () => {
    const r = lloyd(Float64Array.of(0, 1, 10, 11), 1, Float64Array.of(3, 1, 1, 3), Float64Array.of(0, 11));
    expect([...r.labels]).toEqual([0, 0, 1, 1]);
    expect(r.centroids[0]).toBeCloseTo(0.25, 14);
    expect(r.centroids[1]).toBeCloseTo(10.75, 14);
  });

  it('Lloyd iterates to the fixed point: points 0, 2, 3, 10 from centres 0 and 2 end at 5/3 and 10 (one update step would leave 0 and 5)', () => {
    // By hand: {0} {2,3,10} → 0, 5; {0,2} {3,10} → 1, 6.5; {0,2,3} {10} → 5/3, 10; no change.
    const r = lloyd(Float64Array.of(0, 2, 3, 10), 1, ones(4), Float64Array.of(0, 2));
    expect([...r.labels]).toEqual([0, 0, 0, 1]);
    expect(r.centroids[0]).toBeCloseTo(5 / 3, 14);
    expect(r.centroids[1]).toBe(10);
    expect(r.iterations).toBe(4);
    expect(r.converged).toBe(true);
    const once = lloyd(Float64Array.of(0, 2, 3, 10), 1, ones(4), Float64Array.of(0, 2), 1);
    expect([...once.centroids]).toEqual([0, 5]);
    expect(once.converged).toBe(false);
  });

  it('an empty cluster takes the farthest point of a cluster of several (ties: the lowest index)', () => {
    // Centre 100 gets nothing; points 1 and 11 are both 1 from their centres: point 1 moves.
    const r = lloyd(Float64Array.of(0, 1, 10, 11), 1, ones(4), Float64Array.of(0, 100, 10));
    expect([...r.labels]).toEqual([0, 1, 2, 2]);
    expect([...r.centroids]).toEqual([0, 1, 10.5]);
  });

  it('k identical points still give k non-empty clusters', () => {
    const r = weightedKMeans(new Float64Array(10).fill(1), 2, ones(5), 3, RandomStream.of(1, 2));
    expect(new Set(r.labels).size).toBe(3);
    expect([...r.centroids]).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('k-means++ draws the first centre ∝ weight and the next ∝ weight · D² (hand-computed probabilities)', () => {
    // Points 0, 1, 3 with weights 1, 1, 2. First: 1/4, 1/4, 1/2. Then w·D²: after 0 → (0, 1, 18); after 1 →
    // (1, 0, 8); after 3 → (9, 4, 0).
    const expected: Record<string, number> = {
      '0,1': (1 / 4) * (1 / 19), '0,2': (1 / 4) * (18 / 19),
      '1,0': (1 / 4) * (1 / 9), '1,2': (1 / 4) * (8 / 9),
      '2,0': (1 / 2) * (9 / 13), '2,1': (1 / 2) * (4 / 13),
    };
    const N = 20_000;
    const counts: Record<string, number> = {};
    for (let seed = 0; seed < N; seed++) {
      const key = [...kMeansPlusPlus(Float64Array.of(0, 1, 3), 1, Float64Array.of(1, 1, 2), 2, RandomStream.of(seed, 3))].join(',');
      counts[key] = (counts[key] ?? 0) + 1;
    }
    expect(Object.keys(counts).sort()).toEqual(Object.keys(expected).sort());
    for (const [key, p] of Object.entries(expected)) {
      const sd = Math.sqrt((p * (1 - p)) / N);
      expect(Math.abs(counts[key]! / N - p)).toBeLessThan(4.5 * sd);
    }
  });

  it('refuses bad input naming what is wrong', () => {
    expect(() => weightedKMeans(Float64Array.of(0, 1), 1, ones(2), 3, RandomStream.of(0))).toThrow(/k must be an integer in \[1, 2\]/);
    expect(() => weightedKMeans(Float64Array.of(0, 1), 1, Float64Array.of(1, 0), 1, RandomStream.of(0))).toThrow(/weight 1 must be positive/);
    expect(() => weightedKMeans(Float64Array.of(0, NaN), 1, ones(2), 1, RandomStream.of(0))).toThrow(/point 1 is not finite/);
  });
});
