/**
 * One blown-up lifetime never kills a run (docs/METHOD.md#non-finite-state): constructed genomes whose
 * lifetimes overflow float32, run through the real evaluator pool and the real coordinator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAmmo } from '../../src/core/envs/quadruped/ammo';
import { QuadrupedEnv } from '../../src/core/envs/quadruped/quadruped-env';
import { ask, candidateParams, createNoiseTable, init, tell, type EsState, type NoiseTable } from '../../src/core/es';
import { parseMjcf } from '../../src/core/morphology/mjcf';
import { QUADRUPED_MLP } from '../../src/core/nn/mlp';
import { genomeLayout, initialCentre, segmentStart, type PolicySpec } from '../../src/core/policy/genome';
import { Domain, RandomStream } from '../../src/core/random';
import { BLOWN_UP_FITNESS, lifetimeStreams } from '../../src/core/rollout/lifetime';
import { runLifetimeTask, type LifetimeTask } from '../../src/main/services/lifetimes';
import { presetXml } from '../../src/main/services/presets';
import { Store } from '../../src/main/store/store';
import { createRun, ensurePresets, train } from '../../src/main/training/coordinator';
import { EvaluatorPool } from '../../src/main/training/evaluator-pool';
import type { CandidateResult } from '../../src/main/training/protocol';

const SPEC: PolicySpec = { kind: 'hebbian', rule: 'ABCD_lr', indexing: 'corrected', init: 'coevolve', normalise: 'none' };
const RUN_SEED = 11;
const POP = 8;
/** Observation 10 is ankle 1's normalised position: (q − 1.1345)/0.6109 ∈ [−2.02, −1.69] at reset (q ~ U(±0.1)). */
const ANKLE_1 = 10;
/** A lifetime-initial weight on that input: W·x overflows float32 exactly when |x| > 1.857, for about half the starts. */
const W = Math.fround(3.4028234663852886e38 / 1.857);
const SYNAPSE = 5 * 28 + ANKLE_1; // layer 0, neuron 5

describe('through the evaluator pool: a constructed centre some of whose lifetimes overflow', () => {
  let noise: NoiseTable;
  let state: EsState;
  let results: CandidateResult[];
  let genomes: Float32Array[];
  let predicted: boolean[];

  beforeAll(async () => {
    const layout = genomeLayout(QUADRUPED_MLP, SPEC);
    const centre = initialCentre(QUADRUPED_MLP, layout, RandomStream.of(RUN_SEED, Domain.initialCentre));
    centre[segmentStart(layout, 'initialWeights') + SYNAPSE] = W;
    noise = createNoiseTable(5, 1 << 20);
    state = init({ popSize: POP, noiseTableSize: noise.size, seed: 9, noiseSeed: 5 }, centre);
    genomes = ask(state).map((c) => candidateParams(state, noise, c, new Float32Array(layout.size)));
    // Which lifetimes must blow up, from their reset observations alone: the first forward pass sees the reset
    // observation (docs/METHOD.md#lifetime), and W·x is a float32 product (the neuron's other terms are far too small to matter).
    const env = new QuadrupedEnv(await loadAmmo(), parseMjcf(presetXml('standard'), 'standard'));
    predicted = genomes.map((g, c) => {
      const x = env.reset(lifetimeStreams(RUN_SEED, 0, c, 0).env)[ANKLE_1]!;
      return !Number.isFinite(Math.fround(g[segmentStart(layout, 'initialWeights') + SYNAPSE]! * x));
    });
    env.dispose();
    const theta = new SharedArrayBuffer(centre.length * 4);
    new Float32Array(theta).set(centre);
    const pool = new EvaluatorPool(
      { runSeed: RUN_SEED, policy: SPEC, net: QUADRUPED_MLP, morphologies: [{ name: 'standard', mjcf: presetXml('standard') }], noise: noise.data.buffer as SharedArrayBuffer, theta, l2Coefficient: 0.01 },
      2,
    );
    try {
      await pool.ready();
      results = await pool.evaluate(0, state.sigma, ask(state));
    } finally {
      await pool.close();
    }
  });

  it('the construction gives a mix: some lifetimes overflow, some do not', () => {
    const blown = predicted.filter(Boolean).length;
    expect(blown).toBeGreaterThan(0);
    expect(blown).toBeLessThan(POP);
  });

  it('exactly the predicted lifetimes score the floor, at once, and are counted', () => {
    results.forEach((r, c) => {
      if (predicted[c]) {
        expect(r.perMorphology).toEqual([BLOWN_UP_FITNESS]);
        expect(r.blownUp).toBe(1);
        expect(r.envSteps).toBe(40); // the burn-in only: the non-finite network never drove the body
      } else {
        expect(r.perMorphology[0]).toBeGreaterThan(BLOWN_UP_FITNESS);
        expect(r.blownUp).toBe(0);
        expect(r.envSteps).toBeGreaterThan(241);
      }
    });
  });

  it('every fitness is finite (lifetime − 0.01·mean of the rule coefficients²), so the ES step goes on', () => {
    const rules = 28 * 128 * 5 + 128 * 64 * 5 + 64 * 8 * 5;
    results.forEach((r, c) => {
      let squares = 0;
      for (let k = 0; k < rules; k++) squares += genomes[c]![k]! ** 2;
      expect(r.fitness).toBeCloseTo(r.perMorphology[0]! - (0.01 * squares) / rules, 9);
    });
    const next = tell(state, results.map((r) => r.fitness), noise);
    expect(next.generation).toBe(1);
    expect(next.theta.every(Number.isFinite)).toBe(true);
  });
});

describe('through the coordinator: a run whose every lifetime overflows', () => {
  let store: Store;
  beforeAll(() => {
    store = Store.open(':memory:');
    ensurePresets(store);
  });
  afterAll(() => store.close());

  // σ = 1e37 makes every rule term η·A … η·D overflow float32, so the first Hebbian update makes every weight
  // non-finite: each lifetime ends by t = 1. No L2 penalty, so each candidate's fitness is exactly the floor.
  it('trains to the end, every generation recording the floor and how many lifetimes ended so', async () => {
    const { id } = createRun(store, {
      name: 'overflows', generations: 2, seed: 3, morphologies: ['standard', 'damaged-right'],
      es: { popSize: 4, sigma: 1e37, l2Coefficient: 0, noiseTableSize: 1 << 20 },
    });
    expect(await train(store, id, { workers: 2 })).toBe('finished');
    const records = store.generations(id);
    expect(records.map((g) => g.generation)).toEqual([0, 1]);
    for (const g of records) {
      expect(g.blownUp).toBe(4 * 2);
      expect([g.mean, g.max, g.min]).toEqual([BLOWN_UP_FITNESS, BLOWN_UP_FITNESS, BLOWN_UP_FITNESS]);
      expect(g.perMorphology).toEqual({ standard: BLOWN_UP_FITNESS, 'damaged-right': BLOWN_UP_FITNESS });
    }
    expect(store.getRun(id).status).toBe('finished');
  });
});

describe('in a damage experiment', () => {
  it('a lifetime that blows up scores the floor and contributes only its recorded, finite steps to the curve', async () => {
    const genome = new Float32Array(12_288);
    genome[2] = Infinity; // static network: layer 0, neuron 0, input 2
    const healthy = new Float32Array(12_288);
    const task = (g: Float32Array): LifetimeTask => ({ kind: 'curves', policy: { kind: 'static' }, genome: g, morphology: { name: 'standard', mjcf: presetXml('standard') }, lifetimes: [{ seed: 1, damage: [] }] });
    const blown = await runLifetimeTask(task(genome), () => {});
    const fine = await runLifetimeTask(task(healthy), () => {});
    if (blown.kind !== 'curves' || fine.kind !== 'curves') throw new Error('curves expected');
    expect(blown.results[0]).toMatchObject({ fitness: BLOWN_UP_FITNESS, distance: 0 });
    expect(blown.results[0]!.progress).toHaveLength(0);
    expect(fine.results[0]!.progress).toHaveLength(960);
    expect(fine.results[0]!.progress.every(Number.isFinite)).toBe(true);
  });
});
