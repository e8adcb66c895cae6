/**
 * Checkpoints are labelled by the generation they belong to: checkpoint g is the centre whose candidates produced
 * generation g's record. Checked against the record itself: re-evaluating generation g's candidates (the same noise
 * offsets, the same episode keys) around checkpoint g must give exactly the recorded statistics. Also: a store
 * written with the old labelling (checkpoint g = the state after generation g's update) migrates, and a run
 * stopped there resumes bit-identically.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConfig, type RunConfig } from '../../src/core/config';
import { makeQuadrupedEnv } from '../../src/core/envs/quadruped/make-env';
import { ask, candidateParams, createNoiseTable, decodeEsState, type EsState } from '../../src/core/es';
import { parseMjcf } from '../../src/core/morphology/mjcf';
import { QUADRUPED_MLP } from '../../src/core/nn/mlp';
import { genomeLayout } from '../../src/core/policy/genome';
import { makePolicy } from '../../src/core/policy/make-policy';
import { evaluateCandidate } from '../../src/core/rollout/candidate';
import { summarise } from '../../src/core/stats';
import { centre } from '../../src/main/services/evaluation';
import { MIGRATIONS } from '../../src/main/store/migrations';
import { APPLICATION_ID, Store, type GenerationRecord } from '../../src/main/store/store';
import { createRun, ensurePresets, initialState, train } from '../../src/main/training/coordinator';
import { withoutTime } from '../support/runs';

// Physics version 2: the labels are the subject here, and the seed's best generation (3) was found under it.
const CONFIG = { name: 'labels', es: { popSize: 4, noiseTableSize: 1 << 20 }, generations: 7, seed: 16, morphologies: ['standard'], physics: 2 };
const copy = (bytes: Uint8Array): Uint8Array => Uint8Array.from(bytes);

let dir: string;
let store: Store;
let whole: number;
/** The stopped run: its records and the ES state committed after each of its generations. */
let stopped: { records: GenerationRecord[]; after: Uint8Array[] };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hebb-checkpoints-'));
  store = Store.open(':memory:');
  ensurePresets(store);
  whole = createRun(store, CONFIG).id;
  await train(store, whole, { workers: 2 });
  const split = createRun(store, CONFIG).id;
  const after: Uint8Array[] = [];
  await train(store, split, {
    workers: 2,
    onGeneration: () => after.push(copy(store.checkpoint(split)!.state)),
    interrupt: () => (after.length >= 5 ? 'stopped' : null),
  });
  stopped = { records: store.generations(split), after };
}, 120_000);
afterAll(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Generation `generation`'s candidates around `state`, evaluated here in a plain loop (no pool, no coordinator). */
async function refit(s: Store, config: RunConfig, state: EsState, generation: number): Promise<{ mean: number; max: number; min: number; std: number }> {
  const envs = await Promise.all(config.morphologies.map((name) => makeQuadrupedEnv(parseMjcf(s.morphology(name).mjcf, name), config.physics)));
  const layout = genomeLayout(QUADRUPED_MLP, config.policy);
  const noise = createNoiseTable(state.config.noiseSeed, state.config.noiseTableSize);
  const policy = makePolicy(QUADRUPED_MLP, config.policy, state.theta.slice());
  const fitness = ask({ ...state, generation }).map((c) => {
    const genome = candidateParams(state, noise, c, new Float32Array(layout.size));
    return evaluateCandidate(policy, envs, layout, genome, { seed: config.seed, generation, candidate: c.index }, state.config.l2Coefficient).fitness;
  });
  envs.forEach((e) => e.dispose());
  return summarise(fitness);
}
const statsOf = (r: GenerationRecord): { mean: number; max: number; min: number; std: number } => ({ mean: r.mean, max: r.max, min: r.min, std: r.std });
const bestGeneration = (records: readonly GenerationRecord[]): number => [...records].sort((a, b) => b.mean - a.mean || a.generation - b.generation)[0]!.generation;
const flagged = (s: Store, runId: number): number[] =>
  (s.db.prepare('SELECT generation FROM checkpoints WHERE run_id = ? AND best = 1').all(runId) as { generation: number }[]).map((r) => r.generation);

describe('checkpoints labelled by their generation', () => {
  it('checkpoint g holds the centre whose candidates produced record g; the next one does not', async () => {
    const config = runConfig(store.getRun(whole).config);
    const records = store.generations(whole);
    // Seed 16's best generation is 3: its centre is kept beside the latest three.
    expect(bestGeneration(records)).toBe(3);
    expect(store.checkpointGenerations(whole)).toEqual([3, 5, 6, 7]);
    for (const g of [3, 5, 6]) {
      const state = decodeEsState(store.checkpoint(whole, g)!.state);
      expect(state.generation).toBe(g);
      expect([state.lr, state.sigma]).toEqual([records[g]!.lr, records[g]!.sigma]);
      expect(await refit(store, config, state, g)).toEqual(statsOf(records[g]!));
    }
    // What the old labelling called generation 5 (the state after its update) does not reproduce it.
    expect(await refit(store, config, decodeEsState(store.checkpoint(whole, 6)!.state), 5)).not.toEqual(statsOf(records[5]!));
    // The last checkpoint is the centre after the last update: the trained result, with no record of its own.
    expect(store.checkpoint(whole)!.generation).toBe(7);
    expect(centre(store, whole).generation).toBe(7);
  }, 60_000);

  it('generation 0 is the initial centre, rebuilt from the config, and reproduces record 0', async () => {
    const config = runConfig(store.getRun(whole).config);
    const { generation, genome } = centre(store, whole, 0);
    expect(generation).toBe(0);
    expect(store.checkpoint(whole, 0)).toBeUndefined();
    expect(await refit(store, config, { ...initialState(config), theta: genome }, 0)).toEqual(statsOf(store.generations(whole)[0]!));
    expect(() => centre(store, whole, 2)).toThrow('no checkpoint for generation 2 (kept: 0, ');
  }, 60_000);

  it('the best checkpoint kept is the centre that produced the best generation', () => {
    expect(flagged(store, whole)).toEqual([3]);
  });

  it('a checkpoint whose state belongs to another generation is refused as corrupt', () => {
    const other = createRun(store, CONFIG).id;
    store.db.prepare('INSERT INTO checkpoints (run_id, generation, state) VALUES (?, 5, ?)').run(other, store.checkpoint(whole, 6)!.state);
    expect(() => centre(store, other, 5)).toThrow(`checkpoint 5 of run ${other} holds the ES state of generation 6 (corrupt row)`);
    store.deleteRun(other);
  });
});

/** Writes the stopped run into a schema-5 store the way the workbench did then: checkpoint g = the state after g. */
function oldStore(path: string): number {
  const raw = new Database(path);
  MIGRATIONS.slice(0, 5).forEach((m) => raw.exec(m));
  raw.pragma('user_version = 5');
  raw.pragma(`application_id = ${APPLICATION_ID}`);
  const runId = Number(raw.prepare("INSERT INTO runs (name, config, seed, status, created_at, updated_at) VALUES ('old', ?, ?, 'stopped', 1, 1)")
    .run(JSON.stringify(runConfig(CONFIG)), CONFIG.seed).lastInsertRowid);
  stopped.records.forEach((r, g) => {
    raw.prepare('INSERT INTO generations (run_id, generation, mean, max, min, std, per_morphology, lr, sigma, env_steps, wall_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(runId, r.generation, r.mean, r.max, r.min, r.std, JSON.stringify(r.perMorphology), r.lr, r.sigma, r.envSteps, r.wallMs);
    raw.prepare('INSERT INTO checkpoints (run_id, generation, state) VALUES (?, ?, ?)').run(runId, g, stopped.after[g]!);
  });
  // The old pruning: the latest three and the best generation's own label.
  const best = bestGeneration(stopped.records);
  raw.prepare('UPDATE checkpoints SET best = (generation = ?)').run(best);
  raw.prepare('DELETE FROM checkpoints WHERE best = 0 AND generation < ?').run(stopped.records.length - 3);
  // An evaluation, an episode and an experiment of the latest centre, which the old store called generation 4.
  raw.prepare("INSERT INTO evaluations (run_id, generation, morphology, seen, episodes, mean, std, fitness, distance, created_at) VALUES (?, 4, 'standard', 1, 1, 2.5, 0, '[2.5]', '[0.1]', 1)").run(runId);
  raw.prepare("INSERT INTO episodes (run_id, generation, morphology, seed, fitness, steps, trajectory, created_at) VALUES (?, 4, 'standard', 1, 2.5, 10, x'00', 1)").run(runId);
  const results = [{ runId, name: 'old', policy: 'hebbian', generation: 4, conditions: [{ label: 'control', fitness: [0.1, 1e-7, 123.45678901234568] }] }];
  raw.prepare("INSERT INTO experiments (recipe, morphology, seeds, run_ids, results, skipped, wall_ms, created_at) VALUES ('{}', 'standard', '[1]', ?, ?, '[]', 5, 1)")
    .run(JSON.stringify([runId]), JSON.stringify(results));
  raw.close();
  return runId;
}

describe('a store written with the old labelling', () => {
  it('migrates: every label moves up by one, generation 0 is rebuilt, and the stopped run resumes bit-identically', async () => {
    const path = join(dir, 'old.db');
    const runId = oldStore(path);
    const old = Store.open(path);
    ensurePresets(old);
    try {
      // Old labels 2, 3, 4 (the latest three; the best generation, 3, among them) become 3, 4, 5.
      expect(bestGeneration(stopped.records)).toBe(3);
      expect(old.checkpointGenerations(runId)).toEqual([3, 4, 5]);
      for (const g of old.checkpointGenerations(runId)) {
        expect(Array.from(old.checkpoint(runId, g)!.state)).toEqual(Array.from(stopped.after[g - 1]!));
        expect(decodeEsState(old.checkpoint(runId, g)!.state).generation).toBe(g);
      }
      // The flag moves from the state after generation 3 (old label 3, now 4) to the centre that produced it.
      expect(flagged(old, runId)).toEqual([3]);
      expect(old.evaluations(runId).map((e) => e.generation)).toEqual([5]);
      expect(old.episodes(runId).map((e) => e.generation)).toEqual([5]);
      const [experiment] = old.experiments();
      expect(experiment!.results).toEqual([{ runId, name: 'old', policy: 'hebbian', generation: 5, conditions: [{ label: 'control', fitness: [0.1, 1e-7, 123.45678901234568] }] }]);

      const config = runConfig(old.getRun(runId).config);
      expect(await refit(old, config, decodeEsState(old.checkpoint(runId, 4)!.state), 4)).toEqual(statsOf(stopped.records[4]!));
      expect(await refit(old, config, { ...initialState(config), theta: centre(old, runId, 0).genome }, 0)).toEqual(statsOf(stopped.records[0]!));

      expect(await train(old, runId, { workers: 1 })).toBe('finished');
      expect(withoutTime(old.generations(runId))).toEqual(withoutTime(store.generations(whole)));
      expect(old.checkpointGenerations(runId)).toEqual(store.checkpointGenerations(whole));
      for (const g of old.checkpointGenerations(runId)) expect(Array.from(old.checkpoint(runId, g)!.state)).toEqual(Array.from(store.checkpoint(whole, g)!.state));
    } finally {
      old.close();
    }
  }, 120_000);
});
