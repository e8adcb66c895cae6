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
  /** Divide each layer by its max |w| after every update (docs/METHOD.md#networks: the car does, the quadruped does not). */
  readonly normalise: boolean;
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
 * Normalisation is lazy: the true weights of layer l are scale[l]·stored; after an update, 1/max|w| scales the
 * layer's pre-activations and becomes the next scale, so no extra pass over the weights is needed.
 */
export class HebbianNetwork {
  readonly shapes: readonly LayerShape[];
  private readonly arena: KernelArena;
  private readonly weights: F32Buffer[];
  /** Effective rule terms (a, b, c, d) per synapse, grouped by four synapses as a[4] b[4] c[4] d[4]. */
  private readonly terms: F32Buffer[];
  private readonly scale: Float64Array;
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
    this.arena = new KernelArena(synapseFloats + 2 * activationFloats(spec) + 2 * widest + 8);
    this.weights = this.shapes.map((s) => this.arena.alloc(s.nOut * s.inPadded));
    this.terms = this.shapes.map((s) => this.arena.alloc(4 * s.nOut * s.inPadded));
    this.scale = new Float64Array(this.shapes.length).fill(1);
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
    const { matvec, hebbianForward, hebbianForwardUnscaled } = this.arena.kernels;
    const normalise = this.options.normalise;
    const L = this.shapes.length;
    for (let l = 0; l < L; l++) {
      const s = this.shapes[l]!;
      const w = this.weights[l]!.ptr;
      const pre = cur.buffers[l]!.ptr;
      const out = cur.buffers[l + 1]!;
      let scale = this.scale[l]!;
      if (update && !normalise) {
        // Without normalisation the scale stays 1.
        hebbianForwardUnscaled(w, this.terms[l]!.ptr, prev.buffers[l]!.ptr, prev.buffers[l + 1]!.ptr, pre, out.ptr, s.inPadded, s.nOut);
      } else if (update) {
        const e = this.terms[l]!.ptr;
        const maxAbs = hebbianForward(w, e, scale, prev.buffers[l]!.ptr, prev.buffers[l + 1]!.ptr, pre, out.ptr, s.inPadded, s.nOut);
        scale = maxAbs > 0 ? 1 / maxAbs : 1;
        this.scale[l] = scale;
      } else {
        matvec(w, pre, out.ptr, s.inPadded, s.nOut);
      }
      if (!activate(out.view, s.nOut, s.activation, scale)) this.finite = false;
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
    const { hebbianForward } = this.arena.kernels;
    const cur = this.current;
    this.shapes.forEach((s, l) => {
      const maxAbs = hebbianForward(
        this.weights[l]!.ptr, this.terms[l]!.ptr, this.scale[l]!, cur.buffers[l]!.ptr, cur.buffers[l + 1]!.ptr,
        this.zeros.ptr, this.discard.ptr, s.inPadded, s.nOut,
      );
      this.scale[l] = this.options.normalise && maxAbs > 0 ? 1 / maxAbs : 1;
    });
  }

  /** Writes the true weights of layer l as [out][in] into `out`, applying any pending update first. */
  readWeights(l: number, out: Float32Array): void {
    this.flushUpdate();
    storeLayer(this.shapes[l]!, this.weights[l]!.view, this.scale[l]!, out);
  }

  /**
   * Writes the weights the last forward pass used for layer l as [out][in], leaving any pending update pending
   * (a snapshot must not change the lifetime it observes).
   */
  usedWeights(l: number, out: Float32Array): void {
    storeLayer(this.shapes[l]!, this.weights[l]!.view, this.scale[l]!, out);
  }

  /** Zeroes the listed synapses of layer l (indices into [out][in]) after applying any pending update. */
  zeroSynapses(l: number, synapses: ArrayLike<number>): void {
    this.flushUpdate();
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
