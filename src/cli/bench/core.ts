/** Benchmarks of the pure core: network kernels and ES bookkeeping on the paper's quadruped sizes. */
import { NORMALISE_MODES, type NormaliseMode } from '../../core/config';
import { ask, createNoiseTable, init, tell } from '../../core/es';
import { QUADRUPED_MLP, StaticMlp, synapseCount } from '../../core/nn/mlp';
import { HebbianNetwork } from '../../core/plasticity/hebbian-network';
import { RULES } from '../../core/plasticity/rules';
import { RandomStream } from '../../core/random';
import { timeNs, type Benchmark } from './registry';

const SYNAPSES = synapseCount(QUADRUPED_MLP);
const STEPS = 1000; // one lifetime

function observations(): Float32Array[] {
  const rng = RandomStream.of(1, 1);
  return Array.from({ length: 64 }, () => {
    const x = new Float32Array(QUADRUPED_MLP.sizes[0]!);
    rng.fillUniform(x, -1, 1);
    return x;
  });
}

/** What the weights undergo after every update, in the benches' descriptions. */
export const AFTER_UPDATE: Readonly<Record<NormaliseMode, string>> = {
  none: 'no normalisation',
  maxabs: 'max-abs normalisation',
  zscore: 'z-score normalisation',
  clip: 'clipping to [−1, 1]',
};

/** `rule_update_ns_per_synapse` is the quadruped's setting (no normalisation); the other modes carry a suffix. */
function ruleUpdate(normalise: NormaliseMode): Benchmark {
  const rng = RandomStream.of(1, 2);
  const h = new Float32Array(SYNAPSES * 5);
  rng.fillNormal(h);
  const w0 = new Float32Array(SYNAPSES);
  rng.fillUniform(w0, -0.1, 0.1);
  const net = new HebbianNetwork(QUADRUPED_MLP, { rule: RULES.ABCD_lr, indexing: 'corrected', normalise });
  net.setCoefficients(h);
  const obs = observations();
  return {
    key: normalise === 'none' ? 'rule_update_ns_per_synapse' : `rule_update_ns_per_synapse_${normalise}`,
    unit: 'ns',
    description: `ABCD_lr on 28→128→64→8: fused forward + Hebbian update, ${AFTER_UPDATE[normalise]}, per synapse per step`,
    measure: () => {
      const ns = timeNs(() => {
        for (let lifetime = 0; lifetime < 5; lifetime++) {
          net.resetWeights(w0);
          for (let t = 0; t < STEPS; t++) net.step(obs[t & 63]!);
        }
      });
      return ns / (5 * STEPS * SYNAPSES);
    },
  };
}

function mlpForward(): Benchmark {
  const w = new Float32Array(SYNAPSES);
  RandomStream.of(1, 3).fillUniform(w, -0.2, 0.2);
  const mlp = new StaticMlp(QUADRUPED_MLP);
  mlp.setWeights(w);
  const obs = observations();
  return {
    key: 'mlp_forward_ns_per_synapse',
    unit: 'ns',
    description: 'static 28→128→64→8 forward pass, per synapse per step',
    measure: () => timeNs(() => {
      for (let t = 0; t < 5 * STEPS; t++) mlp.forward(obs[t & 63]!);
    }) / (5 * STEPS * SYNAPSES),
  };
}

function esTell(): Benchmark {
  const dim = SYNAPSES * 5;
  const noise = createNoiseTable(0, 1 << 22);
  const state = init({ popSize: 500, noiseTableSize: noise.size }, new Float32Array(dim));
  const fitness = ask(state).map((_, i) => Math.sin(i));
  return {
    key: 'es_tell_ms',
    unit: 'ms',
    description: 'OpenAI-ES update for 61 440 coefficients, population 500',
    measure: () => timeNs(() => tell(state, fitness, noise)) / 1e6,
  };
}

function noiseTable(): Benchmark {
  const size = 1 << 22;
  return {
    key: 'noise_table_ns_per_value',
    unit: 'ns',
    description: 'building the shared N(0,1) noise table (Threefry + Box–Muller), per value',
    measure: () => timeNs(() => createNoiseTable(9, size)) / size,
  };
}

export const coreBenchmarks = (): Benchmark[] => [...NORMALISE_MODES.map(ruleUpdate), mlpForward(), esTell(), noiseTable()];
