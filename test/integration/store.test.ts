import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/main/store/migrations';
import { APPLICATION_ID, defaultDbPath, SCHEMA_VERSION, Store, StoreError, type GenerationRecord } from '../../src/main/store/store';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hebb-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const digest = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');
const record = (generation: number, mean: number): GenerationRecord => ({
  generation, mean, max: mean + 1, min: mean - 1, std: 0.5, perMorphology: { standard: mean }, lr: 0.2, sigma: 0.1, envSteps: 1000, wallMs: 12.5, blownUp: 0,
});

describe('opening the store', () => {
  it('creates the file and its directory, migrates, and sets WAL, foreign keys and our application id', () => {
    const path = join(dir, 'nested', 'workbench.db');
    const store = Store.open(path);
    expect(store.schemaVersion).toBe(SCHEMA_VERSION);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(store.db.pragma('application_id', { simple: true })).toBe(APPLICATION_ID);
    store.createRun({ name: 'a', config: { policy: 'static' }, seed: 1 });
    store.close();
    const again = Store.open(path);
    expect(again.listRuns().map((r) => r.name)).toEqual(['a']);
    again.close();
  });

  it('migrates a schema-1 database in place, keeping its runs and evaluations', () => {
    const path = join(dir, 'v1.db');
    const raw = new Database(path);
    raw.exec(MIGRATIONS[0]!);
    raw.pragma('user_version = 1');
    raw.pragma(`application_id = ${APPLICATION_ID}`);
    raw.prepare("INSERT INTO runs (name, config, seed, status, created_at, updated_at) VALUES ('old', '{}', 3, 'finished', 1, 1)").run();
    raw.prepare("INSERT INTO evaluations (run_id, generation, morphology, seen, episodes, mean, std, fitness, created_at) VALUES (1, 4, 'standard', 1, 2, 1.5, 0.5, '[1,2]', 1)").run();
    raw.close();
    const store = Store.open(path);
    expect(store.schemaVersion).toBe(SCHEMA_VERSION);
    expect(store.listRuns().map((r) => [r.name, r.seed])).toEqual([['old', 3]]);
    // Schema 6 relabels checkpoints: what was generation 4's checkpoint is the centre of generation 5.
    expect(store.evaluations(1)).toMatchObject([{ generation: 5, fitness: [1, 2], distance: [] }]);
    store.close();
  });

  it('migrates stored freeze experiments to what they ran (held at 0, the update seeing the network) and old generations to 0 blown-up lifetimes', () => {
    const path = join(dir, 'before-freeze-value.db');
    const before = MIGRATIONS.findIndex((m) => m.includes("'$.hebbianSees'"));
    const raw = new Database(path);
    for (const m of MIGRATIONS.slice(0, before)) raw.exec(m);
    raw.pragma(`user_version = ${before}`);
    raw.pragma(`application_id = ${APPLICATION_ID}`);
    raw.prepare("INSERT INTO runs (name, config, seed, status, created_at, updated_at) VALUES ('old', '{}', 3, 'finished', 1, 1)").run();
    raw.prepare("INSERT INTO generations (run_id, generation, mean, max, min, std, per_morphology, lr, sigma, env_steps, wall_ms) VALUES (1, 0, 1, 2, 0, 1, '{}', 0.2, 0.1, 10, 5)").run();
    const experiment = raw.prepare("INSERT INTO experiments (recipe, morphology, seeds, run_ids, results, skipped, wall_ms, created_at) VALUES (?, 'standard', '[1]', '[1]', ?, '[]', 1, 1)");
    const results = (label: string): string => JSON.stringify([{ runId: 1, conditions: [{ label: 'no damage', damage: [] }, { label, damage: [] }] }]);
    experiment.run(JSON.stringify({ kind: 'freezeActuators', from: 300, to: 400 }), results('actuators frozen t 300–400'));
    experiment.run(JSON.stringify({ kind: 'zeroWeights', at: 300, fraction: 0.5 }), results('50% of weights zeroed at t 300'));
    raw.close();
    const store = Store.open(path);
    expect(store.experiments().map((e) => e.recipe)).toEqual([
      { kind: 'freezeActuators', from: 300, to: 400, value: 0, hebbianSees: 'network' },
      { kind: 'zeroWeights', at: 300, fraction: 0.5 },
    ]);
    const labels = store.experiments().map((e) => (e.results as { conditions: { label: string }[] }[])[0]!.conditions.map((c) => c.label));
    expect(labels).toEqual([['no damage', 'actuators held at 0.0, t 300–400'], ['no damage', '50% of weights zeroed at t 300']]);
    expect(store.generations(1).map((g) => g.blownUp)).toEqual([0]);
    store.close();
  });

  it('refuses a database from a newer workbench and leaves it untouched', () => {
    const path = join(dir, 'newer.db');
    const raw = new Database(path);
    raw.pragma(`application_id = ${APPLICATION_ID}`);
    raw.pragma('user_version = 99');
    raw.close();
    const before = digest(path);
    expect(() => Store.open(path)).toThrow(`schema version 99, newer than this workbench's ${SCHEMA_VERSION}:`);
    expect(digest(path)).toBe(before);
  });

  it.each([
    ['a text file', 'hello, this is not a database\n'.repeat(10), /not a SQLite database/],
    ['a truncated SQLite header', 'SQLite for', /not a SQLite database/],
    ['a SQLite header followed by garbage', 'SQLite format 3\u0000' + 'x'.repeat(5000), /not a SQLite database/],
  ])('refuses %s and leaves it untouched', (_what, content, message) => {
    const path = join(dir, 'bad.db');
    writeFileSync(path, content, 'latin1');
    const before = digest(path);
    expect(() => Store.open(path)).toThrow(message);
    expect(() => Store.open(path)).toThrow(StoreError);
    expect(digest(path)).toBe(before);
  });

  it("refuses another application's SQLite database", () => {
    const path = join(dir, 'other.db');
    const raw = new Database(path);
    raw.pragma('application_id = 123');
    raw.exec('CREATE TABLE t (x)');
    raw.close();
    const before = digest(path);
    expect(() => Store.open(path)).toThrow(/another application/);
    expect(digest(path)).toBe(before);
  });

  it('says when the path cannot be created', () => {
    const file = join(dir, 'plain-file');
    writeFileSync(file, 'x');
    expect(() => Store.open(join(file, 'sub', 'workbench.db'))).toThrow(`cannot create ${join(file, 'sub', 'workbench.db')}: ${file} is not a directory`);
    // A level that cannot be created fails at once (this used to loop forever under /proc).
    expect(() => Store.open('/proc/nope/x.db')).toThrow('cannot create the directory /proc/nope for /proc/nope/x.db');
  });

  it('refuses a SQLite file of another program that has no application id but tables of its own, untouched', () => {
    const path = join(dir, 'foreign.db');
    const raw = new Database(path);
    raw.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT); INSERT INTO notes (text) VALUES (\'mine\')');
    raw.close();
    const before = digest(path);
    expect(() => Store.open(path)).toThrow(/another program \(it has tables of its own and no workbench id\); it was left untouched/);
    expect(digest(path)).toBe(before);
    expect(existsSync(`${path}-wal`) || existsSync(`${path}-shm`)).toBe(false);
  });

  it('uses an empty SQLite file (no tables, no id) and a zero-byte file as new stores', () => {
    const empty = join(dir, 'empty.db');
    new Database(empty).pragma('user_version'); // a header-less file SQLite creates lazily: zero bytes
    writeFileSync(join(dir, 'zero.db'), '');
    for (const path of [empty, join(dir, 'zero.db')]) {
      const store = Store.open(path);
      expect(store.schemaVersion).toBe(SCHEMA_VERSION);
      store.close();
    }
  });

  it('refuses a corrupt store before writing to it, saying how to recover, and creates no -wal/-shm beside it', () => {
    const path = join(dir, 'corrupt.db');
    const store = Store.open(path);
    const run = store.createRun({ name: 'a', config: { policy: 'static' }, seed: 1 });
    for (let g = 0; g < 400; g++) store.commitGeneration(run.id, record(g, g), new Uint8Array(64));
    store.db.pragma('wal_checkpoint(TRUNCATE)');
    store.close();
    for (const p of [`${path}-wal`, `${path}-shm`]) rmSync(p, { force: true });
    // Break one b-tree page of the generations table: its first byte is the page type, 0xff is none.
    const raw = new Database(path, { readonly: true });
    const root = raw.prepare("SELECT rootpage FROM sqlite_master WHERE name = 'generations'").pluck().get() as number;
    const pageSize = raw.pragma('page_size', { simple: true }) as number;
    raw.close();
    for (const p of [`${path}-wal`, `${path}-shm`]) rmSync(p, { force: true });
    const bytes = readFileSync(path);
    bytes[(root - 1) * pageSize] = 0xff;
    writeFileSync(path, bytes);
    const before = digest(path);
    expect(() => Store.open(path)).toThrow(/is corrupt \(SQLite's quick_check: .+\); it was not written to\. To recover: .*\.recover/);
    expect(digest(path)).toBe(before);
    expect(existsSync(`${path}-wal`) || existsSync(`${path}-shm`)).toBe(false);
  });

  it('defaults to $XDG_DATA_HOME/hebbian-workbench/workbench.db', () => {
    expect(defaultDbPath({ XDG_DATA_HOME: '/data' })).toBe('/data/hebbian-workbench/workbench.db');
    expect(defaultDbPath({ HOME: '/home/u' })).toMatch(/\.local\/share\/hebbian-workbench\/workbench\.db$/);
  });
});

describe('runs, generations and checkpoints', () => {
  let store: Store;
  beforeEach(() => {
    store = Store.open(join(dir, 'w.db'));
  });
  afterEach(() => store.close());

  it('a generation and the state after its update land together or not at all; that state is the next generation’s', () => {
    const run = store.createRun({ name: 'r', config: {}, seed: 3 });
    store.commitGeneration(run.id, record(0, 1), new Uint8Array([1, 2, 3]));
    // A second commit of generation 0 fails on the generations key: nothing of it may remain.
    expect(() => store.commitGeneration(run.id, record(0, 9), new Uint8Array([9]))).toThrow();
    expect(store.generations(run.id)).toEqual([record(0, 1)]);
    expect(store.checkpoint(run.id)!.generation).toBe(1);
    expect(Array.from(store.checkpoint(run.id)!.state)).toEqual([1, 2, 3]);
    expect(store.checkpoint(run.id, 0)).toBeUndefined();
  });

  it('keeps the latest three checkpoints and the centre of the best generation', () => {
    const run = store.createRun({ name: 'r', config: {}, seed: 3 });
    // Generation g's commit carries the centre of generation g + 1 (here the bytes [g + 1]).
    [1, 5, 2, 3, 2, 1].forEach((mean, g) => store.commitGeneration(run.id, record(g, mean), new Uint8Array([g + 1])));
    expect(store.checkpointGenerations(run.id)).toEqual([1, 4, 5, 6]);
    expect(store.checkpoint(run.id)!.generation).toBe(6);
    // Generation 1 had the best mean (5): the centre its candidates came from is kept.
    expect(Array.from(store.checkpoint(run.id, 1)!.state)).toEqual([1]);
  });

  it('keeps the checkpoints the run asks for: every N-th generation\'s, the latest K, or all; always the latest and the best', () => {
    const means = [1, 5, 2, 3, 2, 1, 0, 0, 0, 0]; // generation 1 is the best
    const kept = (keep: { keep: 'latest' | 'every' | 'all'; count: number }): number[] => {
      const run = store.createRun({ name: `r ${keep.keep}`, config: {}, seed: 3 });
      means.forEach((mean, g) => store.commitGeneration(run.id, record(g, mean), new Uint8Array([g + 1]), [], keep));
      return store.checkpointGenerations(run.id);
    };
    // Checkpoints 1 … 10 are written (generation g's commit stores the centre of g + 1).
    expect(kept({ keep: 'every', count: 3 })).toEqual([1, 3, 6, 9, 10]); // 3, 6, 9; 1 the best; 10 the latest
    expect(kept({ keep: 'every', count: 5 })).toEqual([1, 5, 10]);
    expect(kept({ keep: 'latest', count: 2 })).toEqual([1, 9, 10]);
    expect(kept({ keep: 'all', count: 1 })).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const run = store.listRuns().find((r) => r.name === 'r every')!;
    expect(store.keptCheckpoints(run.id).filter((c) => c.best)).toEqual([{ generation: 1, best: true }]);
  });

  it('deleting a run deletes its generations and checkpoints (foreign keys)', () => {
    const run = store.createRun({ name: 'r', config: {}, seed: 3 });
    store.commitGeneration(run.id, record(0, 1), new Uint8Array([1]));
    store.deleteRun(run.id);
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM generations').get()).toEqual({ n: 0 });
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM checkpoints').get()).toEqual({ n: 0 });
    expect(() => store.getRun(run.id)).toThrow(`no run with id ${run.id}`);
  });

  it('a corrupt row gets an error naming the column and the run', () => {
    const run = store.createRun({ name: 'r', config: { a: 1 }, seed: 3 });
    store.db.prepare("UPDATE runs SET config = '{broken' WHERE id = ?").run(run.id);
    expect(() => store.getRun(run.id)).toThrow(`runs.config of run ${run.id} is not valid JSON (corrupt row)`);
    store.db.prepare("UPDATE runs SET config = '{}', tags = '[1]' WHERE id = ?").run(run.id);
    expect(() => store.listRuns()).toThrow(/runs\.tags of run \d+ is not a list of strings/);
  });

  it("one test's evaluations (one per body) land together or not at all", () => {
    const run = store.createRun({ name: 'r', config: {}, seed: 3 });
    const on = (morphology: string, fitness: number[]): Parameters<Store['addEvaluations']>[0][number] =>
      ({ runId: run.id, generation: 2, morphology, seen: morphology === 'standard', fitness, distance: fitness.map((f) => f / 10) });
    // The second body's NaN is refused after the first body's row was written: that row must go too.
    expect(() => store.addEvaluations([on('standard', [1, 3]), on('short-shin', [2, Number.NaN])])).toThrow('fitness[1] is NaN');
    expect(store.evaluations(run.id)).toEqual([]);
    const rows = store.addEvaluations([on('standard', [1, 3]), on('short-shin', [4])]);
    // mean and std by hand: [1, 3] → 2 ± 1 (population std, as summarise), [4] → 4 ± 0.
    expect(store.evaluations(run.id)).toEqual(rows);
    expect(rows.map((e) => [e.morphology, e.seen, e.episodes, e.mean, e.std])).toEqual([['standard', true, 2, 2, 1], ['short-shin', false, 1, 4, 0]]);
  });

  it('status changes are checked by the schema', () => {
    const run = store.createRun({ name: 'r', config: {}, seed: 3 });
    store.setRunStatus(run.id, 'failed', 'worker died three times');
    expect(store.getRun(run.id)).toMatchObject({ status: 'failed', error: 'worker died three times' });
    expect(() => store.setRunStatus(run.id, 'exploded' as never)).toThrow(/CHECK constraint/);
  });
});

describe('morphologies', () => {
  it('built-ins are added once and cannot be replaced; user morphologies can be saved and updated', () => {
    const store = Store.open(':memory:');
    store.ensureMorphologies([{ name: 'standard', mjcf: '<mujoco/>' }]);
    store.ensureMorphologies([{ name: 'standard', mjcf: '<changed/>' }]);
    expect(store.morphology('standard')).toEqual({ name: 'standard', mjcf: '<mujoco/>', builtin: true });
    expect(() => store.saveMorphology('standard', '<x/>')).toThrow(/built in/);
    store.saveMorphology('short-shin', '<a/>');
    store.saveMorphology('short-shin', '<b/>');
    expect(store.morphology('short-shin').mjcf).toBe('<b/>');
    expect(store.listMorphologies()).toEqual([{ name: 'standard', builtin: true }, { name: 'short-shin', builtin: false }]);
    expect(() => store.morphology('nope')).toThrow("no morphology named 'nope'");
    store.close();
  });
});
