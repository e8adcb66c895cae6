/** The analysis benchmarks: principal components of weight trajectories the size the default analysis makes. */
import { principalComponents } from '../../core/analysis/pca';
import { RandomStream } from '../../core/random';
import type { Benchmark } from './registry';

/**
 * Five lifetimes × 96 snapshots × 12 288 synapses (the defaults: stride 10 over 960 policy steps), each lifetime a
 * random walk from its own U(±0.1) start, so the spectrum has the dominant drift directions trajectories have.
 */
function trajectoryPca(): Benchmark {
  const lifetimes = 5;
  const snapshots = 96;
  const synapses = 12_288;
  const data = new Float32Array(lifetimes * snapshots * synapses);
  const rng = RandomStream.of(11, 5);
  const step = new Float32Array(synapses);
  const drift = new Float32Array(synapses);
  rng.fillNormal(drift, 0, 0.05);
  for (let l = 0; l < lifetimes; l++) {
    const start = l * snapshots * synapses;
    rng.fillUniform(data.subarray(start, start + synapses), -0.1, 0.1);
    for (let s = 1; s < snapshots; s++) {
      rng.fillNormal(step, 0, 0.01);
      const at = start + s * synapses;
      for (let c = 0; c < synapses; c++) data[at + c] = data[at - synapses + c]! + drift[c]! + step[c]!;
    }
  }
  return {
    key: 'pca_trajectories_ms',
    unit: 'ms',
    description: 'top 3 principal components of 5 × 96 weight snapshots × 12 288 synapses (Gram matrix + subspace iteration)',
    measure: () => {
      const start = process.hrtime.bigint();
      principalComponents(data, lifetimes * snapshots, synapses, 3);
      return Number(process.hrtime.bigint() - start) / 1e6;
    },
  };
}

export const analysisBenchmarks = (): Benchmark[] => [trajectoryPca()];
