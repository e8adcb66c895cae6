/**
 * Ids are never given again: a deleted run's, evaluation's, episode's or experiment's id is not reused by the next
 * one (so "run 7" in a note keeps meaning the same run), on a new store and on one migrated from before schema 12.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/main/store/migrations';
import { registerRowCrc } from '../../src/main/store/row-checks';
import { APPLICATION_ID, SCHEMA_VERSION, Store, type NewEpisode, type NewExperiment } from '../../src/main/store/store';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hebb-ids-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const episode = (runId: number): NewEpisode => ({
  runId, generation: 0, morphology: 'standard', mjcf: '<mujoco/>', seed: 1, damage: [], fitness: 1.5, distance: 0.25, steps: 10, envSteps: 50,
  earlyStop: false, trajectory: new Uint8Array([1, 2, 3]),
});
const experiment = (runIds: number[]): NewExperiment => ({
  recipe: { kind: 'zeroWeights', at: 300, fraction: 0.5 }, morphology: 'standard', seeds: [1], runIds, results: [], skipped: [], wallMs: 10,
});
const evaluation = (runId: number) => ({ runId, generation: 0, morphology: 'standard', seen: true, fitness: [1], distance: [0.5] });

describe('a new store', () => {
  it('gives the next run, evaluation, episode and experiment a larger id than the newest one deleted, across reopening', () => {
    const path = join(dir, 'new.db');
    let store = Store.open(path);
    const runs = [1, 2, 3].map((i) => store.createRun({ name: `r${i}`, config: {}, seed: i }).id);
    expect(runs).toEqual([1, 2, 3]);
    const evaluations = [store.addEvaluation(evaluation(1)).id, store.addEvaluation(evaluation(1)).id];
    const episodes = [store.addEpisode(episode(1)).id, store.addEpisode(episode(1)).id];
    const experiments = [store.addExperiment(experiment([1])).id, store.addExperiment(experiment([1])).id];
    expect([evaluations, episodes, experiments]).toEqual([[1, 2], [1, 2], [1, 2]]);

    store.deleteRun(3);
    store.db.prepare('DELETE FROM evaluations WHERE id = 2').run(); // evaluations have no delete of their own
    store.deleteEpisode(2);
    store.deleteExperiment(2);
    expect(store.createRun({ name: 'after', config: {}, seed: 4 }).id).toBe(4);
    expect(store.addEvaluation(evaluation(1)).id).toBe(3);
    expect(store.addEpisode(episode(1)).id).toBe(3);
    expect(store.addExperiment(experiment([1])).id).toBe(3);

    // The counters live in the file: deleting the newest again and reopening still moves on.
    store.deleteRun(4);
    store.deleteEpisode(3);
    store.close();
    store = Store.open(path);
    expect(store.createRun({ name: 'reopened', config: {}, seed: 5 }).id).toBe(5);
    expect(store.addEpisode(episode(1)).id).toBe(4);
    store.close();
  });
});

/** A store at schema 11 (before AUTOINCREMENT), filled through plain SQL as a workbench of that version wrote it. */
function schema11Store(path: string): void {
  const raw = new Database(path);
  registerRowCrc(raw);
  raw.pragma('foreign_keys = ON');
  for (const m of MIGRATIONS.slice(0, 11)) raw.exec(m);
  raw.pragma('user_version = 11');
  raw.pragma(`application_id = ${APPLICATION_ID}`);
  const run = raw.prepare("INSERT INTO runs (name, config, seed, status, tags, notes, owner, created_at, updated_at) VALUES (?, '{\"policy\":\"static\"}', ?, 'finished', '[\"a\"]', 'n', NULL, 1, 2)");
  for (let i = 1; i <= 5; i++) run.run(`run ${i}`, i);
  for (const id of [1, 2]) {
    raw.prepare("INSERT INTO generations (run_id, generation, mean, max, min, std, per_morphology, lr, sigma, env_steps, wall_ms) VALUES (?, 0, 1, 2, 0, 1, '{\"standard\":1}', 0.2, 0.1, 10, 5)").run(id);
    raw.prepare('INSERT INTO checkpoints (run_id, generation, state) VALUES (?, 1, ?)').run(id, Buffer.from([9, 8, 7]));
    raw.prepare("INSERT INTO heldout (run_id, generation, morphology, episodes, mean, std, fitness, distance, env_steps) VALUES (?, 0, 'damaged-left', 1, 3, 0, '[3]', '[0.1]', 20)").run(id);
    raw.prepare("INSERT INTO evaluations (run_id, generation, morphology, seen, episodes, mean, std, fitness, distance, created_at) VALUES (?, 1, 'standard', 1, 1, 4, 0, '[4]', '[0.2]', 3)").run(id);
    raw.prepare("INSERT INTO episodes (run_id, generation, morphology, mjcf, seed, damage, fitness, distance, steps, env_steps, early_stop, trajectory, created_at) VALUES (?, 1, 'standard', '<mujoco/>', 7, '[]', 5, 0.3, 10, 50, 0, ?, 4)")
      .run(id, Buffer.from([1, 2, 3, 4]));
  }
  raw.prepare("INSERT INTO experiments (recipe, morphology, seeds, run_ids, results, skipped, wall_ms, created_at) VALUES ('{\"kind\":\"zeroWeights\",\"at\":300,\"fraction\":0.5}', 'standard', '[1]', ?, '[]', '[]', 1, 5)")
    .run('[2,5]');
  raw.prepare("INSERT INTO morphologies (name, mjcf, builtin, created_at) VALUES ('mine', '<mujoco/>', 0, 6)").run();
  // Runs 4 and 5 deleted (the experiment on run 5 outlives it), and the newest evaluation and episode.
  raw.prepare('DELETE FROM runs WHERE id IN (4, 5)').run();
  raw.prepare('DELETE FROM evaluations WHERE id = 2').run();
  raw.prepare('DELETE FROM episodes WHERE id = 2').run();
  raw.close();
}

const TABLES = ['runs', 'generations', 'checkpoints', 'heldout', 'evaluations', 'episodes', 'experiments', 'morphologies'];

/** Every row of every table, and each table's columns, indexes, foreign keys and triggers, as SQLite reports them. */
function snapshot(path: string) {
  const raw = new Database(path, { readonly: true });
  const result = Object.fromEntries(TABLES.map((t) => [t, {
    rows: raw.prepare(`SELECT * FROM ${t} ORDER BY 1, 2`).all(),
    columns: raw.pragma(`table_xinfo(${t})`),
    indexes: (raw.pragma(`index_list(${t})`) as { name: string }[]).map((i) => ({ ...i, columns: raw.pragma(`index_info(${i.name})`) })),
    foreignKeys: raw.pragma(`foreign_key_list(${t})`),
    triggers: raw.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? ORDER BY name").all(t),
  }]));
  raw.close();
  return result;
}

describe('migrating a store from schema 11', () => {
  it('keeps every row, column, index, foreign key and trigger, and continues ids above the largest it knows of', () => {
    const path = join(dir, 'v11.db');
    schema11Store(path);
    const before = snapshot(path);
    expect(before['runs']!.rows.map((r) => (r as { id: number }).id)).toEqual([1, 2, 3]);
    expect(before['runs']!.triggers).toHaveLength(2);

    const store = Store.open(path);
    expect(store.schemaVersion).toBe(SCHEMA_VERSION);
    store.close();
    expect(snapshot(path)).toEqual(before);
    const tableSql = new Database(path, { readonly: true }).prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name IN ('runs', 'evaluations', 'episodes', 'experiments')").all() as { sql: string }[];
    expect(tableSql).toHaveLength(4);
    for (const t of tableSql) expect(t.sql).toContain('id INTEGER PRIMARY KEY AUTOINCREMENT');

    const again = Store.open(path);
    // The rows read back through their checksums.
    expect(again.listRuns().map((r) => [r.id, r.name, r.tags])).toEqual([[1, 'run 1', ['a']], [2, 'run 2', ['a']], [3, 'run 3', ['a']]]);
    expect(again.evaluations(1).map((e) => e.fitness)).toEqual([[4]]);
    expect([...again.episodeTrajectory(1)]).toEqual([1, 2, 3, 4]);
    expect(again.experiments()[0]!.runIds).toEqual([2, 5]);
    // Run 5 is gone but the experiment still names it, so the next run is 6; other ids continue above their largest.
    expect(again.createRun({ name: 'new', config: {}, seed: 9 }).id).toBe(6);
    expect(again.addEvaluation(evaluation(1)).id).toBe(2);
    expect(again.addEpisode(episode(1)).id).toBe(2);
    expect(again.addExperiment(experiment([1])).id).toBe(2);
    again.deleteRun(6);
    expect(again.createRun({ name: 'newer', config: {}, seed: 9 }).id).toBe(7);

    // Foreign keys are enforced again: no row may name a missing run, and deleting a run takes its rows with it.
    expect(again.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(() => again.addEvaluation(evaluation(99))).toThrow(/FOREIGN KEY constraint failed/);
    expect(() => again.addEpisode(episode(99))).toThrow(/FOREIGN KEY constraint failed/);
    again.deleteRun(1);
    const left = (t: string): number => again.db.prepare(`SELECT count(*) FROM ${t} WHERE run_id = 1`).pluck().get() as number;
    expect(['generations', 'checkpoints', 'heldout', 'evaluations', 'episodes'].map(left)).toEqual([0, 0, 0, 0, 0]);
    expect(again.generations(2)).toHaveLength(1);
    again.close();
  });

  it('refuses to migrate a store whose rows name missing runs, leaving it at schema 11 with its rows', () => {
    const path = join(dir, 'orphan.db');
    schema11Store(path);
    const raw = new Database(path);
    registerRowCrc(raw);
    raw.pragma('foreign_keys = OFF');
    raw.prepare('UPDATE evaluations SET run_id = 42 WHERE id = 1').run();
    raw.close();
    const before = snapshot(path);
    expect(() => Store.open(path)).toThrow(/migration 12 was not applied: 1 row\(s\) would refer to missing ones \(first: evaluations row 1 → runs\)/);
    expect(snapshot(path)).toEqual(before);
    const check = new Database(path, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(11);
    check.close();
  });
});
