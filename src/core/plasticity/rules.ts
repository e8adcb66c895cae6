/**
 * The nine synapse-specific plasticity rules of the reference code (docs/METHOD.md#hebbian-rules), in one registry.
 *
 * Every rule is an affine function of pre·post, pre and post, so each compiles to effective per-synapse terms
 * (a, b, c, d) with Δw = a·pre·post + b·pre + c·post + d. One fused kernel then serves all nine rules; the rules
 * differ only in how a coefficient row h maps onto (a, b, c, d).
 */

export const RULE_NAMES = [
  'A',
  'AD',
  'AD_lr',
  'ABC',
  'ABC_lr',
  'ABCD',
  'ABCD_lr',
  'ABCD_lr_D_out',
  'ABCD_lr_D_in_and_out',
] as const;
export type RuleName = (typeof RULE_NAMES)[number];

export interface RuleDef {
  readonly name: RuleName;
  /** Coefficients per synapse (K). */
  readonly coefficients: number;
  /** Meaning of each coefficient index, for display. */
  readonly labels: readonly string[];
  /** Δw as the reference code writes it. */
  readonly formula: string;
  /** Writes (a, b, c, d) for the coefficient row starting at h[o] into e[q..q+3]. */
  readonly compile: (h: Float32Array, o: number, e: Float32Array, q: number) => void;
}

function put(e: Float32Array, q: number, a: number, b: number, c: number, d: number): void {
  e[q] = a;
  e[q + 1] = b;
  e[q + 2] = c;
  e[q + 3] = d;
}

export const RULES: Readonly<Record<RuleName, RuleDef>> = {
  A: {
    name: 'A', coefficients: 1, labels: ['A'], formula: 'A·pre·post',
    compile: (h, o, e, q) => put(e, q, h[o]!, 0, 0, 0),
  },
  AD: {
    name: 'AD', coefficients: 2, labels: ['A', 'D'], formula: 'A·pre·post + D',
    compile: (h, o, e, q) => put(e, q, h[o]!, 0, 0, h[o + 1]!),
  },
  AD_lr: {
    name: 'AD_lr', coefficients: 3, labels: ['A', 'D', 'η'], formula: 'η·(A·pre·post + D)',
    compile: (h, o, e, q) => {
      const lr = h[o + 2]!;
      put(e, q, lr * h[o]!, 0, 0, lr * h[o + 1]!);
    },
  },
  ABC: {
    name: 'ABC', coefficients: 3, labels: ['A', 'B', 'C'], formula: 'A·pre·post + B·pre + C·post',
    compile: (h, o, e, q) => put(e, q, h[o]!, h[o + 1]!, h[o + 2]!, 0),
  },
  ABC_lr: {
    name: 'ABC_lr', coefficients: 4, labels: ['A', 'B', 'C', 'η'], formula: 'η·(A·pre·post + B·pre + C·post)',
    compile: (h, o, e, q) => {
      const lr = h[o + 3]!;
      put(e, q, lr * h[o]!, lr * h[o + 1]!, lr * h[o + 2]!, 0);
    },
  },
  ABCD: {
    name: 'ABCD', coefficients: 4, labels: ['A', 'B', 'C', 'D'], formula: 'A·pre·post + B·pre + C·post + D',
    compile: (h, o, e, q) => put(e, q, h[o]!, h[o + 1]!, h[o + 2]!, h[o + 3]!),
  },
  ABCD_lr: {
    name: 'ABCD_lr', coefficients: 5, labels: ['A', 'B', 'C', 'η', 'D'], formula: 'η·(A·pre·post + B·pre + C·post + D)',
    compile: (h, o, e, q) => {
      const lr = h[o + 3]!;
      put(e, q, lr * h[o]!, lr * h[o + 1]!, lr * h[o + 2]!, lr * h[o + 4]!);
    },
  },
  ABCD_lr_D_out: {
    name: 'ABCD_lr_D_out', coefficients: 5, labels: ['A', 'B', 'C', 'η', 'D'],
    formula: 'η·(A·pre·post + B·pre + C·post) + D',
    compile: (h, o, e, q) => {
      const lr = h[o + 3]!;
      put(e, q, lr * h[o]!, lr * h[o + 1]!, lr * h[o + 2]!, h[o + 4]!);
    },
  },
  ABCD_lr_D_in_and_out: {
    name: 'ABCD_lr_D_in_and_out', coefficients: 6, labels: ['A', 'B', 'C', 'η', 'D_in', 'D_out'],
    formula: 'η·(A·pre·post + B·pre + C·post + D_in) + D_out',
    compile: (h, o, e, q) => {
      const lr = h[o + 3]!;
      put(e, q, lr * h[o]!, lr * h[o + 1]!, lr * h[o + 2]!, lr * h[o + 4]! + h[o + 5]!);
    },
  },
};

export function ruleDef(name: string): RuleDef {
  if (!(RULE_NAMES as readonly string[]).includes(name)) {
    throw new RangeError(`rule must be one of ${RULE_NAMES.join(', ')}; got "${name}"`);
  }
  return RULES[name as RuleName];
}

/**
 * How a synapse (pre i, post j) of a layer finds its coefficient row (docs/METHOD.md#coefficient-indexing).
 * - `corrected` (default, reference code after 2020-10-13): row = layerOffset + i·nOut + j — one rule per synapse.
 * - `original` (first release, arXiv v1): row = layerOffset + i + j — synapses with equal i+j share a rule.
 */
export const INDEXINGS = ['corrected', 'original'] as const;
export type Indexing = (typeof INDEXINGS)[number];

export function coefficientRow(indexing: Indexing, layerOffset: number, i: number, j: number, nOut: number): number {
  return indexing === 'corrected' ? layerOffset + i * nOut + j : layerOffset + i + j;
}
