/**
 * The workbench's data as it crosses boundaries (store → services → IPC / HTTP → renderer): plain, serialisable
 * objects only. The store and the services produce these; the renderer consumes them.
 */
import type { RecoverySummary } from '../core/rollout/recovery';

export type RunStatus = 'queued' | 'running' | 'paused' | 'stopped' | 'finished' | 'failed';

export interface RunRow {
  readonly id: number;
  readonly name: string;
  readonly config: unknown;
  readonly seed: number;
  readonly status: RunStatus;
  readonly error: string | null;
  readonly tags: readonly string[];
  readonly notes: string;
  /** `host:pid` of the process training the run while it is 'running'. */
  readonly owner: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface GenerationRecord {
  readonly generation: number;
  readonly mean: number;
  readonly max: number;
  readonly min: number;
  readonly std: number;
  /** Population mean fitness per training morphology. */
  readonly perMorphology: Readonly<Record<string, number>>;
  readonly lr: number;
  readonly sigma: number;
  readonly envSteps: number;
  readonly wallMs: number;
  /**
   * Lifetimes that ended on a non-finite state and scored the floor fitness (BLOWN_UP_FITNESS); 0 for
   * generations stored before this was counted.
   */
  readonly blownUp: number;
}

/**
 * Held-out test of a training run: the centre of generation `generation` (the one whose candidates produced that
 * generation's record) on a body the run does not train on, `episodes` test lifetimes, run during training.
 */
export interface HeldoutRecord {
  readonly generation: number;
  readonly morphology: string;
  readonly episodes: number;
  /** Fitness (Σ progress) over the lifetimes: mean and population std. */
  readonly mean: number;
  readonly std: number;
  readonly fitness: number[];
  /** Metres walked forward in each lifetime. */
  readonly distance: number[];
  readonly envSteps: number;
}

export interface EvaluationRow {
  readonly id: number;
  readonly runId: number;
  readonly generation: number;
  readonly morphology: string;
  /** Whether the run trained on this morphology. */
  readonly seen: boolean;
  readonly episodes: number;
  readonly mean: number;
  /** Population standard deviation over the episodes. */
  readonly std: number;
  readonly fitness: number[];
  /** Metres walked forward in each episode (empty for evaluations stored before schema 2). */
  readonly distance: number[];
}

/** A recorded lifetime, without its trajectory blob (`Store.episodeTrajectory` reads that). */
export interface EpisodeRow {
  readonly id: number;
  readonly runId: number;
  readonly generation: number;
  readonly morphology: string;
  /** The MJCF the episode ran on, as it was when recorded. */
  readonly mjcf: string;
  readonly seed: number;
  /** The damage schedule, as given (validated JSON). */
  readonly damage: unknown;
  readonly fitness: number;
  readonly distance: number;
  /** Policy steps and env steps (burn-in included). */
  readonly steps: number;
  readonly envSteps: number;
  /**
   * Whether the lifetime stopped early as training's fitness protocol does (after t = 200, on 30 steps of
   * negative progress or a fall); otherwise it ran all its steps, as damage experiments need.
   */
  readonly earlyStop: boolean;
  readonly createdAt: number;
}

export interface ComparisonCell {
  /** Fitness (Σ progress) over all pooled lifetimes: mean and population std. */
  readonly mean: number;
  readonly std: number;
  /** Metres walked forward over the same lifetimes (null when an evaluation predates distance records). */
  readonly distance: { readonly mean: number; readonly std: number } | null;
  readonly episodes: number;
  readonly seen: boolean;
}

export interface ComparisonRow {
  /** A stable id of the group (a hash of its config without name, seed and held-out testing): its colour on every page. */
  readonly key: string;
  /** The network, then the config values in which this group differs from the others compared with it. */
  readonly label: string;
  readonly runs: number[];
  readonly cells: Record<string, ComparisonCell>;
}

export interface Comparison {
  readonly morphologies: string[];
  readonly rows: ComparisonRow[];
}

export interface MorphologySummary {
  readonly name: string;
  readonly builtin: boolean;
  /** kg, at the simulator's density. */
  readonly mass: number;
  readonly joints: { name: string; range: readonly [number, number]; gear: number | null }[];
  /** Capsule segments (name, length, radius), in body order. */
  readonly segments: { name: string; length: number; radius: number }[];
  /** Why a stored MJCF no longer loads (stored by an earlier, laxer reader); then mass is 0 and the lists empty. */
  readonly problem?: string;
}

/** Mean progress per policy step in three windows around a perturbation, averaged over seeds. */
export interface SpeedWindows {
  /** The 100 steps before it starts. */
  readonly before: number;
  /** The 100 steps after it ends (for an instant, after it happens). */
  readonly after: number;
  /** From 100 steps after it ends to the end of the lifetime. */
  readonly late: number;
}

/** One condition of a damage experiment (a damage schedule) over every seed. */
export interface ExperimentCondition {
  readonly label: string;
  /** The damage schedule run (validated). */
  readonly damage: unknown;
  /** For plasticity-stop conditions: the step T plasticity stopped at; null for the control. */
  readonly at?: number | null;
  /** Per seed, in the experiment's seed order: Σ progress and metres walked. */
  readonly fitness: number[];
  readonly distance: number[];
  /** Mean over seeds of Σ progress after each policy step. */
  readonly meanCurve: number[];
  readonly speed: SpeedWindows | null;
  /**
   * Per seed, the steps after the perturbation to regain a share of the speed before it (core/rollout/recovery);
   * null for plasticity stopped at t (nothing ends); absent in experiments stored before it was measured.
   */
  readonly recovery?: RecoverySummary | null;
}

export interface ExperimentRunResult {
  readonly runId: number;
  readonly name: string;
  readonly policy: 'hebbian' | 'static';
  readonly generation: number;
  readonly conditions: ExperimentCondition[];
}

/** A damage experiment (docs/METHOD.md#damage-experiments) run over several seeds on some runs, as stored. */
export interface ExperimentRow {
  readonly id: number;
  /** The recipe, with defaults filled (see core/rollout/recipes). */
  readonly recipe: unknown;
  readonly morphology: string;
  readonly seeds: number[];
  readonly runIds: number[];
  readonly results: ExperimentRunResult[];
  /** Runs the recipe does not apply to, and why (a static network has no plasticity to stop). */
  readonly skipped: { runId: number; reason: string }[];
  readonly wallMs: number;
  readonly createdAt: number;
}
