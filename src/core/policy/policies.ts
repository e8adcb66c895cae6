/**
 * Policies: a genome (flat parameter vector) made into something that maps observations to network outputs over
 * one lifetime. Both kinds share the `Policy` contract so rollouts need not know which they run.
 */
import { StaticMlp, synapseCount, type MlpSpec } from '../nn/mlp';
import { HebbianNetwork } from '../plasticity/hebbian-network';
import { ruleDef } from '../plasticity/rules';
import type { RandomStream } from '../random';
import { genomeLayout, segmentStart, type GenomeLayout, type PolicySpec } from './genome';

export interface Policy {
  /** Starts a lifetime; `rng` draws the lifetime's random initial weights (Hebbian `uni` / `normal`). */
  reset(rng: RandomStream): void;
  /** Network outputs for one observation (a view, valid until the next call). */
  act(observation: ArrayLike<number>): Float32Array;
  readonly outputSize: number;
}

/** Standard deviation of the `normal` initial weights in the reference code. */
export const NORMAL_INIT_STD = 0.024;
export const UNIFORM_INIT_BOUND = 0.1;

export class HebbianPolicy implements Policy {
  readonly network: HebbianNetwork;
  readonly outputSize: number;
  private readonly initial: Float32Array;

  constructor(
    readonly net: MlpSpec,
    readonly spec: Extract<PolicySpec, { kind: 'hebbian' }>,
    readonly layout: GenomeLayout,
    genome: Float32Array,
  ) {
    this.network = new HebbianNetwork(net, { rule: ruleDef(spec.rule), indexing: spec.indexing, normalise: spec.normalise });
    this.network.setCoefficients(genome, segmentStart(layout, 'rule'));
    this.initial = new Float32Array(synapseCount(net));
    if (spec.init === 'coevolve') {
      const start = segmentStart(layout, 'initialWeights');
      this.initial.set(genome.subarray(start, start + this.initial.length));
    }
    this.outputSize = net.sizes[net.sizes.length - 1]!;
  }

  reset(rng: RandomStream): void {
    if (this.spec.init === 'uni') rng.fillUniform(this.initial, -UNIFORM_INIT_BOUND, UNIFORM_INIT_BOUND);
    else if (this.spec.init === 'normal') rng.fillNormal(this.initial, 0, NORMAL_INIT_STD);
    this.network.plastic = true;
    this.network.resetWeights(this.initial);
  }

  act(observation: ArrayLike<number>): Float32Array {
    return this.network.step(observation);
  }
}

export class StaticPolicy implements Policy {
  readonly network: StaticMlp;
  readonly outputSize: number;

  constructor(net: MlpSpec, layout: GenomeLayout, genome: Float32Array) {
    this.network = new StaticMlp(net);
    this.network.setWeights(genome, segmentStart(layout, 'weights'));
    this.outputSize = net.sizes[net.sizes.length - 1]!;
  }

  reset(): void {
    // Static weights: nothing changes between or within lifetimes.
  }

  act(observation: ArrayLike<number>): Float32Array {
    return this.network.forward(observation);
  }
}

/** Builds the policy a genome encodes. The genome's length must match the layout. */
export function makePolicy(net: MlpSpec, spec: PolicySpec, genome: Float32Array): Policy {
  const layout = genomeLayout(net, spec);
  if (genome.length !== layout.size) {
    throw new RangeError(`genome must have ${layout.size} parameters for this network and policy, got ${genome.length}`);
  }
  return spec.kind === 'static' ? new StaticPolicy(net, layout, genome) : new HebbianPolicy(net, spec, layout, genome);
}
