/**
 * Test lifetimes of one genome, as a task for a worker thread: evaluation (N lifetimes per morphology),
 * recording (one lifetime, optional damage, encoded for storage) and curves (whole lifetimes under damage
 * schedules, keeping each step's progress, for damage experiments). Plain data in, plain data out, so the main
 * thread stays free while they run.
 */
import type { EnvName } from '../../core/config';
import type { Env } from '../../core/envs/env';
import { makeQuadrupedEnv } from '../../core/envs/quadruped/make-env';
import { CURRENT_PHYSICS } from '../../core/envs/quadruped/physics';
import { RacingEnv } from '../../core/envs/racing/racing-env';
import { parseMjcf } from '../../core/morphology/mjcf';
import type { PolicySpec } from '../../core/policy/genome';
import { makePolicy } from '../../core/policy/make-policy';
import type { DamageSchedule } from '../../core/rollout/damage';
import { recordingStreams, runLifetime, testLifetime } from '../../core/rollout/lifetime';
import { encodeRecording } from '../../core/rollout/recording-codec';
import { taskNet, taskProtocol, wholeLifetime } from '../../core/tasks';

export interface MorphologySource {
  readonly name: string;
  readonly mjcf: string;
}

/**
 * Every task names the run's task (RunConfig.env; default the quadruped) and physics version (RunConfig.physics;
 * default the current one). A racing task's morphology sources only name its columns: the car is always the same.
 */
export type LifetimeTask = { readonly physics?: number; readonly env?: EnvName } & (
  | {
      readonly kind: 'evaluate';
      readonly policy: PolicySpec;
      readonly genome: Float32Array;
      /** Episode e is `testLifetime(…, seed, generation, e)` on every morphology (common random numbers). */
      readonly seed: number;
      readonly generation: number;
      readonly episodes: number;
      readonly morphologies: readonly MorphologySource[];
    }
  | {
      readonly kind: 'record';
      readonly policy: PolicySpec;
      readonly genome: Float32Array;
      /** The recording seed alone picks the lifetime (see recordingStreams). */
      readonly seed: number;
      readonly morphology: MorphologySource;
      readonly damage: DamageSchedule;
      readonly weightStride: number;
      readonly earlyStop: boolean;
    }
  | {
      readonly kind: 'curves';
      readonly policy: PolicySpec;
      readonly genome: Float32Array;
      readonly morphology: MorphologySource;
      /** Whole lifetimes, each keyed by its recording seed (the same lifetime `record` stores for that seed). */
      readonly lifetimes: readonly { readonly seed: number; readonly damage: DamageSchedule }[];
    }
);

export type LifetimeOutcome =
  | { readonly kind: 'evaluated'; readonly results: { fitness: number[]; distance: number[] }[] }
  | { readonly kind: 'recorded'; readonly fitness: number; readonly distance: number; readonly steps: number; readonly envSteps: number; readonly trajectory: Uint8Array }
  | { readonly kind: 'curves'; readonly results: { fitness: number; distance: number; progress: Float32Array }[] };

export async function runLifetimeTask(task: LifetimeTask, progress: (done: number, total: number) => void): Promise<LifetimeOutcome> {
  const envName = task.env ?? 'quadruped';
  const policy = makePolicy(taskNet(envName), task.policy, task.genome);
  const physics = task.physics ?? CURRENT_PHYSICS;
  const protocol = taskProtocol(envName);
  const whole = wholeLifetime(envName);
  const withEnv = async <T>(m: MorphologySource, body: (env: Env) => T): Promise<T> => {
    const env = envName === 'quadruped' ? await makeQuadrupedEnv(parseMjcf(m.mjcf, m.name), physics) : new RacingEnv();
    try {
      return body(env);
    } finally {
      env.dispose();
    }
  };
  if (task.kind === 'record') {
    const r = await withEnv(task.morphology, (env) => runLifetime(env, policy, recordingStreams(task.seed), {
      damage: task.damage,
      // The car keeps its trace, not its pictures: the replay redraws them (RecordOptions.car).
      record: { weightStride: task.weightStride, ...(env instanceof RacingEnv ? { car: { trackSeed: task.seed, source: env } } : {}) },
      protocol: task.earlyStop ? protocol : whole,
    }));
    progress(1, 1);
    return { kind: 'recorded', fitness: r.fitness, distance: r.distance, steps: r.steps, envSteps: r.envSteps, trajectory: encodeRecording(r.recording!) };
  }
  if (task.kind === 'curves') {
    const results = await withEnv(task.morphology, (env) =>
      task.lifetimes.map(({ seed, damage }, i) => {
        const r = runLifetime(env, policy, recordingStreams(seed), { damage, record: { weightStride: 0, observations: false }, protocol: whole });
        const rec = r.recording!;
        const terms = rec.rewardTerms.length;
        // The recorded policy steps: a lifetime that blew up does not record its non-finite last step.
        const perStep = new Float32Array(rec.envSteps - rec.burnIn);
        for (let t = 0; t < perStep.length; t++) perStep[t] = rec.rewards[(rec.burnIn + t) * terms + env.fitnessTerm]!;
        progress(i + 1, task.lifetimes.length);
        return { fitness: r.fitness, distance: r.distance, progress: perStep };
      }));
    return { kind: 'curves', results };
  }
  const total = task.episodes * task.morphologies.length;
  let done = 0;
  const results: { fitness: number[]; distance: number[] }[] = [];
  for (const m of task.morphologies) {
    results.push(await withEnv(m, (env) => {
      const fitness: number[] = [];
      const distance: number[] = [];
      for (let e = 0; e < task.episodes; e++) {
        const r = testLifetime(env, policy, task.seed, task.generation, e, protocol);
        fitness.push(r.fitness);
        distance.push(r.distance);
        progress(++done, total);
      }
      return { fitness, distance };
    }));
  }
  return { kind: 'evaluated', results };
}
