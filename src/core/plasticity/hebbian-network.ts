import type { NormaliseMode } from '../config';
import { KernelArena, type F32Buffer } from '../nn/kernels';
import {
  activate,
  activationFloats,
  allocActivations,
  checkInput,
  layerShapes,
  loadLayer,
  storeLayer,
  unpaddedViews,
  zeroPadded,
  type LayerShape,
  type MlpSpec,
} from '../nn/mlp';
import { coefficientRow, type Indexing, type RuleDef } from './rules';

export interface HebbianNetworkOptions {
  readonly rule: RuleDef;
  readonly indexing: Indexing;
  /**
   * What each layer's weights undergo after every update: nothing, ÷ max |w| (the paper's car),
   * (w − mean)/√(var + 1e-5), or clamping to [−1, 1] (Leung et al. 2025; docs/METHOD.md#weight-normalisation).
   */
  readonly normalise: NormaliseMode;
}

/** Added to the variance before its square root (Leung et al.'s `eps`). */
const ZSCORE_EPSILON = 1e-5;

/** Float64 sum of the values (a layer's input activities). */
function sum(v: Float32Array): number {
  let total = 0;
  for (let i = 0; i < v.length; i++) total += v[i]!;
  return total;
}

/** Two activation sets, swapped each step so the previous step's activities stay readable without copying. */
interface ActivationSet {
  readonly buffers: F32Buffer[];
  readonly views: Float32Array[];
}

/**
 * An MLP whose every synapse follows its own plasticity rule (docs/METHOD.md#pre-and-post-activity, docs/METHOD.md#update-timing).
 *
 * The update of step t uses the activities of forward pass t and must land before forward pass t+1. We defer it
 * and fuse it into the next forward pass, so each step sweeps every weight matrix once (kernels.wat,
 * `hebbianForward`). A lifetime of T forward passes therefore performs T−1 updates, as in the reference.
 *
 * Normalisation adds no pass over the weights. The true weights of layer l are scale[l]·stored + shift[l]:
 * - maxabs: the update pass returns max |w|; 1/max|w| scales the layer's pre-activations and becomes the next scale.
 * - zscore: the update pass returns Σw and Σw²; with mean m and sd = √(var + 1e-5) (var unbiased, as torch.var in
 *   Leung et al.'s code), scale 1/sd and shift −m/sd. A pre-activation is then scale·Σw·x + shift·Σx.
 * - clip: the update pass clamps each weight as it writes it (stored = true).
 */
export class HebbianNetwork {
  readonly shapes: readonly LayerShape[];
  private readonly arena: KernelArena;
  private readonly weights: F32Buffer[];
  /** Effective rule terms (a, b, c, d) per synapse, grouped by four synapses as a[4] b[4] c[4] d[4]. */
  private readonly terms: F32Buffer[];
  private readonly scale: Float64Array;
  private readonly shift: Float64Array;
  /** zscore: Σw and Σw² of the layer just updated, written by the kernel. */
  private readonly stats: { readonly ptr: number; readonly view: Float64Array };
  private current: ActivationSet;
  private previous: ActivationSet;
  /** Zero input and throw-away output for a standalone update (flushUpdate). */
  private readonly zeros: F32Buffer;
  private readonly discard: F32Buffer;
  private pending = false;
  /** When false, steps leave the weights alone (plasticity stopped). */
  plastic = true;
  /** False once a forward pass of this lifetime met a non-finite input, weight or pre-activation. */
  finite = true;

  constructor(
    readonly spec: MlpSpec,
    readonly options: HebbianNetworkOptions,
  ) {
    this.shapes = layerShapes(spec);
    const widest = Math.max(...this.shapes.map((s) => Math.max(s.inPadded, s.nOut)));
    const synapseFloats = this.shapes.reduce((n, s) => n + 5 * s.nOut * s.inPadded + 8, 0);
    this.arena = new KernelArena(synapseFloats + 2 * activationFloats(spec) + 2 * widest + 12);
    this.weights = this.shapes.map((s) => this.arena.alloc(s.nOut * s.inPadded));
    this.terms = this.shapes.map((s) => this.arena.alloc(4 * s.nOut * s.inPadded));
    this.scale = new Float64Array(this.shapes.length).fill(1);
    this.shift = new Float64Array(this.shapes.length);
    this.stats = this.arena.allocF64(2);
    const makeSet = (): ActivationSet => {
      const buffers = allocActivations(this.arena, spec);
      return { buffers, views: unpaddedViews(buffers, spec) };
    };
    this.current = makeSet();
    this.previous = makeSet();
    this.zeros = this.arena.alloc(widest);
    this.discard = this.arena.alloc(widest);
  }

  /**
   * Loads a genome's coefficients: rows of K = rule.coefficients values from `offset`, the three layers'
   * synapses concatenated in order, each synapse's row found by the configured indexing (docs/METHOD.md#coefficient-indexing).
   */
  setCoefficients(h: Float32Array, offset = 0): void {
    const { rule, indexing } = this.options;
    const K = rule.coefficients;
    const abcd = new Float32Array(4);
    for (let l = 0; l < this.shapes.length; l++) {
      const { nIn, nOut, inPadded, synapseOffset } = this.shapes[l]!;
      const e = this.terms[l]!.view;
      for (let j = 0; j < nOut; j++) {
        for (let i = 0; i < nIn; i++) {
          rule.compile(h, offset + coefficientRow(indexing, synapseOffset, i, j, nOut) * K, abcd, 0);
          const base = 4 * (j * inPadded + (i & ~3)) + (i & 3);
          e[base] = abcd[0]!;
          e[base + 4] = abcd[1]!;
          e[base + 8] = abcd[2]!;
          e[base + 12] = abcd[3]!;
        }
      }
    }
  }

  /** Starts a lifetime from flat [layer][out][in] weights; forgets all activity. */
  resetWeights(flat: ArrayLike<number>, offset = 0): void {
    this.shapes.forEach((s, l) => loadLayer(s, flat, offset, this.weights[l]!.view));
    this.scale.fill(1);
    this.shift.fill(0);
    this.pending = false;
    this.finite = true;
  }

  /**
   * One step of the lifetime: applies the pending update (if plastic) fused with the forward pass of `input`.
   * Returns a view of the output activations, valid until the next call.
   */
  step(input: ArrayLike<number>): Float32Array {
    checkInput(input, this.shapes[0]!.nIn);
    const update = this.pending && this.plastic;
    const prev = this.current;
    const cur = this.previous;
    this.previous = prev;
    this.current = cur;
    cur.views[0]!.set(input);
    const matvec = this.arena.kernels.matvec;
    const L = this.shapes.length;
    for (let l = 0; l < L; l++) {
      const s = this.shapes[l]!;
      const pre = cur.buffers[l]!.ptr;
      const out = cur.buffers[l + 1]!;
      if (update) this.updateLayer(l, prev.buffers[l]!.ptr, prev.buffers[l + 1]!.ptr, pre, out.ptr);
      else matvec(this.weights[l]!.ptr, pre, out.ptr, s.inPadded, s.nOut);
      const shift = this.shift[l]!;
      if (!activate(out.view, s.nOut, s.activation, this.scale[l]!, shift === 0 ? 0 : shift * sum(cur.views[l]!))) this.finite = false;
    }
    this.pending = true;
    return cur.views[L]!;
  }

  /**
   * Applies the pending update now, without a forward pass — for reading or editing weights between steps
   * (snapshots, damage). The next step then runs a plain forward pass.
   */
  flushUpdate(): void {
    if (!this.pending) return;
    this.pending = false;
    if (!this.plastic) return;
    const cur = this.current;
    for (let l = 0; l < this.shapes.length; l++) {
      this.updateLayer(l, cur.buffers[l]!.ptr, cur.buffers[l + 1]!.ptr, this.zeros.ptr, this.discard.ptr);
    }
  }

  /**
   * Layer l's update from the activities (prevPre, prevPost), fused with the forward pass of `pre` into `out`
   * (raw Σ stored·pre: activate applies scale and shift), then its normalisation as the next (scale, shift).
   */
  private updateLayer(l: number, prevPre: number, prevPost: number, pre: number, out: number): void {
    const { inPadded, nOut } = this.shapes[l]!;
    const w = this.weights[l]!.ptr;
    const e = this.terms[l]!.ptr;
    const k = this.arena.kernels;
    switch (this.options.normalise) {
      case 'none':
        k.hebbianForwardUnscaled(w, e, prevPre, prevPost, pre, out, inPadded, nOut);
        return;
      case 'clip':
        k.hebbianForwardClipped(w, e, prevPre, prevPost, pre, out, inPadded, nOut);
        return;
      case 'maxabs': {
        const maxAbs = k.hebbianForward(w, e, this.scale[l]!, prevPre, prevPost, pre, out, inPadded, nOut);
        this.scale[l] = maxAbs > 0 ? 1 / maxAbs : 1;
        return;
      }
      case 'zscore':
        k.hebbianForwardAffine(w, e, this.scale[l]!, this.shift[l]!, prevPre, prevPost, pre, out, inPadded, nOut, this.stats.ptr);
        this.standardise(l);
    }
  }

  /**
   * zscore: the next (scale, shift) from the sums the update pass wrote. Padding lanes came out as the old shift
   * (zero weight, zero terms): they are taken out of the sums and zeroed again. Kept as float32 values, the
   * precision the kernel applies them in, so reads of the weights agree with the forward pass.
   */
  private standardise(l: number): void {
    const { nIn, nOut, inPadded } = this.shapes[l]!;
    const pads = nOut * (inPadded - nIn);
    const padValue = Math.fround(this.shift[l]!);
    const n = nIn * nOut;
    const total = this.stats.view[0]! - pads * padValue;
    const mean = total / n;
    // Unbiased, as torch.var; one synapse has no spread.
    const variance = n > 1 ? Math.max(0, (this.stats.view[1]! - pads * padValue * padValue - total * mean) / (n - 1)) : 0;
    const sd = Math.sqrt(variance + ZSCORE_EPSILON);
    this.scale[l] = Math.fround(1 / sd);
    this.shift[l] = Math.fround(-mean / sd);
    if (pads > 0) {
      const weights = this.weights[l]!.view;
      for (let j = 0; j < nOut; j++) weights.fill(0, j * inPadded + nIn, (j + 1) * inPadded);
    }
  }

  /** Stores layer l's true weights as they are (scale 1, shift 0), so that a stored 0 is a true 0. */
  private materialise(l: number): void {
    const scale = this.scale[l]!;
    const shift = this.shift[l]!;
    if (scale === 1 && shift === 0) return;
    const { nIn, nOut, inPadded } = this.shapes[l]!;
    const weights = this.weights[l]!.view;
    for (let j = 0; j < nOut; j++) {
      for (let i = j * inPadded, end = i + nIn; i < end; i++) weights[i] = weights[i]! * scale + shift;
    }
    this.scale[l] = 1;
    this.shift[l] = 0;
  }

  /** Writes the true weights of layer l as [out][in] into `out`, applying any pending update first. */
  readWeights(l: number, out: Float32Array): void {
    this.flushUpdate();
    storeLayer(this.shapes[l]!, this.weights[l]!.view, this.scale[l]!, out, this.shift[l]);
  }

  /**
   * Writes the weights the last forward pass used for layer l as [out][in], leaving any pending update pending
   * (a snapshot must not change the lifetime it observes).
   */
  usedWeights(l: number, out: Float32Array): void {
    storeLayer(this.shapes[l]!, this.weights[l]!.view, this.scale[l]!, out, this.shift[l]);
  }

  /** Zeroes the listed synapses of layer l (indices into [out][in]) after applying any pending update. */
  zeroSynapses(l: number, synapses: ArrayLike<number>): void {
    this.flushUpdate();
    // Under zscore a stored 0 would read as the shift; maxabs's pure scale keeps zeros zero.
    if (this.shift[l] !== 0) this.materialise(l);
    zeroPadded(this.shapes[l]!, this.weights[l]!.view, synapses);
  }

  /** Activations of layer l from the last forward pass (0 = input). */
  activations(l: number): Float32Array {
    return this.current.views[l]!;
  }

  /** Replaces output neuron j's activity of the last forward pass: the pending update uses `value` as its post. */
  overrideOutput(j: number, value: number): void {
    const out = this.current.views[this.shapes.length]!;
    if (!Number.isInteger(j) || j < 0 || j >= out.length) throw new RangeError(`output ${j} does not exist (the network has ${out.length})`);
    out[j] = value;
  }
}
