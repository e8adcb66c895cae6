/**
 * Policies: a genome (flat parameter vector) made into something that maps observations to network outputs over
 * one lifetime. Both kinds share the `Policy` contract so rollouts need not know which they run.
 */
import { StaticMlp, synapseCount, type MlpSpec } from '../nn/mlp';
import { HebbianNetwork } from '../plasticity/hebbian-network';
import { ruleDef } from '../plasticity/rules';
import type { RandomStream } from '../random';
import { segmentStart, type GenomeLayout, type PolicySpec } from './genome';

export interface Policy {
  /** Starts a lifetime; `rng` draws the lifetime's random initial weights (Hebbian `uni` / `normal`). */
  reset(rng: RandomStream): void;
  /**
   * The action for one observation (a view, valid until the next call): the network's outputs, or for the car
   * the raw outputs squashed into steer, gas and brake.
   */
  act(observation: ArrayLike<number>): Float32Array;
  readonly outputSize: number;
  readonly net: MlpSpec;
  /** Loads another genome of the same layout (a worker reuses one policy for every candidate). */
  load(genome: Float32Array): void;
  /**
   * Writes the weights the last forward pass used, every layer as [out][in], concatenated, from `offset`.
   * Observes without disturbing the lifetime.
   */
  snapshotWeights(out: Float32Array, offset?: number): void;
  /** Damage: zeroes the listed synapses of layer l (indices into its [out][in] matrix) from the next step on. */
  zeroSynapses(layer: number, synapses: ArrayLike<number>): void;
  /** Damage: no weight changes for the rest of the lifetime (a static network has none to stop). */
  stopPlasticity(): void;
  /**
   * Damage (a freeze the update sees): output neuron `output`'s post activity for the pending Hebbian update
   * becomes `value` instead of what the last forward pass computed. A static network has no update to feed.
   */
  overrideOutputActivity(output: number, value: number): void;
  /**
   * Whether every forward pass since `reset` saw finite inputs, weights and pre-activations (a non-finite
   * weight always makes its neuron's pre-activation non-finite, even where tanh would hide an infinity).
   */
  finite(): boolean;
}

/** Writes each layer of a network through `read` into one flat [layer][out][in] array. */
function snapshotLayers(net: MlpSpec, read: (l: number, out: Float32Array) => void, out: Float32Array, offset: number): void {
  let at = offset;
  for (let l = 0; l + 1 < net.sizes.length; l++) {
    const n = net.sizes[l]! * net.sizes[l + 1]!;
    read(l, out.subarray(at, at + n));
    at += n;
  }
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
    this.initial = new Float32Array(synapseCount(net));
    this.outputSize = net.sizes[net.sizes.length - 1]!;
    this.load(genome);
  }

  load(genome: Float32Array): void {
    checkGenome(this.layout, genome);
    this.network.setCoefficients(genome, segmentStart(this.layout, 'rule'));
    if (this.spec.init === 'coevolve') {
      const start = segmentStart(this.layout, 'initialWeights');
      this.initial.set(genome.subarray(start, start + this.initial.length));
    }
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

  snapshotWeights(out: Float32Array, offset = 0): void {
    snapshotLayers(this.net, (l, o) => this.network.usedWeights(l, o), out, offset);
  }

  zeroSynapses(layer: number, synapses: ArrayLike<number>): void {
    this.network.zeroSynapses(layer, synapses);
  }

  stopPlasticity(): void {
    // The pending update (from the step just taken) still lands: weights freeze as they stand at this step.
    this.network.flushUpdate();
    this.network.plastic = false;
  }

  overrideOutputActivity(output: number, value: number): void {
    this.network.overrideOutput(output, value);
  }

  finite(): boolean {
    return this.network.finite;
  }
}

export class StaticPolicy implements Policy {
  readonly network: StaticMlp;
  readonly outputSize: number;
  /** Set when damage edited the weights, so the next lifetime starts from the genome again. */
  private damaged = false;

  private genome: Float32Array;

  constructor(
    readonly net: MlpSpec,
    private readonly layout: GenomeLayout,
    genome: Float32Array,
  ) {
    this.network = new StaticMlp(net);
    this.outputSize = net.sizes[net.sizes.length - 1]!;
    this.genome = genome;
    this.load(genome);
  }

  load(genome: Float32Array): void {
    checkGenome(this.layout, genome);
    this.genome = genome;
    this.network.setWeights(genome, segmentStart(this.layout, 'weights'));
    this.damaged = false;
  }

  reset(): void {
    // Static weights do not change within or between lifetimes, unless damage zeroed some.
    if (this.damaged) this.network.setWeights(this.genome, segmentStart(this.layout, 'weights'));
    this.damaged = false;
    this.network.finite = true;
  }

  act(observation: ArrayLike<number>): Float32Array {
    return this.network.forward(observation);
  }

  snapshotWeights(out: Float32Array, offset = 0): void {
    snapshotLayers(this.net, (l, o) => this.network.readWeights(l, o), out, offset);
  }

  zeroSynapses(layer: number, synapses: ArrayLike<number>): void {
    this.damaged = true;
    this.network.zeroSynapses(layer, synapses);
  }

  stopPlasticity(): void {
    // Nothing to stop.
  }

  overrideOutputActivity(): void {
    // No update to feed.
  }

  finite(): boolean {
    return this.network.finite;
  }
}

/** Refuses a genome whose length is not the layout's. */
export function checkGenome(layout: GenomeLayout, genome: Float32Array): void {
  if (genome.length !== layout.size) {
    throw new RangeError(`genome must have ${layout.size} parameters for this network and policy, got ${genome.length}`);
  }
}
