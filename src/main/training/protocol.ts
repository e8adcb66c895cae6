/** Messages between the evaluator pool (main thread) and its workers. Plain data: structured-clone safe. */
import type { EnvName } from '../../core/config';
import type { MlpSpec } from '../../core/nn/mlp';
import type { Candidate } from '../../core/es/openai-es';
import type { PolicySpec } from '../../core/policy/genome';

export interface WorkerInit {
  /** The run's task (RunConfig.env); default the quadruped. A racing worker ignores the morphology lists. */
  readonly env?: EnvName;
  readonly runSeed: number;
  readonly policy: PolicySpec;
  readonly net: MlpSpec;
  /** Training morphologies as MJCF, in the run's order (none for the car). */
  readonly morphologies: readonly { readonly name: string; readonly mjcf: string }[];
  /** Held-out morphologies (the centre is tested on them, never trained), in the run's order; default none. */
  readonly heldout?: readonly { readonly name: string; readonly mjcf: string }[];
  /** The shared noise table (Float32) and the centre θ (Float32), both written by the main thread only. */
  readonly noise: SharedArrayBuffer;
  readonly theta: SharedArrayBuffer;
  readonly l2Coefficient: number;
  /**
   * Evolve & Merge runs only (core/merge): the synapse → rule assignment (Int32, one per synapse), written by the
   * main thread with each centre. θ then holds the rule table and the genome's other segments, and every candidate
   * is expanded into the ordinary genome before the policy loads it.
   */
  readonly assignment?: SharedArrayBuffer;
  /** The run's physics version (RunConfig.physics; default the current one). */
  readonly physics?: number;
}

/** One test lifetime of the centre: held-out body `morphology` (index), test episode `episode`. */
export interface TestLifetime {
  readonly index: number;
  readonly morphology: number;
  readonly episode: number;
}

/** `centre`: the length of the centre θ in the shared buffer (a merged table is shorter than the genome). */
export type EvaluateTask =
  | { readonly kind: 'candidates'; readonly id: number; readonly generation: number; readonly centre: number; readonly sigma: number; readonly candidates: readonly Candidate[] }
  | { readonly kind: 'tests'; readonly id: number; readonly generation: number; readonly centre: number; readonly tests: readonly TestLifetime[] };

export interface CandidateResult {
  readonly index: number;
  readonly fitness: number;
  readonly perMorphology: number[];
  readonly envSteps: number;
  /** Lifetimes of this candidate that ended on a non-finite state. */
  readonly blownUp: number;
}

export interface TestResult {
  readonly index: number;
  readonly fitness: number;
  /** Metres walked forward. */
  readonly distance: number;
  readonly envSteps: number;
}

export type WorkerReply =
  | { readonly kind: 'ready' }
  | { readonly kind: 'results'; readonly id: number; readonly results: readonly (CandidateResult | TestResult)[] }
  | { readonly kind: 'failed'; readonly id: number; readonly message: string };
