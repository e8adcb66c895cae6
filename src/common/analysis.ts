/**
 * What the analysis services return (plain data: numbers in arrays, so it crosses IPC, HTTP and workers as is):
 * weight trajectories of several lifetimes on principal components, and the evolved rules of runs decoded per
 * layer (docs/METHOD.md#weight-trajectories-the-attractor-analysis, docs/METHOD.md#rule-inspection).
 */
import type { TrajectoryAnalysis } from '../core/analysis/trajectories';

export interface WeightTrajectories {
  readonly runId: number;
  readonly name: string;
  /** The centre analysed (checkpoint g; 0 is the initial centre). */
  readonly generation: number;
  readonly morphology: string;
  readonly stride: number;
  /** Lifetime k is the one `hebb record RUN --seed seeds[k]` stores: the same initial weights and state. */
  readonly seeds: number[];
  /** Per lifetime, as in `seeds`. */
  readonly fitness: number[];
  readonly distance: number[];
  /** The damage schedule every lifetime ran with (validated; empty for none). */
  readonly damage: unknown[];
  readonly analysis: TrajectoryAnalysis;
  readonly wallMs: number;
}

export interface CoefficientSummary {
  readonly label: string;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  readonly median: number;
  /** Over the range shared by every run inspected together (so their bars line up). */
  readonly histogram: { readonly lo: number; readonly hi: number; readonly counts: number[] };
}

export interface LayerRuleSummary {
  readonly layer: number;
  readonly nIn: number;
  readonly nOut: number;
  readonly synapses: number;
  readonly coefficients: CoefficientSummary[];
  /** log10 of each synapse's strength (max |a|, |b|, |c|, |d| of its compiled update), binned; zeros left out. */
  readonly strengthLog10: { readonly lo: number; readonly hi: number; readonly counts: number[]; readonly zeros: number };
  readonly medianStrength: number;
  /** A synapse is off below this strength (offRelative × medianStrength). */
  readonly offBelow: number;
  readonly off: number;
  readonly offShare: number;
  /** A and η of every synapse ([out][in] order) for the scatter; null for a rule without η. */
  readonly scatter: { readonly a: number[]; readonly eta: number[] } | null;
}

export interface RunRules {
  readonly runId: number;
  readonly name: string;
  readonly generation: number;
  readonly rule: string;
  readonly indexing: string;
  readonly layers: LayerRuleSummary[];
}

export interface RuleReport {
  readonly offRelative: number;
  readonly bins: number;
  readonly runs: RunRules[];
}
