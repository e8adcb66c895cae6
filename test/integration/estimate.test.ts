import { describe, expect, it } from 'vitest';
import { runConfig } from '../../src/core/config';
import type { GenerationRecord } from '../../src/common/model';
import { estimateSeconds, lifetimesOf, measuredThroughput } from '../../src/main/services/estimate';
import { Store } from '../../src/main/store/store';

const record = (generation: number, envSteps: number, wallMs: number): GenerationRecord => ({
  generation, mean: 0, max: 0, min: 0, std: 0, perMorphology: {}, lr: 0.2, sigma: 0.1, envSteps, wallMs, blownUp: 0,
});

describe('how long a run would take here', () => {
  it('counts training lifetimes and held-out tests (generation 0, every N-th, the last)', () => {
    const config = runConfig({ name: 'x', es: { popSize: 10 }, generations: 25, morphologies: ['standard', 'damaged-right'], heldout: { morphologies: ['damaged-left'], every: 10, episodes: 5 } });
    // 25 × 10 × 2 = 500 training lifetimes; tests at 0, 10, 20 and 24: 4 × 5 × 1 = 20.
    expect(lifetimesOf(config)).toBe(520);
    expect(lifetimesOf(runConfig({ name: 'y', es: { popSize: 4 }, generations: 3, morphologies: ['standard'] }))).toBe(12);
    // The car has no bodies: one lifetime per candidate per generation, each on a new track.
    expect(lifetimesOf(runConfig({ name: 'car', env: 'racing', es: { popSize: 8 }, generations: 5 }))).toBe(40);
  });

  it('measures env steps per second and steps per lifetime from the generations trained in this store', () => {
    const store = Store.open(':memory:');
    expect(measuredThroughput(store)).toBeNull();
    const a = store.createRun({ name: 'a', config: runConfig({ name: 'a', es: { popSize: 4 }, morphologies: ['standard'] }), seed: 1 });
    const b = store.createRun({ name: 'b', config: runConfig({ name: 'b', es: { popSize: 8 }, morphologies: ['standard', 'damaged-right'] }), seed: 1 });
    // a: 2 generations of 4 lifetimes, 2 000 steps in 1 s each; b: 1 generation of 16 lifetimes, 12 000 steps in 4 s.
    store.commitGeneration(a.id, record(0, 2000, 1000), new Uint8Array([1]));
    store.commitGeneration(a.id, record(1, 2000, 1000), new Uint8Array([1]));
    store.commitGeneration(b.id, record(0, 12000, 4000), new Uint8Array([1]));
    const t = measuredThroughput(store)!;
    expect(t.generations).toBe(3);
    expect(t.envStepsPerSecond).toBeCloseTo(16000 / 6, 9); // 16 000 steps in 6 s
    expect(t.stepsPerLifetime).toBeCloseTo(16000 / 24, 9); // over 4 + 4 + 16 lifetimes
    // 100 lifetimes of 666.7 steps at 2 666.7 steps/s: 25 s.
    expect(estimateSeconds(runConfig({ name: 'c', es: { popSize: 10 }, generations: 10, morphologies: ['standard'] }), t)).toBeCloseTo(25, 9);
    store.close();
  });
});
