import { beforeAll, describe, expect, it } from 'vitest';
import { makeQuadrupedEnv } from '../../src/core/envs/quadruped/make-env';
import { CURRENT_PHYSICS } from '../../src/core/envs/quadruped/physics';
import { ask, createNoiseTable, init, type EsState, type NoiseTable } from '../../src/core/es';
import { parseMjcf } from '../../src/core/morphology/mjcf';
import { QUADRUPED_MLP } from '../../src/core/nn/mlp';
import { genomeLayout, initialCentre, type PolicySpec } from '../../src/core/policy/genome';
import { makePolicy } from '../../src/core/policy/make-policy';
import { Domain, RandomStream } from '../../src/core/random';
import { lifetimeStreams, runLifetime } from '../../src/core/rollout/lifetime';
import { presetXml } from '../../src/main/services/presets';
import { EvaluatorPool } from '../../src/main/training/evaluator-pool';
import type { CandidateResult, WorkerInit } from '../../src/main/training/protocol';

const SPEC: PolicySpec = { kind: 'hebbian', rule: 'ABCD_lr', indexing: 'corrected', init: 'uni', normalise: 'none' };
const MORPHOLOGIES = (['standard', 'damaged-right'] as const).map((name) => ({ name, mjcf: presetXml(name) }));
const RUN_SEED = 21;

let noise: NoiseTable;
let state: EsState;
let workerInit: WorkerInit;

beforeAll(() => {
  const layout = genomeLayout(QUADRUPED_MLP, SPEC);
  noise = createNoiseTable(5, 1 << 20);
  state = init({ popSize: 6, noiseTableSize: noise.size, seed: 9, noiseSeed: 5 }, initialCentre(QUADRUPED_MLP, layout, RandomStream.of(RUN_SEED, Domain.initialCentre)));
  const theta = new SharedArrayBuffer(state.theta.length * 4);
  new Float32Array(theta).set(state.theta);
  workerInit = { runSeed: RUN_SEED, policy: SPEC, net: QUADRUPED_MLP, morphologies: MORPHOLOGIES, noise: noise.data.buffer as SharedArrayBuffer, theta, l2Coefficient: 0.01 };
});

interface Expected {
  readonly perMorphology: number[];
  /** 0.01 · mean of the candidate's rule coefficients squared (docs/METHOD.md#l2-penalty). */
  readonly penalty: number;
}

/**
 * What each candidate must score, built from docs/METHOD.md rather than through evaluateCandidate: its parameters
 * θ + sign·σ·ε[offset …] written out, one lifetime per body keyed (run seed, generation, candidate, body), and
 * the L2 penalty 0.01·mean(θ²) over the 12 288 × 5 rule coefficients.
 */
async function expected(): Promise<Expected[]> {
  // The workers' world: the init names no physics version, so they build the current one.
  const envs = await Promise.all(MORPHOLOGIES.map((m) => makeQuadrupedEnv(parseMjcf(m.mjcf, m.name), CURRENT_PHYSICS)));
  const out = ask(state).map((c) => {
    const genome = new Float32Array(state.theta.length);
    for (let j = 0; j < genome.length; j++) genome[j] = state.theta[j]! + c.sign * state.sigma * noise.data[c.offset + j]!;
    const perMorphology = envs.map((env, m) => runLifetime(env, makePolicy(QUADRUPED_MLP, SPEC, genome), lifetimeStreams(RUN_SEED, 0, c.index, m)).fitness);
    const rules = 12_288 * 5;
    let squares = 0;
    for (let k = 0; k < rules; k++) squares += genome[k]! ** 2;
    return { perMorphology, penalty: (0.01 * squares) / rules };
  });
  envs.forEach((e) => e.dispose());
  return out;
}

function expectScores(results: readonly CandidateResult[], reference: readonly Expected[]): void {
  expect(results.map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5]);
  results.forEach((r, c) => {
    const want = reference[c]!;
    expect(r.perMorphology).toEqual(want.perMorphology);
    expect(want.penalty).toBeGreaterThan(0.005); // N(0, 1) coefficients: ≈ 0.01 · (1 + σ²)
    expect((r.perMorphology[0]! + r.perMorphology[1]!) / 2 - r.fitness).toBeCloseTo(want.penalty, 12);
    expect(r.envSteps).toBeGreaterThanOrEqual(2 * 241);
  });
}

async function withPool(workers: number, crash = false): Promise<{ results: CandidateResult[]; replacements: number }> {
  const pool = new EvaluatorPool(workerInit, workers);
  try {
    await pool.ready();
    const pending = pool.evaluate(0, state.sigma, ask(state));
    if (crash) await pool.crashWorker(0); // worker 0 holds the first pair right now
    const results = await pending;
    return { results, replacements: pool.replacements };
  } finally {
    await pool.close();
  }
}

describe('evaluator pool', () => {
  let reference: Expected[];
  beforeAll(async () => {
    reference = await expected();
  });

  it('gives each candidate its lifetimes on both bodies minus the exact L2 penalty, in index order, with 1 worker and with 2', async () => {
    const one = await withPool(1);
    const two = await withPool(2);
    expectScores(one.results, reference);
    expect(two.results).toEqual(one.results);
  });

  it('survives a worker crash mid-generation: the worker is replaced and its candidates re-run', async () => {
    const { results, replacements } = await withPool(2, true);
    expect(replacements).toBe(1);
    expectScores(results, reference);
  });
});
