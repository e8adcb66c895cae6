/**
 * What the coordinator evaluates a generation with: the worker-thread pool of this process (evaluator-pool.ts) or
 * BullMQ jobs for `hebb worker` processes on other machines (redis-evaluator.ts). An engine takes candidates as (index, noise offset, sign)
 * and places results by index, so a run's records do not depend on the engine or on the number of workers.
 */
import type { RunConfig } from '../../core/config';
import type { Candidate } from '../../core/es/openai-es';
import type { CandidateResult, TestLifetime, TestResult, WorkerInit } from './protocol';

export interface Evaluator {
  /** Which engine evaluates (shown to people: status lines, the run page). */
  readonly engine: string;
  /** Resolves once the engine can take work. */
  ready(): Promise<void>;
  /**
   * Sets generation `generation`'s centre θ; its candidates and its held-out tests are drawn around it. A run that
   * merges rules gives the synapse → rule assignment of its table too (EsState.assignment).
   */
  setCentre(generation: number, theta: Float32Array, assignment?: Int32Array): Promise<void>;
  /** Evaluates every candidate of a generation; resolves with results ordered by candidate index. */
  evaluate(generation: number, sigma: number, candidates: readonly Candidate[]): Promise<CandidateResult[]>;
  /** Test lifetimes of the current centre on the held-out bodies; resolves with results ordered by index. */
  test(generation: number, tests: readonly TestLifetime[]): Promise<TestResult[]>;
  /** The generation is committed: anything kept for it can go. */
  committed(generation: number): Promise<void>;
  close(): Promise<void>;
}

/** The run an engine evaluates for (engines shared between runs and machines key their work by it). */
export interface RunIdentity {
  readonly id: number;
  readonly config: RunConfig;
}

/** Builds an engine for one run from what its workers need; `workers` is the requested thread count. */
export type EvaluatorFactory = (init: WorkerInit, workers: number, run: RunIdentity) => Evaluator;
