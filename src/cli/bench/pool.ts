/** Benchmark of the evaluator pool: generation throughput with two workers over one. */
import { ask, createNoiseTable, init } from '../../core/es';
import { QUADRUPED_MLP } from '../../core/nn/mlp';
import { genomeLayout, initialCentre, type PolicySpec } from '../../core/policy/genome';
import { Domain, RandomStream } from '../../core/random';
import { presetXml } from '../../main/services/presets';
import { EvaluatorPool } from '../../main/training/evaluator-pool';
import type { WorkerInit } from '../../main/training/protocol';
import type { Benchmark } from './registry';

export function poolBenchmarks(): Benchmark[] {
  const spec: PolicySpec = { kind: 'hebbian', rule: 'ABCD_lr', indexing: 'corrected', init: 'uni', normalise: 'none' };
  const noise = createNoiseTable(1, 1 << 20);
  const state = init({ popSize: 32, noiseTableSize: noise.size }, initialCentre(QUADRUPED_MLP, genomeLayout(QUADRUPED_MLP, spec), RandomStream.of(1, Domain.initialCentre)));
  const theta = new SharedArrayBuffer(state.theta.length * 4);
  new Float32Array(theta).set(state.theta);
  const workerInit: WorkerInit = {
    runSeed: 1, policy: spec, net: QUADRUPED_MLP, l2Coefficient: 0.01, theta, noise: noise.data.buffer as SharedArrayBuffer,
    morphologies: (['standard', 'damaged-right'] as const).map((name) => ({ name, mjcf: presetXml(name) })),
  };
  const pools = new Map<number, EvaluatorPool>();
  const generationMs = async (workers: number, generation: number): Promise<number> => {
    let pool = pools.get(workers);
    if (!pool) {
      pool = new EvaluatorPool(workerInit, workers);
      pools.set(workers, pool);
      await pool.ready();
    }
    const start = process.hrtime.bigint();
    await pool.evaluate(generation, state.sigma, ask({ ...state, generation }));
    return Number(process.hrtime.bigint() - start) / 1e6;
  };
  let round = 0;
  return [
    {
      key: 'pool_speedup_2_workers',
      unit: '×',
      description: 'generation throughput (pop 32, standard + damaged-right) with 2 workers ÷ with 1',
      measure: async () => {
        const g = round++; // a fresh generation each time: other candidates, other lifetimes
        return (await generationMs(1, g)) / (await generationMs(2, g));
      },
      dispose: async () => {
        await Promise.all([...pools.values()].map((p) => p.close()));
      },
    },
  ];
}
