/**
 * Fully connected networks without biases (as in the paper). Layer ℓ maps n[ℓ] inputs to n[ℓ+1] outputs; its
 * weights are row-major [out][in] (PyTorch's layout). Flat weight vectors exchanged with the rest of the code are
 * [layer][out][in], unpadded; inside, rows are padded to whole SIMD lanes for the WebAssembly kernels.
 */
import { CAR_CONV, type ConvSpec } from './conv';
import { KernelArena, padTo4, type F32Buffer } from './kernels';

export type Activation = 'tanh' | 'linear';

export interface MlpSpec {
  /** Neuron counts from input to output, e.g. [28, 128, 64, 8]. */
  readonly sizes: readonly number[];
  /** Activation of every hidden layer. */
  readonly hidden: Activation;
  /**
   * Activation of the output layer (quadruped: tanh; car: linear — the raw output is the Hebbian post activity and
   * the car policy squashes it into actions).
   */
  readonly output: Activation;
  /**
   * A convolutional front end with evolved, never plastic weights (the car): observations go through it, and its
   * flattened output (sizes[0] values) is the fully connected layers' input.
   */
  readonly conv?: ConvSpec;
}

export const QUADRUPED_MLP: MlpSpec = { sizes: [28, 128, 64, 8], hidden: 'tanh', output: 'tanh' };
/** The car's plastic fully connected part: 648 CNN features → 128 → 64 → 3 raw outputs. */
export const CAR_FC_MLP: MlpSpec = { sizes: [648, 128, 64, 3], hidden: 'tanh', output: 'linear' };
/** The whole car network: 3×84×84 pixels → conv stack (CAR_CONV) → CAR_FC_MLP. */
export const CAR_NET: MlpSpec = { ...CAR_FC_MLP, conv: CAR_CONV };

export interface LayerShape {
  readonly nIn: number;
  readonly nOut: number;
  /** nIn rounded up to a multiple of 4 (row stride inside the kernels). */
  readonly inPadded: number;
  /** Number of synapses before this layer, over all layers in order. */
  readonly synapseOffset: number;
  readonly activation: Activation;
}

export function validateMlpSpec(spec: MlpSpec): void {
  if (spec.sizes.length < 2) throw new RangeError('network.sizes must list at least an input and an output size');
  spec.sizes.forEach((n, i) => {
    if (!Number.isInteger(n) || n < 1 || n > 100_000) {
      throw new RangeError(`network.sizes[${i}] must be an integer in [1, 100000], got ${String(n)}`);
    }
  });
}

export function layerShapes(spec: MlpSpec): LayerShape[] {
  validateMlpSpec(spec);
  const shapes: LayerShape[] = [];
  const L = spec.sizes.length - 1;
  let offset = 0;
  for (let l = 0; l < L; l++) {
    const nIn = spec.sizes[l]!;
    const nOut = spec.sizes[l + 1]!;
    const activation = l === L - 1 ? spec.output : spec.hidden;
    shapes.push({ nIn, nOut, inPadded: padTo4(nIn), synapseOffset: offset, activation });
    offset += nIn * nOut;
  }
  return shapes;
}

export function synapseCount(spec: MlpSpec): number {
  return layerShapes(spec).reduce((n, s) => n + s.nIn * s.nOut, 0);
}

/**
 * Maps the first n pre-activations z to z·scale + shift and applies the activation, in place; returns whether they
 * were all finite (their float64 sum is finite exactly when each is, since float32 values cannot overflow it). tanh
 * would hide an infinity. (scale, shift) is a lazily normalised layer's affine map (HebbianNetwork).
 */
export function activate(v: Float32Array, n: number, act: Activation, scale: number, shift = 0): boolean {
  let sum = 0;
  if (shift !== 0) {
    for (let j = 0; j < n; j++) {
      const z = v[j]! * scale + shift;
      sum += z;
      v[j] = act === 'tanh' ? Math.tanh(z) : z;
    }
    return Number.isFinite(sum);
  }
  if (act === 'tanh') {
    for (let j = 0; j < n; j++) {
      const z = v[j]!;
      sum += z;
      v[j] = Math.tanh(z * scale);
    }
  } else {
    for (let j = 0; j < n; j++) {
      const z = v[j]!;
      sum += z;
      v[j] = z * scale;
    }
  }
  return Number.isFinite(sum);
}

/** Floats an arena needs for one padded activation buffer per layer boundary. */
export function activationFloats(spec: MlpSpec): number {
  return spec.sizes.reduce((n, size) => n + padTo4(size) + 4, 0);
}

export function allocActivations(arena: KernelArena, spec: MlpSpec): F32Buffer[] {
  return spec.sizes.map((n) => arena.alloc(padTo4(n)));
}

export function unpaddedViews(acts: readonly F32Buffer[], spec: MlpSpec): Float32Array[] {
  return acts.map((b, l) => b.view.subarray(0, spec.sizes[l]));
}

export function checkInput(input: ArrayLike<number>, nIn: number): void {
  if (input.length !== nIn) throw new RangeError(`network input must have ${nIn} values, got ${input.length}`);
}

/** Copies layer `shape` of a flat [layer][out][in] vector (starting at `offset`) into a padded weight buffer. */
export function loadLayer(shape: LayerShape, flat: ArrayLike<number>, offset: number, into: Float32Array): void {
  const { nIn, nOut, inPadded, synapseOffset } = shape;
  for (let j = 0; j < nOut; j++) {
    const src = offset + synapseOffset + j * nIn;
    const dst = j * inPadded;
    for (let i = 0; i < nIn; i++) into[dst + i] = flat[src + i]!;
  }
}

/** Copies a padded weight buffer out as [out][in], times `scale`, plus `shift`. */
export function storeLayer(shape: LayerShape, from: Float32Array, scale: number, out: Float32Array, shift = 0): void {
  const { nIn, nOut, inPadded } = shape;
  for (let j = 0; j < nOut; j++) {
    if (shift === 0) for (let i = 0; i < nIn; i++) out[j * nIn + i] = from[j * inPadded + i]! * scale;
    else for (let i = 0; i < nIn; i++) out[j * nIn + i] = from[j * inPadded + i]! * scale + shift;
  }
}

/** Zeroes synapses given as [out][in] indices in a padded weight matrix. */
export function zeroPadded(shape: LayerShape, weights: Float32Array, synapses: ArrayLike<number>): void {
  const { nIn, nOut, inPadded } = shape;
  for (let k = 0; k < synapses.length; k++) {
    const idx = synapses[k]!;
    if (!Number.isInteger(idx) || idx < 0 || idx >= nIn * nOut) throw new RangeError(`synapse index ${idx} outside layer of ${nIn * nOut}`);
    weights[Math.floor(idx / nIn) * inPadded + (idx % nIn)] = 0;
  }
}

/** A fixed-weight MLP: the static baseline's network. */
export class StaticMlp {
  readonly shapes: readonly LayerShape[];
  private readonly arena: KernelArena;
  private readonly weights: F32Buffer[];
  private readonly acts: F32Buffer[];
  /** Unpadded views of `acts`, made once so that no step allocates. */
  private readonly actViews: Float32Array[];
  /** Cleared by a forward pass with a non-finite input, weight or pre-activation; set again by the owner. */
  finite = true;

  constructor(readonly spec: MlpSpec) {
    this.shapes = layerShapes(spec);
    const weightFloats = this.shapes.reduce((n, s) => n + s.nOut * s.inPadded + 4, 0);
    this.arena = new KernelArena(weightFloats + activationFloats(spec));
    this.weights = this.shapes.map((s) => this.arena.alloc(s.nOut * s.inPadded));
    this.acts = allocActivations(this.arena, spec);
    this.actViews = unpaddedViews(this.acts, spec);
  }

  /** Loads a flat [layer][out][in] weight vector (one entry per synapse) starting at `offset`. */
  setWeights(flat: ArrayLike<number>, offset = 0): void {
    this.shapes.forEach((s, l) => loadLayer(s, flat, offset, this.weights[l]!.view));
  }

  /** Writes layer l's weights as [out][in] into `out`. */
  readWeights(l: number, out: Float32Array): void {
    storeLayer(this.shapes[l]!, this.weights[l]!.view, 1, out);
  }

  /** Zeroes the listed synapses of layer l (indices into [out][in]). */
  zeroSynapses(l: number, synapses: ArrayLike<number>): void {
    zeroPadded(this.shapes[l]!, this.weights[l]!.view, synapses);
  }

  /** Runs the network; returns a view of the output activations, valid until the next call. */
  forward(input: ArrayLike<number>): Float32Array {
    const { acts, shapes } = this;
    checkInput(input, shapes[0]!.nIn);
    acts[0]!.view.set(input);
    const matvec = this.arena.kernels.matvec;
    for (let l = 0; l < shapes.length; l++) {
      const s = shapes[l]!;
      const out = acts[l + 1]!;
      matvec(this.weights[l]!.ptr, acts[l]!.ptr, out.ptr, s.inPadded, s.nOut);
      if (!activate(out.view, s.nOut, s.activation, 1)) this.finite = false;
    }
    return this.actViews[shapes.length]!;
  }

  /** Activations of layer l from the last forward pass (0 = input). */
  activations(l: number): Float32Array {
    return this.actViews[l]!;
  }
}
