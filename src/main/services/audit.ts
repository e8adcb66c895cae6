/**
 * The physics audit of a run's gait (core/envs/quadruped/audit.ts): lifetimes of the run's ES centre on one body,
 * measured sub-step by sub-step, then re-run with twice the solver iterations and half the sub-step. Runs in the
 * calling thread: three lifetimes per episode, a second or so each (the CLI is its only caller).
 */
import { auditGait, type GaitAudit } from '../../core/envs/quadruped/audit';
import { quadrupedWorlds } from '../../core/envs/quadruped/make-env';
import { isPhysicsVersion, PHYSICS_VERSION_NUMBERS } from '../../core/envs/quadruped/physics';
import { parseMjcf } from '../../core/morphology/mjcf';
import { QUADRUPED_MLP } from '../../core/nn/mlp';
import { makePolicy } from '../../core/policy/make-policy';
import { QUADRUPED_PROTOCOL, recordingStreams } from '../../core/rollout/lifetime';
import { StoreError, type Store } from '../store/store';
import { centre } from './evaluation';

export interface AuditOptions {
  /** Default: the run's first training morphology. */
  readonly morphology?: string;
  /** Recording seeds seed … seed + episodes − 1: the lifetimes `record --seed S --early-stop` stores. Default 1. */
  readonly seed?: number;
  /** Lifetimes to audit (default 5). */
  readonly episodes?: number;
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
  readonly episodes: number;
  /** The version audited under, and the one the run was trained with. */
  readonly physicsVersion: number;
  readonly trainedPhysics: number;
}

export async function auditRun(store: Store, runId: number, options: AuditOptions = {}): Promise<RunAudit> {
  const seed = options.seed ?? 1;
  if (!Number.isSafeInteger(seed) || seed < 0) throw new StoreError(`seed must be a non-negative integer, got ${seed}`);
  const episodes = options.episodes ?? 5;
  if (!Number.isInteger(episodes) || episodes < 1 || episodes > 100) throw new StoreError(`episodes must be an integer in [1, 100], got ${episodes}`);
  const { config, generation, genome } = centre(store, runId, options.generation);
  if (config.env === 'racing') throw new StoreError(`run ${runId} is a racing run: the physics audit checks a quadruped's gait, not the car`);
  const version = options.physics ?? config.physics;
  if (!isPhysicsVersion(version)) {
    throw new StoreError(`physics must be one of ${PHYSICS_VERSION_NUMBERS.join(', ')}, got ${version}`);
  }
  const morphology = options.morphology ?? config.morphologies[0]!;
  const { mjcf } = store.morphology(morphology);
  const policy = makePolicy(QUADRUPED_MLP, config.policy, genome);
  const worlds = await quadrupedWorlds(parseMjcf(mjcf, morphology), version);
  const audit = auditGait(worlds.make, worlds.solver, policy, (e) => recordingStreams(seed + e), { protocol: QUADRUPED_PROTOCOL, episodes });
  return { runId, generation, morphology, seed, episodes, physicsVersion: version, trainedPhysics: config.physics, ...audit };
}
