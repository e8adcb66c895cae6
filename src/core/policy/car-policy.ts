/**
 * The car's policy (docs/METHOD.md#the-cars-policy): 3×84×84 pixels → the evolved, never plastic conv stack →
 * 648 features → the fully connected 648 → 128 → 64 → 3 network, Hebbian (plastic under any rule, normalised after
 * every update as the policy's `normalise` says: max-abs for the paper's car) or static → actions (steer tanh, gas
 * sigmoid, brake sigmoid).
 *
 * The Hebbian update's post activity of the output layer is the raw output, not the squashed action (as in the
 * reference for CarRacing), so the fully connected part is the ordinary policy with a linear output layer and the
 * squashing happens here, into a buffer of its own.
 */
import { ConvNet } from '../nn/conv';
import type { MlpSpec } from '../nn/mlp';
import type { RandomStream } from '../random';
import { segmentStart, type GenomeLayout, type PolicySpec } from './genome';
import { HebbianPolicy, StaticPolicy, type Policy } from './policies';

/** steer ∈ (−1, 1), gas ∈ (0, 1), brake ∈ (0, 1). */
export const CAR_ACTIONS = 3;

/**
 * The paper's Hebbian car: ABCD_lr, corrected indexing, U(±0.1) lifetime-initial weights and — unlike the
 * quadruped, and unlike the policy schema's default — max-abs normalisation after every update.
 */
export const CAR_HEBBIAN: Extract<PolicySpec, { kind: 'hebbian' }> = { kind: 'hebbian', rule: 'ABCD_lr', indexing: 'corrected', init: 'uni', normalise: 'maxabs' };

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

export class CarPolicy implements Policy {
  readonly conv: ConvNet;
  /** The fully connected part; its outputs are the raw (unsquashed) network outputs. */
  readonly fc: HebbianPolicy | StaticPolicy;
  readonly outputSize = CAR_ACTIONS;
  private readonly actions = new Float32Array(CAR_ACTIONS);

  constructor(
    readonly net: MlpSpec,
    spec: PolicySpec,
    private readonly layout: GenomeLayout,
    genome: Float32Array,
  ) {
    if (!net.conv) throw new RangeError('the car policy needs a network with a conv front end (network.conv)');
    if (net.sizes.at(-1) !== CAR_ACTIONS) throw new RangeError(`the car network must have ${CAR_ACTIONS} outputs (steer, gas, brake), got ${net.sizes.at(-1)}`);
    if (net.output !== 'linear') throw new RangeError("the car network's output layer must be linear: its raw output is the Hebbian post activity");
    this.conv = new ConvNet(net.conv);
    this.fc = spec.kind === 'static' ? new StaticPolicy(net, layout, genome) : new HebbianPolicy(net, spec, layout, genome);
    this.conv.setWeights(genome, segmentStart(layout, 'conv'));
  }

  load(genome: Float32Array): void {
    this.fc.load(genome);
    this.conv.setWeights(genome, segmentStart(this.layout, 'conv'));
  }

  reset(rng: RandomStream): void {
    this.fc.reset(rng);
    this.conv.finite = true;
  }

  act(observation: ArrayLike<number>): Float32Array {
    const raw = this.fc.act(this.conv.forward(observation));
    const a = this.actions;
    a[0] = Math.tanh(raw[0]!);
    a[1] = sigmoid(raw[1]!);
    a[2] = sigmoid(raw[2]!);
    return a;
  }

  /** The raw outputs of the last step (the output layer's post activity). */
  rawOutputs(): Float32Array {
    return this.fc.network.activations(this.net.sizes.length - 1);
  }

  snapshotWeights(out: Float32Array, offset = 0): void {
    this.fc.snapshotWeights(out, offset);
  }

  zeroSynapses(layer: number, synapses: ArrayLike<number>): void {
    this.fc.zeroSynapses(layer, synapses);
  }

  stopPlasticity(): void {
    this.fc.stopPlasticity();
  }

  /** Replaces raw output `output`'s post activity for the pending update (the car's post is the raw output). */
  overrideOutputActivity(output: number, value: number): void {
    this.fc.overrideOutputActivity(output, value);
  }

  finite(): boolean {
    return this.conv.finite && this.fc.finite();
  }
}
