import { beforeAll, describe, expect, it } from 'vitest';
import { Store, StoreError } from '../../src/main/store/store';
import { ConfigError } from '../../src/core/config';
import type { DamageEvent } from '../../src/core/rollout/damage';
import { removeLowerLeg } from '../../src/core/morphology/edit';
import { parseMjcf, serialiseMjcf } from '../../src/core/morphology/mjcf';
import { decodeRecording } from '../../src/core/rollout/recording-codec';
import { Replay } from '../../src/renderer/src/replay/model';
import { compareRuns, evaluateRun, recordEpisode } from '../../src/main/services/evaluation';
import { createRun, ensurePresets, train } from '../../src/main/training/coordinator';

const BASE = { es: { popSize: 4, noiseTableSize: 1 << 20 }, generations: 1, morphologies: ['standard'] };
let store: Store;
const ids: number[] = [];

beforeAll(async () => {
  store = Store.open(':memory:');
  ensurePresets(store);
  for (const [name, seed, policy] of [['h1', 1, undefined], ['h2', 2, undefined], ['s1', 1, { kind: 'static' }]] as const) {
    const { id } = createRun(store, { ...BASE, name, seed, ...(policy ? { policy } : {}) });
    await train(store, id, { workers: 2 });
    ids.push(id);
  }
});

describe('evaluation and comparison', () => {
  it('evaluates the ES centre for N test lifetimes per morphology, marking seen and unseen', async () => {
    const rows = await evaluateRun(store, ids[0]!, { morphologies: ['standard', 'damaged-left'], episodes: 3 });
    expect(rows.map((r) => [r.morphology, r.seen, r.episodes, r.generation])).toEqual([
      ['standard', true, 3, 1],
      ['damaged-left', false, 3, 1],
    ]);
    const again = await evaluateRun(store, ids[0]!, { morphologies: ['standard'], episodes: 3 });
    expect(again[0]!.fitness).toEqual(rows[0]!.fitness); // deterministic
    expect(new Set(rows[0]!.fitness).size).toBe(3); // each episode its own random start
    expect(rows[0]!.distance).toHaveLength(3);
    expect(again[0]!.distance).toEqual(rows[0]!.distance);
    expect(store.evaluations(ids[0]!)).toHaveLength(3);
  });

  it('runs in a worker thread, reporting progress, while this thread stays free', async () => {
    const progress: string[] = [];
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const rows = await evaluateRun(store, ids[2]!, { morphologies: ['standard', 'damaged-left'], episodes: 2 }, (done, total) => progress.push(`${done}/${total}`));
    clearInterval(timer);
    expect(rows).toHaveLength(2);
    expect(progress).toEqual(['1/4', '2/4', '3/4', '4/4']);
    expect(ticks).toBeGreaterThan(3); // a blocked event loop would not tick at all
  });

  it('refuses a generation without a checkpoint or a bad episode count', async () => {
    await expect(evaluateRun(store, ids[0]!, { morphologies: ['standard'], episodes: 1, generation: 7 })).rejects.toThrow('no checkpoint for generation 7 (kept: 0, 1)');
    await expect(evaluateRun(store, ids[0]!, { morphologies: ['standard'], episodes: 0 })).rejects.toThrow(StoreError);
  });

  it('labels each group by what tells it apart from the others compared with it, with a stable key', () => {
    const other = Store.open(':memory:');
    ensurePresets(other);
    const make = (name: string, extra: object): number => createRun(other, { ...BASE, name, seed: 1, ...extra }).id;
    const a = make('a', { es: { popSize: 16 } });
    const b = make('b', { es: { popSize: 32 } });
    const c = make('c', { es: { popSize: 16 }, morphologies: ['standard', 'damaged-right'] });
    const d = make('d', { es: { popSize: 16 }, policy: { kind: 'static' } });
    const table = compareRuns(other, [a, b, c, d]);
    expect(table.rows.map((r) => r.label)).toEqual([
      'hebbian ABCD_lr · pop 16 · standard',
      'hebbian ABCD_lr · pop 32 · standard',
      'hebbian ABCD_lr · pop 16 · standard + damaged-right',
      'static · pop 16 · standard',
    ]);
    // The key follows the group's config, not the selection: the same group compared with others keeps it.
    const alone = compareRuns(other, [b, a]);
    expect(alone.rows.map((r) => r.key)).toEqual([table.rows[1]!.key, table.rows[0]!.key]);
    expect(new Set(table.rows.map((r) => r.key)).size).toBe(4);
    // Two groups differing only in the network are told apart by its name alone.
    expect(compareRuns(other, [a, d]).rows.map((r) => r.label)).toEqual(['hebbian ABCD_lr', 'static']);
    other.close();
  });

  it('groups runs by everything but the seed and pools their episodes per morphology', async () => {
    await evaluateRun(store, ids[1]!, { morphologies: ['standard', 'damaged-left'], episodes: 3 });
    await evaluateRun(store, ids[2]!, { morphologies: ['standard', 'damaged-left'], episodes: 3 });
    const table = compareRuns(store, ids);
    expect(table.morphologies).toEqual(['standard', 'damaged-left']);
    expect(table.rows.map((r) => [r.label, r.runs])).toEqual([['hebbian ABCD_lr', [ids[0], ids[1]]], ['static', [ids[2]]]]);
    const hebbian = table.rows[0]!.cells;
    expect(hebbian['standard']!.episodes).toBe(6); // latest evaluation of each run, 3 episodes each
    expect(hebbian['damaged-left']!.seen).toBe(false);
    // Only each run's latest evaluation on a morphology counts (run 0 was evaluated on standard twice).
    const r0 = store.evaluations(ids[0]!).filter((e) => e.morphology === 'standard').at(-1)!.fitness;
    const r1 = store.evaluations(ids[1]!).filter((e) => e.morphology === 'standard').at(-1)!.fitness;
    const all = [...r0, ...r1];
    expect(hebbian['standard']!.mean).toBeCloseTo(all.reduce((s, f) => s + f, 0) / 6, 10);
    const metres = [ids[0]!, ids[1]!].flatMap((id) => store.evaluations(id).filter((e) => e.morphology === 'standard').at(-1)!.distance);
    expect(hebbian['standard']!.distance!.mean).toBeCloseTo(metres.reduce((s, d) => s + d, 0) / 6, 10);
  });
});

describe('recording an episode for replay', () => {
  const freeze = [{ kind: 'freezeActuators', from: 50, to: 80, value: 0 }];

  it('stores one lifetime with its body, damage and trajectory; the same seed records the same lifetime', async () => {
    const row = await recordEpisode(store, ids[0]!, { morphology: 'damaged-left', seed: 5, damage: freeze, weightStride: 25 });
    expect(row).toMatchObject({ runId: ids[0], generation: 1, morphology: 'damaged-left', seed: 5, mjcf: store.morphology('damaged-left').mjcf });
    expect(row.damage).toEqual([{ kind: 'freezeActuators', from: 50, to: 80, value: 0, hebbianSees: 'network' }]);
    const rec = decodeRecording(store.episodeTrajectory(row.id));
    expect(rec.envSteps).toBe(row.envSteps);
    expect(row).toMatchObject({ earlyStop: false, envSteps: 1000, steps: 960 }); // the whole lifetime by default
    expect(rec.weightSteps.length).toBe(Math.ceil(row.steps / 25));
    // Fitness is Σ progress over the policy's steps; actions inside the freeze window are exactly 0.
    let progress = 0;
    for (let s = rec.burnIn; s < rec.envSteps; s++) progress += rec.rewards[s * 5 + 1]!;
    expect(row.fitness).toBeCloseTo(progress, 2);
    expect(Array.from(rec.actions.subarray((40 + 50) * 8, (40 + 80) * 8)).every((a) => a === 0)).toBe(true);
    // The replay model reads the stored episode: its body, its last frame's progress, its damage window.
    const replay = Replay.from(rec, row.mjcf, row.damage as DamageEvent[]);
    expect(replay.frames).toBe(row.envSteps + 1);
    expect(replay.shapes.length).toBe(13); // the torso sphere and 4 legs × (hip stub, thigh, shin) capsules
    expect(replay.progress(replay.frames - 1)).toBeCloseTo(row.fitness, 2);
    expect(replay.damage).toEqual([{ kind: 'freezeActuators', label: 'actuators held at 0.0, t 50–80', fromFrame: 91, toFrame: 121 }]);
    const again = await recordEpisode(store, ids[0]!, { morphology: 'damaged-left', seed: 5, damage: freeze, weightStride: 25 });
    expect(store.episodeTrajectory(again.id)).toEqual(store.episodeTrajectory(row.id));
    expect(store.episodes(ids[0]!).map((e) => e.id)).toEqual([row.id, again.id]);
  });

  it("stops early as the fitness protocol does when asked, exactly where it must: a prefix of the same seed's whole lifetime", async () => {
    // A body that is down at every policy step: no lower legs (the torso rests on the floor) and every motor at
    // strength 0 from t = 0. Falls count only once t > 200, so the fitness protocol stops at t = 201.
    let body = parseMjcf(store.morphology('standard').mjcf, 'amputee');
    for (const foot of ['front_left_foot', 'front_right_foot', 'left_back_foot', 'right_back_foot']) body = removeLowerLeg(body, foot);
    store.saveMorphology('amputee', serialiseMjcf(body));
    const damage = [{ kind: 'actuatorStrength', at: 0, factor: 0, actuators: [0, 1, 2, 3, 4, 5, 6, 7] }];
    const whole = await recordEpisode(store, ids[0]!, { morphology: 'amputee', seed: 8, damage, weightStride: 0 });
    const early = await recordEpisode(store, ids[0]!, { morphology: 'amputee', seed: 8, damage, weightStride: 0, earlyStop: true });
    const b = decodeRecording(store.episodeTrajectory(whole.id));
    for (let s = 40; s < b.envSteps; s++) expect(b.rewards[s * 5]).toBe(-1); // the construction: alive −1, done
    expect(whole).toMatchObject({ earlyStop: false, steps: 960, envSteps: 1000 });
    expect(early).toMatchObject({ earlyStop: true, steps: 202, envSteps: 242 });
    const a = decodeRecording(store.episodeTrajectory(early.id));
    expect(a.envSteps).toBe(242);
    expect(a.actions).toEqual(b.actions.subarray(0, a.actions.length));
    expect(a.poses).toEqual(b.poses.subarray(0, a.poses.length));
  });

  it('rejects a malformed damage schedule, naming the field, and stores nothing', async () => {
    const before = store.episodes().length;
    await expect(recordEpisode(store, ids[0]!, { morphology: 'standard', seed: 1, damage: [{ kind: 'freezeActuators', from: 9, to: 3, value: 0 }] }))
      .rejects.toThrow(/damage\.0\.to: must be after from/);
    await expect(recordEpisode(store, ids[0]!, { morphology: 'standard', seed: 1, damage: [{ kind: 'zeroWeights', at: 0, fraction: 0.5, layers: [3] }] }))
      .rejects.toThrow(ConfigError);
    await expect(recordEpisode(store, ids[0]!, { morphology: 'no-such-body', seed: 1 })).rejects.toThrow(StoreError);
    expect(store.episodes()).toHaveLength(before);
  });
});
