import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
  generation, mean, max: mean + 1, min: mean - 1, std: 0.5, perMorphology: { standard: mean }, lr: 0.2, sigma: 0.1, envSteps: 1000, wallMs: 12.5,
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
    ['a SQLite header followed by garbage', 'SQLite format 3\u0000' + 'x'.repeat(5000), /cannot be read as a workbench database/],
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
    expect(() => Store.open(join(file, 'sub', 'workbench.db'))).toThrow(/cannot create the directory/);
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
