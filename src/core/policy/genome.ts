/**
 * One genome layout: how the ES's flat parameter vector maps onto rule coefficients, co-evolved initial weights
 * or static weights. Segments are contiguous and in a fixed order, so a layout is fully determined by the
 * network spec and the policy spec.
 */
import { layerShapes, type MlpSpec } from '../nn/mlp';
import type { PolicySpec } from '../config';
import { ruleDef } from '../plasticity/rules';
import type { RandomStream } from '../random';

export { INIT_MODES, type InitMode } from '../config';

/** A policy: `hebbian` (rule, indexing, lifetime-initial weights, normalisation) or `static`; see config.ts. */
export type { PolicySpec };

export type SegmentKind = 'rule' | 'initialWeights' | 'weights';

export interface Segment {
  readonly kind: SegmentKind;
  /** Layer index (0 = input → first hidden). */
  readonly layer: number;
  readonly offset: number;
  readonly length: number;
  /** Whether the L2 fitness penalty covers this segment (rule coefficients and static weights; spec §2). */
  readonly penalised: boolean;
}

export interface GenomeLayout {
  readonly size: number;
  readonly segments: readonly Segment[];
  /** Size of the penalised part (the L2 penalty's mean is over these entries). */
  readonly penalisedSize: number;
}

export function genomeLayout(net: MlpSpec, policy: PolicySpec): GenomeLayout {
  const shapes = layerShapes(net);
  const segments: Segment[] = [];
  let offset = 0;
  const add = (kind: SegmentKind, layer: number, length: number, penalised: boolean): void => {
    segments.push({ kind, layer, offset, length, penalised });
    offset += length;
  };
  if (policy.kind === 'static') {
    shapes.forEach((s, l) => add('weights', l, s.nIn * s.nOut, true));
  } else {
    const K = ruleDef(policy.rule).coefficients;
    shapes.forEach((s, l) => add('rule', l, s.nIn * s.nOut * K, true));
    if (policy.init === 'coevolve') shapes.forEach((s, l) => add('initialWeights', l, s.nIn * s.nOut, false));
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
 * The ES's starting centre (spec §1.9, §2): rule coefficients and co-evolved initial weights N(0, 1); static
 * weights as PyTorch initialises a fresh Linear layer, U(−1/√fan_in, 1/√fan_in).
 */
export function initialCentre(net: MlpSpec, layout: GenomeLayout, rng: RandomStream): Float32Array {
  const shapes = layerShapes(net);
  const theta = new Float32Array(layout.size);
  for (const seg of layout.segments) {
    const view = theta.subarray(seg.offset, seg.offset + seg.length);
    if (seg.kind === 'weights') {
      const bound = 1 / Math.sqrt(shapes[seg.layer]!.nIn);
      rng.fillUniform(view, -bound, bound);
    } else {
      rng.fillNormal(view, 0, 1);
    }
  }
  return theta;
}
