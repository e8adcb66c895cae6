/**
 * OpenAI-ES exactly as the reference code (docs/METHOD.md#evolution-strategy), with an evosax-style interface over plain-data state:
 * `init` → state, `ask(state)` → candidates, `tell(state, fitness)` → next state. All randomness is a pure
 * function of (config.seed, generation, pair), so a state restored from bytes continues exactly as if never
 * stopped, and the number of workers that evaluate the candidates cannot matter.
 */
import { esConfig, type EsConfig, type EsConfigInput } from '../config';
import { Domain, RandomStream } from '../random';
import type { NoiseTable } from './noise-table';
import { OPTIMIZERS, type OptimizerState } from './optimizers';
import { centredRanks } from './shaping';

export interface EsState {
  readonly config: EsConfig;
  /** Generations completed so far (the next `ask` samples generation `generation`). */
  readonly generation: number;
  /** Current learning rate α and noise standard deviation σ (after the decays of past generations). */
  readonly lr: number;
  readonly sigma: number;
  /** The search distribution's centre. */
  readonly theta: Float32Array;
  readonly optimizer: OptimizerState;
  /**
   * Evolve & Merge (core/merge): synapse s follows row assignment[s] of the rule table at the head of θ. The ES
   * never reads it, only carries it to the next state, so a checkpoint holds everything that builds the policy.
   */
  readonly assignment?: Int32Array;
}

/** One population member: θ + sign·σ·noise[offset … offset+dim). */
export interface Candidate {
  readonly index: number;
  readonly offset: number;
  readonly sign: 1 | -1;
}

export function init(configInput: EsConfigInput, theta0: Float32Array): EsState {
  const config = esConfig(configInput);
  if (theta0.length < 1) throw new RangeError('theta0 must have at least one parameter');
  if (theta0.length > config.noiseTableSize) {
    throw new RangeError(`es.noiseTableSize (${config.noiseTableSize}) must be at least the genome size (${theta0.length})`);
  }
  return {
    config,
    generation: 0,
    lr: config.lr,
    sigma: config.sigma,
    theta: Float32Array.from(theta0),
    optimizer: OPTIMIZERS[config.optimizer].init(theta0.length),
  };
}

/**
 * The population of the current generation, mirrored and interleaved (docs/METHOD.md#mirrored-sampling):
 * candidates 2k and 2k+1 share noise slice k with signs + and −.
 */
export function ask(state: EsState): Candidate[] {
  const { config, generation, theta } = state;
  const span = config.noiseTableSize - theta.length + 1;
  const candidates: Candidate[] = [];
  for (let k = 0; k < config.popSize / 2; k++) {
    const offset = RandomStream.of(config.seed, Domain.esOffsets, generation, k).nextInt(span);
    candidates.push({ index: 2 * k, offset, sign: 1 }, { index: 2 * k + 1, offset, sign: -1 });
  }
  return candidates;
}

/** Writes a candidate's parameters, float32 as in the reference: θ_i = θ + sign·σ·ε. */
export function candidateParams(state: EsState, noise: NoiseTable, candidate: Candidate, out: Float32Array): Float32Array {
  checkTable(state, noise);
  return perturb(state.theta, state.sigma, noise.data, candidate, out);
}

/** θ + sign·σ·ε[offset …]: a candidate's parameters from the centre and the shared noise (workers call this). */
export function perturb(theta: Float32Array, sigma: number, eps: Float32Array, candidate: Candidate, out: Float32Array): Float32Array {
  if (candidate.offset + theta.length > eps.length) throw new RangeError(`noise offset ${candidate.offset} runs past the table (${eps.length})`);
  const scale = candidate.sign * sigma;
  for (let j = 0; j < theta.length; j++) out[j] = theta[j]! + scale * eps[candidate.offset + j]!;
  return out;
}

/**
 * The L2 fitness penalty of the reference (docs/METHOD.md#l2-penalty): coefficient · mean(θ_i²) over the penalised range
 * [start, start + length) of the candidate's parameters.
 */
export function l2Penalty(params: Float32Array, coefficient: number, start = 0, length = params.length - start): number {
  if (length <= 0 || coefficient === 0) return 0;
  let sum = 0;
  for (let j = start; j < start + length; j++) sum += params[j]! * params[j]!;
  return (coefficient * sum) / length;
}

/**
 * Consumes the fitness of every candidate of `ask(state)` (index order) and returns the next state:
 * shaping, θ ← θ + α/(Pσ)·Σ u_i ε_i (or Adam), then the decays of α and σ with their floors.
 */
export function tell(state: EsState, fitness: ArrayLike<number>, noise: NoiseTable): EsState {
  checkTable(state, noise);
  const { config, theta, sigma, lr } = state;
  const P = config.popSize;
  if (fitness.length !== P) throw new RangeError(`fitness must have ${P} values (one per candidate), got ${fitness.length}`);
  for (let i = 0; i < P; i++) {
    if (!Number.isFinite(fitness[i])) throw new RangeError(`fitness[${i}] must be a finite number, got ${String(fitness[i])}`);
  }
  const u = centredRanks(fitness);
  const dim = theta.length;
  const g = new Float64Array(dim);
  const eps = noise.data;
  for (const c of ask(state)) {
    if (c.sign < 0) continue;
    const w = u[c.index]! - u[c.index + 1]!; // mirrored pair: u⁺ε + u⁻(−ε)
    if (w === 0) continue;
    for (let j = 0, o = c.offset; j < dim; j++, o++) g[j] = g[j]! + w * eps[o]!;
  }
  const inv = 1 / (P * sigma);
  for (let j = 0; j < dim; j++) g[j] = g[j]! * inv;

  const nextTheta = Float32Array.from(theta);
  const optimizer = cloneOptimizerState(state.optimizer);
  OPTIMIZERS[config.optimizer].step(nextTheta, g, lr, optimizer, config);
  return {
    config,
    generation: state.generation + 1,
    lr: lr > config.lrFloor ? lr * config.lrDecay : lr,
    sigma: sigma > config.sigmaFloor ? sigma * config.sigmaDecay : sigma,
    theta: nextTheta,
    optimizer,
    ...(state.assignment ? { assignment: state.assignment } : {}),
  };
}

function cloneOptimizerState(s: OptimizerState): OptimizerState {
  return { t: s.t, m: Float64Array.from(s.m), v: Float64Array.from(s.v) };
}

function checkTable(state: EsState, noise: NoiseTable): void {
  if (noise.seed !== state.config.noiseSeed || noise.size !== state.config.noiseTableSize) {
    throw new RangeError(
      `noise table (seed ${noise.seed}, size ${noise.size}) does not match es.noiseSeed ${state.config.noiseSeed} / es.noiseTableSize ${state.config.noiseTableSize}`,
    );
  }
}
