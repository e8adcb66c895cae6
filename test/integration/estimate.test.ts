import { describe, expect, it } from 'vitest';
import { runConfig } from '../../src/core/config';
import type { GenerationRecord } from '../../src/common/model';
import { estimate, estimateSeconds, lifetimesOf, measuredThroughput, paperConfigs } from '../../src/main/services/estimate';
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

  it('measures each task on its own generations: a car run is estimated at the car\'s speed, or not at all', () => {
    const store = Store.open(':memory:');
    const ant = store.createRun({ name: 'ant', config: runConfig({ name: 'ant', es: { popSize: 4 }, morphologies: ['standard'] }), seed: 1 });
    // The quadruped: 4 lifetimes of 500 steps in 1 s (2 000 steps/s).
    store.commitGeneration(ant.id, record(0, 2000, 1000), new Uint8Array([1]));
    const car = runConfig({ name: 'car', env: 'racing', es: { popSize: 10 }, generations: 3 });
    const unmeasured = estimate(store, [car]);
    expect(unmeasured.seconds).toBeNull();
    expect(unmeasured.lifetimes).toBe(30);
    expect(unmeasured.basis).toBe('nothing measured yet: no car generation has been trained in this store (the first one measures the speed)');
    const both = estimate(store, [runConfig({ name: 'q', es: { popSize: 4 }, generations: 2, morphologies: ['standard'] }), car]);
    expect(both.seconds).toBeNull(); // the car's part is unknown, so the whole is
    expect(both.basis).toMatch(/^quadruped runs: about 0\.0 h, measured over the last 1 generation trained here: 2000 env steps\/s, 500 steps a lifetime; car runs: nothing measured yet/);

    // The car: 8 lifetimes of 50 steps (400 steps) in 2 s: 200 steps/s, ten times slower per step than the ant.
    const trained = store.createRun({ name: 'c', config: runConfig({ name: 'c', env: 'racing', es: { popSize: 8 } }), seed: 1 });
    store.commitGeneration(trained.id, record(0, 400, 2000), new Uint8Array([1]));
    expect(measuredThroughput(store, 'racing')).toMatchObject({ generations: 1, envStepsPerSecond: 200, stepsPerLifetime: 50 });
    expect(measuredThroughput(store, 'quadruped')).toMatchObject({ generations: 1, envStepsPerSecond: 2000, stepsPerLifetime: 500 });
    // Quadruped: 2 × 4 lifetimes × 500 steps at 2 000/s = 2 s; car: 30 lifetimes × 50 steps at 200/s = 7.5 s.
    const e = estimate(store, [runConfig({ name: 'q', es: { popSize: 4 }, generations: 2, morphologies: ['standard'] }), car]);
    expect(e.seconds).toBeCloseTo(9.5, 9);
    expect(e.lifetimes).toBe(38);
    expect(e.basis).toContain('car runs: about 0.0 h, measured over the last 1 generation trained here: 200 env steps/s, 50 steps a lifetime');
    store.close();
  });
});

describe("the paper's experiment as run configs", () => {
  it('queues the quadruped runs, then the car runs with the settings of the paper\'s code (docs/METHOD.md#es-hyper-parameters)', () => {
    const configs = paperConfigs([1, 2]);
    expect(configs.map((c) => [c.name, c.env, c.seed])).toEqual([
      ['paper hebbian seed 1', 'quadruped', 1], ['paper static seed 1', 'quadruped', 1], ['paper hebbian seed 2', 'quadruped', 2], ['paper static seed 2', 'quadruped', 2],
      ['paper car hebbian seed 1', 'racing', 1], ['paper car static seed 1', 'racing', 1], ['paper car hebbian seed 2', 'racing', 2], ['paper car static seed 2', 'racing', 2],
    ]);
    for (const car of configs.filter((c) => c.env === 'racing')) {
      // Population 200, 300 generations, α 0.2 × 0.995, σ 0.1 × 0.999 (train_hebb.py / train_static.py defaults).
      expect([car.es.popSize, car.generations, car.es.lr, car.es.lrDecay, car.es.sigma, car.es.sigmaDecay, car.es.optimizer]).toEqual([200, 300, 0.2, 0.995, 0.1, 0.999, 'sgd']);
      expect(car.morphologies).toEqual([]);
      expect(car.heldout).toEqual({ morphologies: [], tracks: true, every: 10, episodes: 5 });
    }
    // The Hebbian car: ABCD_lr, U(±0.1) initial weights each lifetime, each FC layer ÷ max |w| after every update.
    expect(configs[4]!.policy).toEqual({ kind: 'hebbian', rule: 'ABCD_lr', indexing: 'corrected', init: 'uni', normalise: 'maxabs' });
    expect(configs[5]!.policy).toEqual({ kind: 'static' });
    // One lifetime per candidate: 300 × 200 = 60 000 a car run, the quadruped's 300 × 200 × 2; both plus 31 tests
    // of 5 (generations 0, 10, …, 290 and the last, 299).
    expect(lifetimesOf(configs[4]!)).toBe(60_000 + 31 * 5);
    expect(lifetimesOf(configs[0]!)).toBe(120_000 + 31 * 5);
  });

  it('chooses tasks, and shortens every run to `generations` when given', () => {
    expect(paperConfigs([3], 2, ['racing']).map((c) => [c.name, c.generations])).toEqual([['paper car hebbian seed 3', 2], ['paper car static seed 3', 2]]);
    expect(paperConfigs([3], undefined, ['quadruped']).map((c) => c.name)).toEqual(['paper hebbian seed 3', 'paper static seed 3']);
  });
});
