/**
 * The workbench's data as it crosses boundaries (store → services → IPC / HTTP → renderer): plain, serialisable
 * objects only. The store and the services produce these; the renderer consumes them.
 */

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
}
