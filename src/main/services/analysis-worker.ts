/**
 * Worker entry: the weight-trajectory analysis of one centre. Each lifetime is the `record` task of the lifetimes
 * worker (so lifetime k is exactly the episode `hebb record --seed seeds[k]` stores), its weight snapshots kept;
 * then the principal components and the spread (core/analysis/trajectories), here, off the main thread. Posts
 * progress per lifetime, then the outcome (or the failure) and exits.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { analyseTrajectories, type LifetimeSnapshots, type TrajectoryEvent } from '../../core/analysis/trajectories';
import type { PolicySpec } from '../../core/policy/genome';
import type { DamageSchedule } from '../../core/rollout/damage';
import { decodeRecording } from '../../core/rollout/recording-codec';
import { runLifetimeTask, type MorphologySource } from './lifetimes';

export interface TrajectoriesTask {
  readonly physics?: number;
  readonly policy: PolicySpec;
  readonly genome: Float32Array;
  readonly morphology: MorphologySource;
  readonly damage: DamageSchedule;
  readonly seeds: readonly number[];
  readonly stride: number;
  readonly layers: readonly number[];
  readonly events: readonly TrajectoryEvent[];
}

async function run(task: TrajectoriesTask, progress: (done: number, total: number) => void) {
  const snapshots: LifetimeSnapshots[] = [];
  const fitness: number[] = [];
  const distance: number[] = [];
  let layerSizes: readonly number[] = [];
  for (const [k, seed] of task.seeds.entries()) {
    const r = await runLifetimeTask(
      { kind: 'record', physics: task.physics, policy: task.policy, genome: task.genome, seed, morphology: task.morphology, damage: task.damage, weightStride: task.stride, earlyStop: false },
      () => {},
    );
    if (r.kind !== 'recorded') throw new Error(`lifetime ${seed} did not record`);
    const rec = decodeRecording(r.trajectory);
    snapshots.push({ seed, steps: rec.weightSteps, weights: rec.weights });
    layerSizes = rec.layerSizes;
    fitness.push(r.fitness);
    distance.push(r.distance);
    progress(k + 1, task.seeds.length + 1);
  }
  const analysis = analyseTrajectories(snapshots, { layerSizes, layers: task.layers, events: task.events });
  progress(task.seeds.length + 1, task.seeds.length + 1);
  return { fitness, distance, analysis };
}

const port = parentPort!;
try {
  const task = (workerData as { task: TrajectoriesTask }).task;
  port.postMessage({ kind: 'done', outcome: await run(task, (done, total) => port.postMessage({ kind: 'progress', done, total })) });
} catch (e) {
  port.postMessage({ kind: 'failed', message: e instanceof Error ? e.message : String(e) });
}
