/**
 * The physics audit of a run's gait (core/envs/quadruped/audit.ts): one lifetime of the run's ES centre on one
 * body, measured sub-step by sub-step, then re-run with twice the solver iterations and half the sub-step.
 * Runs in the calling thread: about three lifetimes, a second or two (the CLI is its only caller).
 */
import { loadAmmo } from '../../core/envs/quadruped/ammo';
import { auditGait, type GaitAudit } from '../../core/envs/quadruped/audit';
import { physicsSettings, PHYSICS_VERSION_NUMBERS } from '../../core/envs/quadruped/physics';
import { parseMjcf } from '../../core/morphology/mjcf';
import { QUADRUPED_MLP } from '../../core/nn/mlp';
import { makePolicy } from '../../core/policy/policies';
import { QUADRUPED_PROTOCOL, recordingStreams } from '../../core/rollout/lifetime';
import { StoreError, type Store } from '../store/store';
import { centre } from './evaluation';

export interface AuditOptions {
  /** Default: the run's first training morphology. */
  readonly morphology?: string;
  /** The recording seed: the lifetime `record --seed S --early-stop` stores. Default 1. */
  readonly seed?: number;
  /** Default: the latest checkpointed generation. */
  readonly generation?: number;
  /** Physics version to audit under; default the one the run was trained with. */
  readonly physics?: number;
}

export interface RunAudit extends GaitAudit {
  readonly runId: number;
  readonly generation: number;
  readonly morphology: string;
  readonly seed: number;
  /** The version audited under, and the one the run was trained with. */
  readonly physicsVersion: number;
  readonly trainedPhysics: number;
}

export async function auditRun(store: Store, runId: number, options: AuditOptions = {}): Promise<RunAudit> {
  const seed = options.seed ?? 1;
  if (!Number.isSafeInteger(seed) || seed < 0) throw new StoreError(`seed must be a non-negative integer, got ${seed}`);
  const { config, generation, genome } = centre(store, runId, options.generation);
  const version = options.physics ?? config.physics;
  if (!PHYSICS_VERSION_NUMBERS.includes(version as never)) {
    throw new StoreError(`physics must be one of ${PHYSICS_VERSION_NUMBERS.join(', ')}, got ${version}`);
  }
  const morphology = options.morphology ?? config.morphologies[0]!;
  const { mjcf } = store.morphology(morphology);
  const policy = makePolicy(QUADRUPED_MLP, config.policy, genome);
  const audit = auditGait(await loadAmmo(), parseMjcf(mjcf, morphology), policy, () => recordingStreams(seed), physicsSettings(version), QUADRUPED_PROTOCOL);
  return { runId, generation, morphology, seed, physicsVersion: version, trainedPhysics: config.physics, ...audit };
}
