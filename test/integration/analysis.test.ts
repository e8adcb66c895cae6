/**
 * The analysis services on a real store and real lifetimes: weight trajectories (in their worker) are the very
 * lifetimes `record` stores for the same seeds, their spread is what those recordings' weights give, and a stop of
 * plasticity freezes the trajectories where it is marked; rule inspection of one or two runs, refusals worded.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { inspectRunRules, weightTrajectories } from '../../src/main/services/analysis';
import { recordEpisode } from '../../src/main/services/evaluation';
import { Store, StoreError } from '../../src/main/store/store';
import { decodeRecording } from '../../src/core/rollout/recording-codec';
import type { Recording } from '../../src/core/rollout/lifetime';
import { createRun, ensurePresets, train } from '../../src/main/training/coordinator';

const BASE = { es: { popSize: 4, noiseTableSize: 1 << 20 }, generations: 1, morphologies: ['standard'] };
let store: Store;
const ids: number[] = [];

beforeAll(async () => {
  store = Store.open(':memory:');
  ensurePresets(store);
  for (const [name, seed, policy] of [['h1', 1, undefined], ['h2', 2, undefined], ['s1', 1, { kind: 'static' }]] as const) {
    const { id } = createRun(store, { ...BASE, name, seed, ...(policy ? { policy } : {}) });
    await train(store, id, { workers: 2 });
    ids.push(id);
  }
}, 120_000);

const distance = (a: Float32Array, b: Float32Array): number => Math.sqrt(a.reduce((s, x, i) => s + (x - b[i]!) ** 2, 0));

describe('weight trajectories', () => {
  it('are the lifetimes record stores for seeds 1…N; the spread is the mean distance between their weights', async () => {
    const progress: string[] = [];
    const t = await weightTrajectories(store, ids[0]!, { morphology: 'standard', lifetimes: 3, stride: 100 }, (d, n) => progress.push(`${d}/${n}`));
    expect(progress).toEqual(['1/4', '2/4', '3/4', '4/4']);
    expect(t.seeds).toEqual([1, 2, 3]);
    expect(t.generation).toBe(1);
    expect(t.analysis.synapses).toBe(12_288);
    expect(t.analysis.lifetimes.map((l) => l.steps)).toEqual([0, 1, 2].map(() => [0, 100, 200, 300, 400, 500, 600, 700, 800, 900]));
    const recorded: Recording[] = [];
    for (const seed of t.seeds) {
      const e = await recordEpisode(store, ids[0]!, { morphology: 'standard', seed, weightStride: 100 });
      recorded.push(decodeRecording(store.episodeTrajectory(e.id)));
      expect(e.fitness).toBe(t.fitness[seed - 1]);
    }
    const at = (r: Recording, s: number): Float32Array => r.weights.subarray(s * 12_288, (s + 1) * 12_288);
    for (const s of [0, 9]) {
      const pairs = ([[0, 1], [0, 2], [1, 2]] as const).map(([a, b]) => distance(at(recorded[a]!, s), at(recorded[b]!, s)));
      expect(t.analysis.spread.meanPairwise[s]! / (pairs.reduce((x, y) => x + y) / 3)).toBeCloseTo(1, 9);
    }
    expect(t.analysis.explained.reduce((a, b) => a + b)).toBeLessThanOrEqual(1 + 1e-9);
    expect(t.analysis.explained[0]).toBeGreaterThan(t.analysis.explained[2]!);
  });

  it('marks a stop of plasticity, after which every lifetime stays at one point', async () => {
    const damage = [{ kind: 'stopPlasticity', at: 300 }];
    const t = await weightTrajectories(store, ids[0]!, { morphology: 'standard', lifetimes: 2, stride: 100, damage, layers: [2] });
    expect(t.analysis.synapses).toBe(64 * 8);
    expect(t.analysis.events).toEqual([{ label: 'plasticity stopped at t 300', from: 300, to: null }]);
    for (const l of t.analysis.lifetimes) {
      expect(l.eventSnapshots).toEqual([3]);
      for (const pc of l.scores) {
        expect(new Set(pc.slice(3).map((v) => v.toFixed(9))).size).toBe(1);
        expect(pc[2]).not.toBeCloseTo(pc[3]!, 6); // still changing before the stop
      }
    }
  });

  it('refuses bad input in words, naming the field', async () => {
    await expect(weightTrajectories(store, ids[0]!, { morphology: 'standard', lifetimes: 1, stride: 10 })).rejects.toThrow('lifetimes must be an integer in [2, 50], got 1');
    await expect(weightTrajectories(store, ids[0]!, { morphology: 'standard', lifetimes: 50, stride: 1 })).rejects.toThrow(/50 × 960 = 48000 snapshots .* use fewer lifetimes or a longer stride/);
    await expect(weightTrajectories(store, ids[0]!, { morphology: 'standard', lifetimes: 2, stride: 10, layers: [3] })).rejects.toThrow('layers: layer 3 does not exist (the network has layers 0–2)');
    await expect(weightTrajectories(store, ids[0]!, { morphology: 'standard', lifetimes: 2, stride: 10, damage: [{ kind: 'stopPlasticity' }] })).rejects.toThrow(/damage\.0\.at/);
    await expect(weightTrajectories(store, ids[0]!, { morphology: 'standard', lifetimes: 2, stride: 10, generation: 5 })).rejects.toThrow(StoreError);
  });
});

describe('rule inspection', () => {
  it('one run: every synapse of each layer counted once, A and η paired for the scatter', () => {
    const report = inspectRunRules(store, [ids[0]!]);
    const [run] = report.runs;
    expect(run!.rule).toBe('ABCD_lr');
    expect(run!.layers.map((l) => l.synapses)).toEqual([28 * 128, 128 * 64, 64 * 8]);
    for (const l of run!.layers) {
      expect(l.coefficients.map((c) => c.label)).toEqual(['A', 'B', 'C', 'η', 'D']);
      for (const c of l.coefficients) expect(c.histogram.counts.reduce((a, b) => a + b)).toBe(l.synapses);
      expect(l.strengthLog10.counts.reduce((a, b) => a + b) + l.strengthLog10.zeros).toBe(l.synapses);
      expect(l.scatter!.a).toHaveLength(l.synapses);
      expect(l.scatter!.eta).toHaveLength(l.synapses);
      expect(l.off).toBe(Math.round(l.offShare * l.synapses));
    }
  });

  it('two runs side by side share each histogram range', () => {
    const report = inspectRunRules(store, [ids[0]!, ids[1]!], { offRelative: 0.1 });
    expect(report.offRelative).toBe(0.1);
    const [a, b] = report.runs;
    a!.layers.forEach((l, k) => l.coefficients.forEach((c, j) => {
      const other = b!.layers[k]!.coefficients[j]!;
      expect([c.histogram.lo, c.histogram.hi]).toEqual([other.histogram.lo, other.histogram.hi]);
      expect(c.histogram.lo).toBe(Math.min(c.min, other.min));
      expect(c.histogram.hi).toBe(Math.max(c.max, other.max));
    }));
  });

  it('refuses a static run in words', () => {
    expect(() => inspectRunRules(store, [ids[2]!])).toThrow(`run ${ids[2]} is a static network: it has no plasticity rules to inspect`);
  });
});
