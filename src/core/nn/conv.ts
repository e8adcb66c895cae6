/**
 * The convolutional front end of the pixel task (docs/METHOD.md#the-cars-policy): square multi-channel input,
 * each layer a convolution without padding or bias → tanh → 2×2 max pooling with stride 2 (floor, as PyTorch's
 * MaxPool2d(2, 2): an odd last row or column is dropped). Its weights are evolved and never plastic.
 *
 * tanh is the kernels' rational approximation (kernels.wat, tanhInPlace: within 4e-7 of tanh), applied after the
 * pooling, which is the same as before it because tanh is increasing.
 *
 * Layouts follow PyTorch on the tensor the env writes: the input is [channel][a][b] (the car's observation is
 * swapaxes'd, so a = image column and b = image row; the conv does not care), weights are [out][in][kh][kw] with kh
 * along a, and the flattened output is [channel][p][q], index c·P² + p·P + q (the reference's Flatten).
 */
import { KernelArena, type F32Buffer, type I32Buffer } from './kernels';

export interface ConvLayerSpec {
  readonly outChannels: number;
  readonly kernel: number;
  readonly stride: number;
}

export interface ConvSpec {
  /** Input channels. */
  readonly channels: number;
  /** Input height = width. */
  readonly size: number;
  readonly layers: readonly ConvLayerSpec[];
}

/** The car: 3×84×84 → conv 3×3 (6) → 82 → pool 41 → conv 5×5 stride 2 (8) → 19 → pool 9: 8·9·9 = 648 features. */
export const CAR_CONV: ConvSpec = {
  channels: 3,
  size: 84,
  layers: [
    { outChannels: 6, kernel: 3, stride: 1 },
    { outChannels: 8, kernel: 5, stride: 2 },
  ],
};

export interface ConvLayerShape {
  readonly inChannels: number;
  readonly inSize: number;
  readonly outChannels: number;
  readonly kernel: number;
  readonly stride: number;
  /** Conv output height = width: ⌊(inSize − kernel) / stride⌋ + 1. */
  readonly convSize: number;
  /** After 2×2 pooling: ⌊convSize / 2⌋. */
  readonly pooledSize: number;
  /** Inputs per output: inChannels · kernel². */
  readonly fanIn: number;
  readonly weightCount: number;
  /** Weights before this layer in the flat [layer][out][in][kh][kw] vector. */
  readonly weightOffset: number;
}

export function convShapes(spec: ConvSpec): ConvLayerShape[] {
  const whole = (v: number, field: string, max: number): void => {
    if (!Number.isInteger(v) || v < 1 || v > max) throw new RangeError(`${field} must be an integer in [1, ${max}], got ${String(v)}`);
  };
  whole(spec.channels, 'conv.channels', 64);
  whole(spec.size, 'conv.size', 4096);
  if (spec.layers.length < 1) throw new RangeError('conv.layers must list at least one layer');
  const shapes: ConvLayerShape[] = [];
  let inChannels = spec.channels;
  let inSize = spec.size;
  let weightOffset = 0;
  spec.layers.forEach((layer, l) => {
    whole(layer.outChannels, `conv.layers[${l}].outChannels`, 256);
    whole(layer.kernel, `conv.layers[${l}].kernel`, 32);
    whole(layer.stride, `conv.layers[${l}].stride`, 32);
    if (layer.kernel > inSize) throw new RangeError(`conv.layers[${l}].kernel (${layer.kernel}) is larger than its ${inSize}×${inSize} input`);
    const convSize = Math.floor((inSize - layer.kernel) / layer.stride) + 1;
    const pooledSize = Math.floor(convSize / 2);
    if (pooledSize < 1) throw new RangeError(`conv.layers[${l}] leaves a ${convSize}×${convSize} output, too small to pool 2×2`);
    const fanIn = inChannels * layer.kernel * layer.kernel;
    const weightCount = layer.outChannels * fanIn;
    shapes.push({ inChannels, inSize, outChannels: layer.outChannels, kernel: layer.kernel, stride: layer.stride, convSize, pooledSize, fanIn, weightCount, weightOffset });
    weightOffset += weightCount;
    inChannels = layer.outChannels;
    inSize = pooledSize;
  });
  return shapes;
}

export function convWeightCount(spec: ConvSpec): number {
  return convShapes(spec).reduce((n, s) => n + s.weightCount, 0);
}

/** Length of the flattened output. */
export function convFeatureCount(spec: ConvSpec): number {
  const last = convShapes(spec).at(-1)!;
  return last.outChannels * last.pooledSize * last.pooledSize;
}

/**
 * How one layer runs: which kernel, its tap table (byte offsets of the kernel window's inputs), its weights in
 * that kernel's order, and the buffers with their strides (floats).
 */
interface LayerPlan {
  readonly shape: ConvLayerShape;
  /**
   * `columns`: stride 1, four conv columns per SIMD lane group, output channels in pairs; `channels`: any stride,
   * eight output channels at a time.
   */
  readonly kernel: 'columns' | 'channels';
  readonly input: F32Buffer;
  readonly inRow: number;
  readonly inChannel: number;
  readonly taps: I32Buffer;
  readonly weights: F32Buffer;
  readonly out: F32Buffer;
  readonly outRow: number;
  readonly outChannel: number;
  /** `columns` only: groups of four pooled columns per row. */
  readonly groups: number;
}

/** Where the column kernel's pre-splatted weight (o, tap t) starts: [o/2][t][o mod 2][4 lanes]. */
function columnsWeight(o: number, t: number, fanIn: number): number {
  return (((o >> 1) * fanIn + t) * 2 + (o & 1)) * 4;
}

/** Row stride (floats) of a layer's pooled output: the column kernel writes whole groups of four columns. */
function outRowStride(shape: ConvLayerShape, kernel: LayerPlan['kernel']): number {
  return kernel === 'columns' ? 4 * Math.ceil(shape.pooledSize / 4) : shape.pooledSize;
}

/**
 * The `columns` kernel computes eight conv columns per group, so the last group reads up to seven columns past
 * the conv's width (and into the next row); the input buffer of such a layer needs this many floats.
 */
function columnsInputFloats(shape: ConvLayerShape, inRow: number, inChannel: number): number {
  const groups = Math.ceil(shape.pooledSize / 4);
  const lastTap = (shape.inChannels - 1) * inChannel + (shape.kernel - 1) * inRow + (shape.kernel - 1);
  const lastRead = lastTap + (2 * shape.pooledSize - 1) * inRow + 8 * groups - 1;
  return Math.max(shape.inChannels * inChannel, lastRead + 1);
}

/** A conv stack with fixed weights: its own arena, buffers and tap tables, so forward passes allocate nothing. */
export class ConvNet {
  readonly shapes: readonly ConvLayerShape[];
  /** Input floats: channels · size². */
  readonly inputSize: number;
  readonly featureSize: number;
  readonly weightCount: number;
  /** Cleared by a forward pass with a non-finite input, weight or pre-activation; set again by the owner. */
  finite = true;
  private readonly arena: KernelArena;
  private readonly plans: LayerPlan[];
  private readonly features: Float32Array;

  constructor(readonly spec: ConvSpec) {
    this.shapes = convShapes(spec);
    this.inputSize = spec.channels * spec.size * spec.size;
    this.featureSize = convFeatureCount(spec);
    this.weightCount = convWeightCount(spec);
    const last = this.shapes.length - 1;
    // The column kernel is the faster one but pads its rows; the last layer's output must be the flat feature
    // vector, so it (and every strided or odd-channelled layer) uses the channel kernel, which needs whole groups
    // of 8 channels.
    const kernels = this.shapes.map((s, l): LayerPlan['kernel'] => {
      if (s.stride === 1 && l < last && s.outChannels % 2 === 0) return 'columns';
      if (s.outChannels % 8 !== 0) {
        throw new RangeError(`conv.layers[${l}].outChannels must be a multiple of 8 (or, for a stride-1 layer before the last, of 2), got ${s.outChannels}`);
      }
      return 'channels';
    });
    // Sizing pass: every layer's input strides and buffer size (a column kernel reads past its input's end).
    const inputs: { row: number; channel: number; floats: number }[] = [];
    let row = spec.size;
    let channel = spec.size * spec.size;
    this.shapes.forEach((s, l) => {
      const floats = kernels[l] === 'columns' ? columnsInputFloats(s, row, channel) : s.inChannels * channel;
      inputs.push({ row, channel, floats });
      row = outRowStride(s, kernels[l]!);
      channel = s.pooledSize * row;
    });
    const outFloats = this.shapes.map((s, l) => Math.max(s.outChannels * s.pooledSize * outRowStride(s, kernels[l]!), inputs[l + 1]?.floats ?? 0));
    const weightFloats = (s: ConvLayerShape, l: number): number => (kernels[l] === 'columns' ? 4 : 1) * s.weightCount;
    // Each allocation rounds up to 16 bytes: 4 floats of slack per buffer.
    const floats = inputs[0]!.floats + 4 + this.shapes.reduce((n, s, l) => n + s.fanIn + weightFloats(s, l) + outFloats[l]! + 12, 0);
    this.arena = new KernelArena(floats);
    const plans: LayerPlan[] = [];
    let input = this.arena.alloc(inputs[0]!.floats);
    this.shapes.forEach((s, l) => {
      const kernel = kernels[l]!;
      const { row: inRow, channel: inChannel } = inputs[l]!;
      const outRow = outRowStride(s, kernel);
      const taps = this.arena.allocI32(s.fanIn);
      let t = 0;
      for (let c = 0; c < s.inChannels; c++) {
        for (let kh = 0; kh < s.kernel; kh++) {
          for (let kw = 0; kw < s.kernel; kw++) taps.view[t++] = 4 * (c * inChannel + kh * inRow + kw);
        }
      }
      const weights = this.arena.alloc(weightFloats(s, l));
      const out = this.arena.alloc(outFloats[l]!);
      const groups = kernel === 'columns' ? outRow / 4 : 0;
      plans.push({ shape: s, kernel, input, inRow, inChannel, taps, weights, out, outRow, outChannel: s.pooledSize * outRow, groups });
      input = out;
    });
    this.plans = plans;
    const lastPlan = plans[last]!;
    this.features = lastPlan.out.view.subarray(0, this.featureSize);
  }

  /** Loads the flat [layer][out][in][kh][kw] weight vector (PyTorch's parameters_to_vector order) from `offset`. */
  setWeights(flat: ArrayLike<number>, offset = 0): void {
    if (flat.length - offset < this.weightCount) {
      throw new RangeError(`conv weights need ${this.weightCount} values from offset ${offset}, got ${flat.length - offset}`);
    }
    for (const plan of this.plans) {
      const { fanIn, outChannels, weightOffset } = plan.shape;
      const w = plan.weights.view;
      for (let o = 0; o < outChannels; o++) {
        for (let t = 0; t < fanIn; t++) {
          const v = flat[offset + weightOffset + o * fanIn + t]!;
          if (plan.kernel === 'columns') w.fill(v, columnsWeight(o, t, fanIn), columnsWeight(o, t, fanIn) + 4);
          else w[((o >> 3) * fanIn + t) * 8 + (o & 7)] = v;
        }
      }
    }
  }

  /** Writes the weights as the flat [layer][out][in][kh][kw] vector into `out` from `offset`. */
  readWeights(out: Float32Array, offset = 0): void {
    for (const plan of this.plans) {
      const { fanIn, outChannels, weightOffset } = plan.shape;
      const w = plan.weights.view;
      for (let o = 0; o < outChannels; o++) {
        for (let t = 0; t < fanIn; t++) {
          out[offset + weightOffset + o * fanIn + t] = plan.kernel === 'columns' ? w[columnsWeight(o, t, fanIn)]! : w[((o >> 3) * fanIn + t) * 8 + (o & 7)]!;
        }
      }
    }
  }

  /** Runs the stack on one input ([channel][a][b]); returns the flat features (a view, valid until the next call). */
  forward(input: ArrayLike<number>): Float32Array {
    if (input.length !== this.inputSize) throw new RangeError(`conv input must have ${this.inputSize} values, got ${input.length}`);
    const first = this.plans[0]!;
    first.input.view.set(input);
    const { convPoolColumns, convPoolChannels, tanhInPlace } = this.arena.kernels;
    for (let l = 0; l < this.plans.length; l++) {
      const plan = this.plans[l]!;
      const s = plan.shape;
      const P = s.pooledSize;
      if (plan.kernel === 'columns') {
        convPoolColumns(
          plan.input.ptr, plan.taps.ptr, s.fanIn, plan.weights.ptr, s.outChannels,
          P, plan.groups, 4 * plan.inRow, plan.out.ptr, 4 * plan.outChannel, 4 * plan.outRow,
        );
      } else {
        convPoolChannels(
          plan.input.ptr, plan.taps.ptr, s.fanIn, plan.weights.ptr, s.outChannels,
          P, 4 * s.stride * plan.inRow, 4 * s.stride, plan.out.ptr, 4 * plan.outChannel, 4 * plan.outRow,
        );
      }
      // The whole output buffer, padding lanes included (they hold finite values computed from the input).
      if (!Number.isFinite(tanhInPlace(plan.out.ptr, s.outChannels * plan.outChannel))) this.finite = false;
    }
    return this.features;
  }
}
