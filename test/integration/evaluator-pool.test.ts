import { beforeAll, describe, expect, it } from 'vitest';
import { loadAmmo } from '../../src/core/envs/quadruped/ammo';
import { QuadrupedEnv } from '../../src/core/envs/quadruped/quadruped-env';
import { ask, candidateParams, createNoiseTable, init, type EsState, type NoiseTable } from '../../src/core/es';
import { parseMjcf } from '../../src/core/morphology/mjcf';
import { QUADRUPED_MLP } from '../../src/core/nn/mlp';
import { genomeLayout, initialCentre, type PolicySpec } from '../../src/core/policy/genome';
import { makePolicy } from '../../src/core/policy/policies';
import { Domain, RandomStream } from '../../src/core/random';
import { evaluateCandidate } from '../../src/core/rollout/candidate';
import { presetXml } from '../../src/main/services/presets';
import { EvaluatorPool } from '../../src/main/training/evaluator-pool';
import type { CandidateResult, WorkerInit } from '../../src/main/training/protocol';

const SPEC: PolicySpec = { kind: 'hebbian', rule: 'ABCD_lr', indexing: 'corrected', init: 'uni', normalise: false };
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

/** The same generation computed in this thread, one candidate after another: the independent reference. */
async function inThisThread(): Promise<number[]> {
  const ammo = await loadAmmo();
  const envs = MORPHOLOGIES.map((m) => new QuadrupedEnv(ammo, parseMjcf(m.mjcf, m.name)));
  const layout = genomeLayout(QUADRUPED_MLP, SPEC);
  const policy = makePolicy(QUADRUPED_MLP, SPEC, state.theta);
  const out = ask(state).map((c) => {
    const genome = candidateParams(state, noise, c, new Float32Array(layout.size));
    return evaluateCandidate(policy, envs, layout, genome, { seed: RUN_SEED, generation: 0, candidate: c.index }, 0.01).fitness;
  });
  envs.forEach((e) => e.dispose());
  return out;
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
  let reference: number[];
  beforeAll(async () => {
    reference = await inThisThread();
  });

  it('gives each candidate the fitness computed in the main thread, in index order, with 1 worker and with 2', async () => {
    const one = await withPool(1);
    const two = await withPool(2);
    expect(one.results.map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(one.results.map((r) => r.fitness)).toEqual(reference);
    expect(two.results.map((r) => r.fitness)).toEqual(reference);
    // Mean of the two morphologies' lifetimes, minus the L2 penalty.
    const r = two.results[0]!;
    expect(r.perMorphology).toHaveLength(2);
    expect(r.fitness).toBeLessThan((r.perMorphology[0]! + r.perMorphology[1]!) / 2);
    expect(r.envSteps).toBeGreaterThanOrEqual(2 * 241);
  });

  it('survives a worker crash mid-generation: the worker is replaced and its candidates re-run', async () => {
    const { results, replacements } = await withPool(2, true);
    expect(replacements).toBe(1);
    expect(results.map((r) => r.fitness)).toEqual(reference);
  });
});
