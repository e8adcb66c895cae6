/**
 * The environment contract every task implements (quadruped now, racing later). Steps write into buffers the
 * env owns and returns, so a lifetime allocates nothing per step; the views stay valid until the next call.
 */
import type { RandomStream } from '../random';

export interface StepResult {
  readonly observation: Float32Array;
  /** The reward terms of this step, named by `Env.rewardTerms`. */
  readonly rewards: Float64Array;
  /** The episode is over (fallen, or a non-finite state). */
  readonly done: boolean;
  /** The state after the step is finite (before the observation's clipping, which would hide an infinity). */
  readonly finite: boolean;
}

export interface Env {
  readonly observationSize: number;
  readonly actionSize: number;
  readonly rewardTerms: readonly string[];
  /** Index in `rewardTerms` of the term lifetimes are scored by (the quadruped's `progress`). */
  readonly fitnessTerm: number;
  /** Bodies in pose-snapshot order. */
  readonly bodyNames: readonly string[];
  /**
   * Per-actuator strength multipliers, 1 after every reset. Writing one mid-episode weakens or strengthens
   * that actuator from the next step on (morphology-level damage).
   */
  readonly actuatorStrength: Float32Array;
  /** Starts an episode; `rng` draws its initial-state randomisation. Returns the first observation. */
  reset(rng: RandomStream): Float32Array;
  step(action: ArrayLike<number>): StepResult;
  /** Metres the body has moved along the task's forward direction since the last reset. */
  forwardDistance(): number;
  /** Writes every body's pose as (x, y, z, qx, qy, qz, qw) in `bodyNames` order, starting at `offset`. */
  poses(out: Float32Array, offset?: number): void;
  /** Frees the engine resources; the env is unusable afterwards. */
  dispose(): void;
}

/** Floats per body in a pose snapshot. */
export const POSE_FLOATS = 7;
