/**
 * The ES's update rules, one registry. Each takes the ascent direction g = Σ_i u_i ε_i / (P σ) and moves θ.
 * State is plain typed arrays so it serialises with the rest of the ES state.
 */
import type { EsConfig, OptimizerName } from '../config';

export interface OptimizerState {
  /** Adam's step count (0 for SGD). */
  t: number;
  /** Adam's first and second moment estimates (empty for SGD). */
  readonly m: Float64Array;
  readonly v: Float64Array;
}

export interface Optimizer {
  readonly name: OptimizerName;
  init(dim: number): OptimizerState;
  /** Updates theta in place with ascent direction g and step size lr; updates state in place. */
  step(theta: Float32Array, g: Float64Array, lr: number, state: OptimizerState, config: EsConfig): void;
}

/** Plain gradient ascent, the reference code's update: θ ← θ + α·g (docs/METHOD.md#es-update). */
const sgd: Optimizer = {
  name: 'sgd',
  init: () => ({ t: 0, m: new Float64Array(0), v: new Float64Array(0) }),
  step(theta, g, lr) {
    for (let j = 0; j < theta.length; j++) theta[j] = theta[j]! + lr * g[j]!;
  },
};

/** Adam (Kingma & Ba 2015) on the ascent direction, as in Salimans et al. 2017's implementation. */
const adam: Optimizer = {
  name: 'adam',
  init: (dim) => ({ t: 0, m: new Float64Array(dim), v: new Float64Array(dim) }),
  step(theta, g, lr, state, config) {
    const { adamBeta1: b1, adamBeta2: b2, adamEpsilon: eps } = config;
    state.t += 1;
    const a = (lr * Math.sqrt(1 - b2 ** state.t)) / (1 - b1 ** state.t);
    const { m, v } = state;
    for (let j = 0; j < theta.length; j++) {
      const gj = g[j]!;
      m[j] = b1 * m[j]! + (1 - b1) * gj;
      v[j] = b2 * v[j]! + (1 - b2) * gj * gj;
      theta[j] = theta[j]! + (a * m[j]!) / (Math.sqrt(v[j]!) + eps);
    }
  },
};

export const OPTIMIZERS: Readonly<Record<OptimizerName, Optimizer>> = { sgd, adam };
