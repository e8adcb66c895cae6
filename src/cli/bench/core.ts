/** Benchmarks of the pure core: network kernels and ES bookkeeping on the paper's quadruped sizes. */
import { NORMALISE_MODES, type NormaliseMode } from '../../core/config';
import { ask, createNoiseTable, init, tell } from '../../core/es';
import { expandGenome, identityAssignment, mergeRules, ruleGeometry } from '../../core/merge/merge';
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

const ABCD_LR = { kind: 'hebbian', rule: 'ABCD_lr', indexing: 'corrected', init: 'uni', normalise: 'none' } as const;

/** Evolve & Merge: what a worker adds per candidate, expanding a 384-rule table into the 61 440 coefficients. */
function mergeExpand(): Benchmark {
  const geometry = ruleGeometry(QUADRUPED_MLP, ABCD_LR);
  const table = new Float32Array(384 * 5);
  RandomStream.of(1, 4).fillNormal(table);
  const assignment = Int32Array.from({ length: SYNAPSES }, (_, s) => s % 384);
  const out = new Float32Array(geometry.genomeSize);
  return {
    key: 'merge_expand_us',
    unit: 'µs',
    description: 'Evolve & Merge: a 384-rule table expanded into the 12 288 synapses\' 61 440 coefficients, per candidate',
    measure: () => timeNs(() => {
      for (let i = 0; i < 100; i++) expandGenome(geometry, table, assignment, out);
    }) / 100 / 1e3,
  };
}

/** Evolve & Merge: the costliest merge of the paper's range, 12 288 rules (one per synapse) into 6 144. */
function mergeFirst(): Benchmark {
  const geometry = ruleGeometry(QUADRUPED_MLP, ABCD_LR);
  const theta = new Float32Array(geometry.genomeSize);
  RandomStream.of(1, 5).fillNormal(theta);
  const state = { ...init({ popSize: 200, noiseTableSize: 1 << 22 }, theta), generation: 20, assignment: identityAssignment(SYNAPSES) };
  return {
    key: 'merge_first_ms',
    unit: 'ms',
    description: 'Evolve & Merge: K-means of 12 288 rules (N(0,1) coefficients) into 6 144, k-means++ + Lloyd to convergence',
    measure: () => timeNs(() => mergeRules(geometry, state, 6144, 1)) / 1e6,
  };
}

export const coreBenchmarks = (): Benchmark[] => [...NORMALISE_MODES.map(ruleUpdate), mlpForward(), esTell(), noiseTable(), mergeExpand(), mergeFirst()];
