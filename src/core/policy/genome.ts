/**
 * One genome layout: how the ES's flat parameter vector maps onto rule coefficients, co-evolved initial weights,
 * static weights or the evolved conv front end. Segments are contiguous and in a fixed order, so a layout is fully
 * determined by the network spec and the policy spec.
 */
import { convFeatureCount, convShapes } from '../nn/conv';
import { layerShapes, type MlpSpec } from '../nn/mlp';
import type { PolicySpec } from '../config';
import { ruleDef } from '../plasticity/rules';
import type { RandomStream } from '../random';

export { INIT_MODES, type InitMode } from '../config';

/** A policy: `hebbian` (rule, indexing, lifetime-initial weights, normalisation) or `static`; see config.ts. */
export type { PolicySpec };

export type SegmentKind = 'rule' | 'initialWeights' | 'weights' | 'conv';

export interface Segment {
  readonly kind: SegmentKind;
  /** Layer index (0 = input → first hidden; for `conv`, the conv layer). */
  readonly layer: number;
  readonly offset: number;
  readonly length: number;
  /**
   * Whether the L2 fitness penalty covers this segment: rule coefficients and static weights, and the conv weights
   * of a static network (all its parameters), but not the conv weights beside a Hebbian rule (docs/METHOD.md#l2-penalty).
   */
  readonly penalised: boolean;
  /** The ES's starting distribution: N(0, 1), or PyTorch's default layer init U(±1/√fan_in). */
  readonly init: 'normal' | 'fanIn';
}

export interface GenomeLayout {
  readonly size: number;
  readonly segments: readonly Segment[];
  /** Size of the penalised part (the L2 penalty's mean is over these entries). */
  readonly penalisedSize: number;
}

/**
 * A static network's genome is PyTorch's parameters_to_vector order: conv layers (if any), then the fully connected
 * ones. A Hebbian genome is the rule coefficients, the co-evolved initial weights (if any), then the conv weights.
 */
export function genomeLayout(net: MlpSpec, policy: PolicySpec): GenomeLayout {
  const shapes = layerShapes(net);
  const conv = net.conv ? convShapes(net.conv) : [];
  if (net.conv && convFeatureCount(net.conv) !== net.sizes[0]) {
    throw new RangeError(`network.sizes[0] must be the conv stack's ${convFeatureCount(net.conv)} features, got ${net.sizes[0]}`);
  }
  const segments: Segment[] = [];
  let offset = 0;
  const add = (kind: SegmentKind, layer: number, length: number, penalised: boolean, init: Segment['init']): void => {
    segments.push({ kind, layer, offset, length, penalised, init });
    offset += length;
  };
  if (policy.kind === 'static') {
    conv.forEach((s, l) => add('conv', l, s.weightCount, true, 'fanIn'));
    shapes.forEach((s, l) => add('weights', l, s.nIn * s.nOut, true, 'fanIn'));
  } else {
    const K = ruleDef(policy.rule).coefficients;
    shapes.forEach((s, l) => add('rule', l, s.nIn * s.nOut * K, true, 'normal'));
    if (policy.init === 'coevolve') shapes.forEach((s, l) => add('initialWeights', l, s.nIn * s.nOut, false, 'normal'));
    conv.forEach((s, l) => add('conv', l, s.weightCount, false, 'normal'));
  }
  const penalisedSize = segments.filter((s) => s.penalised).reduce((n, s) => n + s.length, 0);
  return { size: offset, segments, penalisedSize };
}

/** Offset of the first segment of a kind (segments of one kind are contiguous, layers in order). */
export function segmentStart(layout: GenomeLayout, kind: SegmentKind): number {
  const first = layout.segments.find((s) => s.kind === kind);
  if (!first) throw new RangeError(`genome has no ${kind} segment`);
  return first.offset;
}

/**
 * The ES's starting centre (docs/METHOD.md#initial-centre): rule coefficients, co-evolved initial weights and a Hebbian network's
 * conv weights N(0, 1); a static network's weights as PyTorch initialises a fresh Linear or Conv2d layer,
 * U(−1/√fan_in, 1/√fan_in) (fan_in = inputs per output: a conv layer's in-channels × kernel²).
 */
export function initialCentre(net: MlpSpec, layout: GenomeLayout, rng: RandomStream): Float32Array {
  const shapes = layerShapes(net);
  const conv = net.conv ? convShapes(net.conv) : [];
  const theta = new Float32Array(layout.size);
  for (const seg of layout.segments) {
    const view = theta.subarray(seg.offset, seg.offset + seg.length);
    if (seg.init === 'fanIn') {
      const fanIn = seg.kind === 'conv' ? conv[seg.layer]!.fanIn : shapes[seg.layer]!.nIn;
      const bound = 1 / Math.sqrt(fanIn);
      rng.fillUniform(view, -bound, bound);
    } else {
      rng.fillNormal(view, 0, 1);
    }
  }
  return theta;
}
