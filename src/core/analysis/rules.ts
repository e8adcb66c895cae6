/**
 * Rule inspection: a Hebbian genome decoded synapse by synapse into its rule's coefficients (A, B, C, D, η, …, as
 * the rule names them), per layer, with histograms, and the share of synapses whose rule is effectively off
 * (docs/METHOD.md#rule-inspection). Each synapse is counted once, through the run's indexing, so under the
 * `original` indexing a row shared by several synapses counts once per synapse.
 */
import { layerShapes, type MlpSpec } from '../nn/mlp';
import { genomeLayout, segmentStart, type PolicySpec } from '../policy/genome';
import { coefficientRow, ruleDef, type RuleName } from '../plasticity/rules';

/** A synapse is off when its strength is below this share of its layer's median strength (default). */
export const OFF_RELATIVE = 0.01;

export interface CoefficientValues {
  /** The rule's name for it: A, B, C, D, η, D_in, D_out. */
  readonly label: string;
  /** One value per synapse, in [out][in] order. */
  readonly values: Float32Array;
}

export interface LayerRules {
  readonly layer: number;
  readonly nIn: number;
  readonly nOut: number;
  readonly coefficients: CoefficientValues[];
  /**
   * Per synapse: max(|a|, |b|, |c|, |d|) of the compiled update Δw = a·pre·post + b·pre + c·post + d (for
   * ABCD_lr, |η|·max(|A|, |B|, |C|, |D|)): how fast the synapse can change at unit activities.
   */
  readonly strength: Float32Array;
  readonly medianStrength: number;
  /** offRelative × medianStrength. */
  readonly offBelow: number;
  /** Synapses with strength < offBelow. */
  readonly off: number;
  readonly offShare: number;
}

export interface RuleInspection {
  readonly rule: RuleName;
  readonly indexing: string;
  readonly offRelative: number;
  readonly layers: LayerRules[];
}

export function median(values: Float32Array): number {
  if (values.length === 0) return NaN;
  const sorted = Float32Array.from(values).sort();
  const m = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[m]! : (sorted[m - 1]! + sorted[m]!) / 2;
}

/** Decodes the rule coefficients of every synapse of a Hebbian genome. */
export function inspectRules(net: MlpSpec, policy: PolicySpec, genome: Float32Array, offRelative = OFF_RELATIVE): RuleInspection {
  if (policy.kind !== 'hebbian') throw new RangeError('a static network has no plasticity rules to inspect');
  if (!(offRelative >= 0 && offRelative < 1)) throw new RangeError(`offRelative must be in [0, 1), got ${offRelative}`);
  const layout = genomeLayout(net, policy);
  if (genome.length !== layout.size) throw new RangeError(`genome must have ${layout.size} parameters for this network and policy, got ${genome.length}`);
  const rule = ruleDef(policy.rule);
  const K = rule.coefficients;
  const start = segmentStart(layout, 'rule');
  const terms = new Float32Array(4);
  const layers = layerShapes(net).map((shape, layer): LayerRules => {
    const { nIn, nOut, synapseOffset } = shape;
    const coefficients = rule.labels.map((label) => ({ label, values: new Float32Array(nIn * nOut) }));
    const strength = new Float32Array(nIn * nOut);
    for (let j = 0; j < nOut; j++) {
      for (let i = 0; i < nIn; i++) {
        const row = start + coefficientRow(policy.indexing, synapseOffset, i, j, nOut) * K;
        const s = j * nIn + i;
        for (let c = 0; c < K; c++) coefficients[c]!.values[s] = genome[row + c]!;
        rule.compile(genome, row, terms, 0);
        strength[s] = Math.max(Math.abs(terms[0]!), Math.abs(terms[1]!), Math.abs(terms[2]!), Math.abs(terms[3]!));
      }
    }
    const medianStrength = median(strength);
    const offBelow = offRelative * medianStrength;
    let off = 0;
    for (let s = 0; s < strength.length; s++) if (strength[s]! < offBelow) off++;
    return { layer, nIn, nOut, coefficients, strength, medianStrength, offBelow, off, offShare: off / strength.length };
  });
  return { rule: rule.name, indexing: policy.indexing, offRelative, layers };
}

export interface Histogram {
  readonly lo: number;
  readonly hi: number;
  /** counts[b]: values in [lo + b·w, lo + (b+1)·w), the last bin closed; w = (hi − lo)/bins. */
  readonly counts: number[];
}

/** Counts of `values` in `bins` equal bins over [lo, hi]; values outside are not counted. */
export function histogram(values: Float32Array, lo: number, hi: number, bins: number): Histogram {
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`bins must be a positive integer, got ${bins}`);
  const counts = new Array<number>(bins).fill(0);
  const width = (hi - lo) / bins;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!(v >= lo && v <= hi)) continue;
    const b = width > 0 ? Math.min(bins - 1, Math.floor((v - lo) / width)) : 0;
    counts[b]!++;
  }
  return { lo, hi, counts };
}

/** [min, max] of several samples together (so two runs' histograms share their bins), widened if empty of width. */
export function commonRange(samples: readonly Float32Array[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of samples) {
    for (let i = 0; i < s.length; i++) {
      const v = s[i]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (!(lo <= hi)) return [0, 1];
  return lo === hi ? [lo - 0.5, hi + 0.5] : [lo, hi];
}
