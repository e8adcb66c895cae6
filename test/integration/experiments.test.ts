/**
 * Damage experiments: each condition's lifetime for seed s is the episode recorded with seed s and that damage,
 * so the stored numbers are checked against independent recordings (their fitness, and speeds summed by hand
 * from their per-step rewards).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/config';
import { decodeRecording } from '../../src/core/rollout/recording-codec';
import { recordEpisode } from '../../src/main/services/evaluation';
import { runExperiment } from '../../src/main/services/experiments';
import { Store, StoreError } from '../../src/main/store/store';
import { createRun, ensurePresets, train } from '../../src/main/training/coordinator';

// Physics version 2: the experiment machinery is the subject, and the seeds below were found to walk before the
// freeze (and take a while to recover) under it.
const BASE = { es: { popSize: 4, noiseTableSize: 1 << 20 }, generations: 1, morphologies: ['standard'], physics: 2 };
let store: Store;
let hebbian: number;
let fixed: number;

beforeAll(async () => {
  store = Store.open(':memory:');
  ensurePresets(store);
  hebbian = createRun(store, { ...BASE, name: 'h', seed: 1 }).id;
  fixed = createRun(store, { ...BASE, name: 's', seed: 1, policy: { kind: 'static' } }).id;
  await train(store, hebbian, { workers: 2 });
  await train(store, fixed, { workers: 2 });
});

/** Σ of the progress reward over policy steps [from, to) of a stored episode, per step. */
function speedOf(episodeId: number, from: number, to: number): number {
  const rec = decodeRecording(store.episodeTrajectory(episodeId));
  const terms = rec.rewardTerms.length;
  let s = 0;
  for (let t = from; t < to; t++) s += rec.rewards[(rec.burnIn + t) * terms + 1]!;
  return s / (to - from);
}

describe('damage experiments', () => {
  it('runs the actuator freeze and its control over seeds, matching recorded episodes of the same seeds', async () => {
    const progress: number[] = [];
    const row = await runExperiment(store, { recipe: { kind: 'freezeActuators' }, runIds: [hebbian, fixed], morphology: 'standard', seeds: [1, 5] }, (_r, done) => progress.push(done));
    expect(row.recipe).toEqual({ kind: 'freezeActuators', from: 300, to: 400, value: 1, hebbianSees: 'network' });
    expect(row.results.map((r) => [r.runId, r.policy, r.conditions.map((c) => c.label)])).toEqual([
      [hebbian, 'hebbian', ['no damage', 'actuators held at 1.0, t 300–400']],
      [fixed, 'static', ['no damage', 'actuators held at 1.0, t 300–400']],
    ]);
    expect(progress.at(-1)).toBe(4); // 2 conditions × 2 seeds per run

    const frozen = row.results[0]!.conditions[1]!;
    const episodes = await Promise.all([1, 5].map((seed) => recordEpisode(store, hebbian, { morphology: 'standard', seed, damage: frozen.damage, weightStride: 0 })));
    expect(frozen.fitness.map((f) => f.toFixed(3))).toEqual(episodes.map((e) => e.fitness.toFixed(3)));
    expect(frozen.distance.map((d) => d.toFixed(4))).toEqual(episodes.map((e) => e.distance.toFixed(4)));
    expect(frozen.meanCurve).toHaveLength(960);
    expect(frozen.meanCurve.at(-1)).toBeCloseTo((episodes[0]!.fitness + episodes[1]!.fitness) / 2, 2);
    const mean = (f: (id: number) => number): number => (f(episodes[0]!.id) + f(episodes[1]!.id)) / 2;
    expect(frozen.speed!.before).toBeCloseTo(mean((id) => speedOf(id, 200, 300)), 5);
    expect(frozen.speed!.after).toBeCloseTo(mean((id) => speedOf(id, 400, 500)), 5);
    expect(frozen.speed!.late).toBeCloseTo(mean((id) => speedOf(id, 500, 960)), 5);
    // The control is the same lifetime without damage: identical until the freeze starts.
    const control = row.results[0]!.conditions[0]!;
    expect(control.meanCurve.slice(0, 300)).toEqual(frozen.meanCurve.slice(0, 300));
    expect(control.meanCurve[450]).not.toBe(frozen.meanCurve[450]);

    // Recovery per seed, from the recorded episodes' rewards by a naive scan: the first T ≥ 449 whose 50 steps
    // (T−49 … T) average at least 80 % of the 50 steps before 300; steps = T + 1 − 400; null if none.
    const naive = (id: number): number | null => {
      const before = speedOf(id, 250, 300);
      if (!(before > 0)) return null;
      for (let T = 449; T < 960; T++) if (speedOf(id, T - 49, T + 1) >= 0.8 * before - 1e-9) return T + 1 - 400;
      return null;
    };
    const expected = episodes.map((e) => naive(e.id));
    expect(expected.every((x) => x !== null && x > 50)).toBe(true); // seeds 1 and 5 walk before and take a while
    expect(frozen.recovery).toMatchObject({ window: 50, threshold: 0.8, origin: 400, steps: expected });
    frozen.recovery!.before.forEach((b, i) => expect(b).toBeCloseTo(speedOf(episodes[i]!.id, 250, 300), 5));
    const walking = frozen.recovery!.before.filter((b) => b > 0).length;
    expect(frozen.recovery!.walking).toBe(walking);
    expect(frozen.recovery!.recovered).toBe(expected.filter((x) => x !== null).length);
    expect(control.recovery!.origin).toBe(400); // the control measured over the same windows, for reference
    // The static run: seed 5's lifetime never regains its speed (checked the same way), so it counts as walking, not recovered.
    const still = row.results[1]!.conditions[1]!;
    const statics = await Promise.all([1, 5].map((seed) => recordEpisode(store, fixed, { morphology: 'standard', seed, damage: still.damage, weightStride: 0 })));
    expect(still.recovery!.steps).toEqual(statics.map((e) => naive(e.id)));
    expect(still.recovery!.steps[1]).toBeNull();
    expect([still.recovery!.recovered, still.recovery!.walking, still.recovery!.share]).toEqual([1, 2, 0.5]);

    expect(store.experiments().map((e) => e.id)).toEqual([row.id]);
  });

  it('stops plasticity at several t on Hebbian runs only; static runs are skipped with the reason', async () => {
    const row = await runExperiment(store, { recipe: { kind: 'stopPlasticity', times: [100, 0, 100] }, runIds: [hebbian, fixed], morphology: 'damaged-left', seeds: [1] });
    expect(row.skipped).toEqual([{ runId: fixed, reason: 'a static network has no plasticity to stop' }]);
    const conditions = row.results[0]!.conditions;
    expect(conditions.map((c) => c.at)).toEqual([null, 0, 100]);
    expect(conditions.every((c) => c.speed === null && c.recovery === null)).toBe(true);
    // Stopping at 100 changes nothing before step 100.
    expect(conditions[2]!.meanCurve.slice(0, 100)).toEqual(conditions[0]!.meanCurve.slice(0, 100));
  });

  it('refuses bad input, naming the field, and stores nothing', async () => {
    const before = store.experiments().length;
    const bad = (options: Parameters<typeof runExperiment>[1]): Promise<unknown> => runExperiment(store, options);
    await expect(bad({ recipe: { kind: 'freezeActuators', from: 400, to: 300 }, runIds: [hebbian], morphology: 'standard', seeds: [1] })).rejects.toThrow('recipe.to: must be after from (400)');
    await expect(bad({ recipe: { kind: 'freezeActuators', value: 2 }, runIds: [hebbian], morphology: 'standard', seeds: [1] })).rejects.toThrow(/recipe\.value/);
    await expect(bad({ recipe: { kind: 'freezeActuators', hebbianSees: 'both' }, runIds: [hebbian], morphology: 'standard', seeds: [1] })).rejects.toThrow(/recipe\.hebbianSees/);
    await expect(bad({ recipe: { kind: 'zeroWeights', fraction: 2 }, runIds: [hebbian], morphology: 'standard', seeds: [1] })).rejects.toThrow(ConfigError);
    await expect(bad({ recipe: { kind: 'melt' }, runIds: [hebbian], morphology: 'standard', seeds: [1] })).rejects.toThrow(/recipe\.kind/);
    await expect(bad({ recipe: { kind: 'zeroWeights' }, runIds: [hebbian, 99], morphology: 'standard', seeds: [1] })).rejects.toThrow(StoreError);
    await expect(bad({ recipe: { kind: 'zeroWeights' }, runIds: [hebbian], morphology: 'standard', seeds: [1, 1] })).rejects.toThrow('seeds: each seed once');
    await expect(bad({ recipe: { kind: 'zeroWeights' }, runIds: [hebbian], morphology: 'tripod', seeds: [1] })).rejects.toThrow(StoreError);
    expect(store.experiments()).toHaveLength(before);
  });

  it('names a corrupt stored row instead of crashing', () => {
    const id = store.experiments()[0]!.id;
    store.db.prepare("UPDATE experiments SET results = '{oops' WHERE id = ?").run(id);
    expect(() => store.experiment(id)).toThrow(`experiments.results of experiment ${id} is not valid JSON (corrupt row)`);
  });
});
