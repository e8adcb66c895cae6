import Database from 'better-sqlite3';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_MJCF_CHARS } from '../../src/core/morphology/limits';
import { HEBB, HEBB_SOURCE } from '../support/cli';

const hebb = (...args: string[]) => spawnSync(process.execPath, [HEBB, ...args], { encoding: 'utf8' });
const digest = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');
const TRAIN = ['--pop', '6', '--generations', '3', '--morphologies', 'standard', '--seed', '5', '--json'];
/** Tests the centre on damaged-left at generations 0 and 2 (every 2nd, and the last). */
const HELDOUT = ['--heldout', 'damaged-left', '--heldout-every', '2', '--heldout-episodes', '2'];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hebb-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Line { run: number; generation: number; mean: number; max: number; min: number; std: number; lr: number; sigma: number; env_steps: number; wall_ms: number; blown_up: number }
const records = (db: string, run: number): unknown[] => {
  const shown = JSON.parse(hebb('runs', 'show', String(run), '--db', db, '--json').stdout) as { generations: { wallMs: number }[] };
  return shown.generations.map(({ wallMs: _w, ...g }) => g);
};
const heldout = (db: string, run: number): { generation: number; morphology: string; fitness: number[]; distance: number[] }[] =>
  (JSON.parse(hebb('runs', 'show', String(run), '--db', db, '--json').stdout) as { heldout: { generation: number; morphology: string; fitness: number[]; distance: number[] }[] }).heldout;
/** Every checkpoint row as stored (label, bytes, best flag). */
const checkpointRows = (db: string): unknown[] => {
  const raw = new Database(db, { readonly: true });
  try {
    return raw.prepare('SELECT generation, state, best FROM checkpoints ORDER BY generation').all();
  } finally {
    raw.close();
  }
};

describe('hebb CLI', () => {
  it('train --json prints one object per generation; runs --json lists the run', () => {
    const db = join(dir, 'a.db');
    const out = hebb('train', '--db', db, '--name', 'first', '--workers', '2', ...TRAIN);
    expect(out.status).toBe(0);
    const lines = out.stdout.trim().split('\n').map((l) => JSON.parse(l) as Line);
    expect(lines.map((l) => l.generation)).toEqual([0, 1, 2]);
    expect(Object.keys(lines[0]!)).toEqual(['run', 'generation', 'mean', 'max', 'min', 'std', 'lr', 'sigma', 'env_steps', 'wall_ms', 'blown_up']);
    expect(lines.map((l) => l.blown_up)).toEqual([0, 0, 0]);
    const runs = JSON.parse(hebb('runs', '--db', db, '--json').stdout) as { id: number; name: string; status: string; generation: number }[];
    expect(runs).toMatchObject([{ id: 1, name: 'first', status: 'finished', generation: 3, generations: 3 }]);
    // In words, generations are numbered from 0 as everywhere: the last of 3 is generation 2.
    expect(hebb('runs', '--db', db).stdout).toMatch(/^ +1 +finished +generation 2 of 3 +mean -?\d+\.\d +first$/m);
  });

  it('a run whose lifetimes all blow up (σ 1e37 overflows every rule term) trains on; the progress line and runs show count them', () => {
    const db = join(dir, 'blown.db');
    const out = hebb('train', '--db', db, '--name', 'blown', '--pop', '4', '--generations', '1', '--morphologies', 'standard', '--sigma', '1e37', '--workers', '1');
    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(/generation 0 of 1 .* blown up 4 +ETA/);
    const shown = JSON.parse(hebb('runs', 'show', '1', '--db', db, '--json').stdout) as { status: string; generations: { blownUp: number }[] };
    expect(shown.status).toBe('finished');
    expect(shown.generations.map((g) => g.blownUp)).toEqual([4]);
    const text = hebb('runs', 'show', '1', '--db', db).stdout;
    expect(text).toMatch(/^ +0 +mean .* blown up 4$/m);
    expect(text).toContain('4 lifetimes ended on a non-finite state and scored -10000');
  });

  it('train --heldout tests the centre on a body it does not train on, and trains exactly as without it', () => {
    const db = join(dir, 'held.db');
    const out = hebb('train', '--db', db, '--workers', '2', ...HELDOUT, ...TRAIN);
    expect(out.status).toBe(0);
    const lines = out.stdout.trim().split('\n').map((l) => JSON.parse(l) as Line & { heldout?: { morphology: string; mean: number; std: number; distance: number }[] });
    expect(lines.map((l) => l.heldout?.map((h) => h.morphology) ?? [])).toEqual([['damaged-left'], [], ['damaged-left']]);
    expect(records(db, 1)).toEqual(records(join(dir, 'a.db'), 1));
    const tests = heldout(db, 1);
    expect(tests.map((h) => [h.generation, h.morphology, h.fitness.length])).toEqual([[0, 'damaged-left', 2], [2, 'damaged-left', 2]]);
    expect(lines[2]!.heldout![0]!.mean).toBe((tests[1]!.fitness[0]! + tests[1]!.fitness[1]!) / 2);
    // The centre of generation 2 on the test lifetimes `hebb eval --generation 2` runs.
    const evaluated = JSON.parse(hebb('eval', '1', '--db', db, '--generation', '2', '--morphologies', 'damaged-left', '--episodes', '2', '--json').stdout) as { fitness: number[]; distance: number[] }[];
    expect([evaluated[0]!.fitness, evaluated[0]!.distance]).toEqual([tests[1]!.fitness, tests[1]!.distance]);
    const [header, ...rows] = hebb('export', '1', '--db', db, '--format', 'csv').stdout.trim().split('\n');
    expect(header!.split(',').slice(-3)).toEqual(['heldout_damaged-left_mean', 'heldout_damaged-left_std', 'heldout_damaged-left_distance_m']);
    expect(rows.map((r) => r.split(',').at(-3))).toEqual([String(tests[0]!.fitness.reduce((s, f) => s + f, 0) / 2), '', String((tests[1]!.fitness[0]! + tests[1]!.fitness[1]!) / 2)]);
    const json = JSON.parse(hebb('export', '1', '--db', db, '--format', 'json').stdout) as { heldout: unknown[] };
    expect(json.heldout).toEqual(tests);
  });

  it('a run killed with SIGKILL mid-generation and resumed ends identical to an uninterrupted one (1 vs 2 workers)', async () => {
    const db = join(dir, 'killed.db');
    const child = spawn(process.execPath, [HEBB, 'train', '--db', db, '--workers', '1', ...HELDOUT, ...TRAIN]);
    await new Promise<void>((ok) => {
      let text = '';
      child.stdout.on('data', (d: Buffer) => {
        text += d.toString();
        // Generation 0 is committed; kill while generation 1 is being evaluated.
        if (text.includes('\n')) setTimeout(() => child.kill('SIGKILL'), 150);
      });
      child.on('exit', () => ok());
    });
    const partial = records(db, 1);
    expect(partial.length).toBeGreaterThanOrEqual(1);
    expect(partial.length).toBeLessThan(3);
    const resumed = hebb('resume', '1', '--db', db, '--workers', '2', '--json');
    expect(resumed.status).toBe(0);
    expect(records(db, 1)).toEqual(records(join(dir, 'a.db'), 1));
    expect(heldout(db, 1)).toEqual(heldout(join(dir, 'held.db'), 1));
    expect(checkpointRows(db)).toEqual(checkpointRows(join(dir, 'held.db')));
    expect(checkpointRows(db)).toEqual(checkpointRows(join(dir, 'a.db')));
  });

  it('eval stores test lifetimes of the ES centre; compare prints the seen/unseen table', () => {
    const db = join(dir, 'a.db');
    const out = hebb('eval', '1', '--db', db, '--episodes', '2', '--json');
    expect(out.status).toBe(0);
    const rows = JSON.parse(out.stdout) as { morphology: string; seen: boolean; episodes: number; generation: number }[];
    expect(rows.map((r) => [r.morphology, r.seen, r.episodes, r.generation])).toEqual([
      ['standard', true, 2, 3],
      ['damaged-right', false, 2, 3],
      ['damaged-left', false, 2, 3],
    ]);
    const table = JSON.parse(hebb('compare', '1', '--db', db, '--json').stdout) as { morphologies: string[]; rows: { label: string }[] };
    expect(table.morphologies).toEqual(['standard', 'damaged-right', 'damaged-left']);
    expect(table.rows.map((r) => r.label)).toEqual(['hebbian ABCD_lr']);
    // Generation g is the centre that produced record g; 0 is the initial centre, 3 (the latest) the trained one.
    const initial = JSON.parse(hebb('eval', '1', '--db', db, '--episodes', '1', '--morphologies', 'standard', '--generation', '0', '--json').stdout) as { generation: number }[];
    expect(initial.map((r) => r.generation)).toEqual([0]);
    expect(hebb('eval', '1', '--db', db, '--generation', '9').stderr).toContain('no checkpoint for generation 9 (kept: 0, 1, 2, 3)');
  });

  it.each([
    [['--pop', '0'], '--pop'],
    [['--pop', '7'], '--pop: must be even'],
    [['--sigma', '0'], '--sigma'],
    [['--lr', '-1'], '--lr'],
    [['--rule', 'ABCDE'], '--rule'],
    [['--generations', '0'], '--generations'],
    [['--morphologies', 'standard,tripod'], "--morphologies: no morphology named 'tripod'"],
    [['--pop', 'many'], '--pop must be a whole number written in decimal digits'],
    [['--policy', 'static', '--rule', 'A'], '--rule, --indexing, --init and --normalise apply to --policy hebbian only'],
    [['--workers', '0'], '--workers'],
    [['--morphologies', 'standard', '--heldout', 'standard'], '--heldout: must not include a training morphology'],
    [['--heldout', 'tripod'], "--heldout: no morphology named 'tripod'"],
    [['--heldout-every', '3'], '--heldout-every needs --heldout'],
    [['--heldout', 'damaged-left', '--heldout-episodes', '0'], '--heldout-episodes'],
    [['--heldout-tracks'], '--heldout-tracks: applies to racing runs only'],
    [['--env', 'racing', '--heldout', 'damaged-left'], '--heldout: does not apply to a racing run'],
    [['--env', 'racing', '--heldout-episodes', '2'], '--heldout-episodes needs --heldout (the bodies to test on) or, for the car, --heldout-tracks'],
  ])('bad input %j exits 2 naming the flag and leaves the DB as it was', (flags, message) => {
    const db = join(dir, 'untouched.db');
    expect(hebb('runs', '--db', db).status).toBe(0);
    const before = digest(db);
    const out = hebb('train', '--db', db, ...flags);
    expect(out.status).toBe(2);
    expect(out.stderr).toContain(message);
    expect(digest(db)).toBe(before);
  });

  it('a corrupt or unusable --db exits 2 and leaves the file alone', () => {
    const corrupt = join(dir, 'corrupt.db');
    writeFileSync(corrupt, 'not a database at all');
    const before = digest(corrupt);
    const out = hebb('runs', '--db', corrupt);
    expect(out.status).toBe(2);
    expect(out.stderr).toMatch(/--db: .*not a SQLite database/);
    expect(digest(corrupt)).toBe(before);
    const under = hebb('runs', '--db', join(corrupt, 'x.db'));
    expect(under.status).toBe(2);
    expect(under.stderr).toContain('is not a directory');
  });

  it('record stores one lifetime (optionally damaged) for replay; a malformed damage spec exits 2 and stores nothing', () => {
    const db = join(dir, 'a.db');
    const freeze = JSON.stringify({ kind: 'freezeActuators', from: 10, to: 20, value: 0 });
    const out = hebb('record', '1', '--db', db, '--morphology', 'damaged-left', '--seed', '4', '--damage', freeze, '--json');
    expect(out.status).toBe(0);
    const episode = JSON.parse(out.stdout) as { runId: number; generation: number; morphology: string; seed: number; damage: unknown[]; steps: number; distance: number };
    expect(episode).toMatchObject({ runId: 1, generation: 3, morphology: 'damaged-left', seed: 4, damage: [{ kind: 'freezeActuators', from: 10, to: 20, value: 0 }] });
    const initial = JSON.parse(hebb('record', '1', '--db', db, '--morphology', 'standard', '--seed', '1', '--generation', '0', '--weight-stride', '0', '--json').stdout) as { generation: number };
    expect(initial.generation).toBe(0);
    const file = join(dir, 'damage.json');
    writeFileSync(file, JSON.stringify([{ kind: 'zeroWeights', at: 5, fraction: 2 }]));
    const before = digest(db);
    for (const [spec, message] of [
      [file, '--damage: damage.0.fraction'],
      ['[{"kind":"freezeActuators","from":9,"to":3,"value":0}]', '--damage: damage.0.to: must be after from (9)'],
      ['[{"kind":"melt"}', '--damage: not valid JSON'],
      [join(dir, 'missing.json'), 'neither a JSON schedule nor an existing file'],
    ] as const) {
      const bad = hebb('record', '1', '--db', db, '--morphology', 'standard', '--damage', spec);
      expect(bad.status).toBe(2);
      expect(bad.stderr).toContain(message);
    }
    expect(hebb('record', '1', '--db', db, '--morphology', 'tripod').stderr).toContain("--morphology: no morphology named 'tripod'");
    expect(digest(db)).toBe(before);
  });

  it('damage runs a recipe over seeds and prints the table; bad flags exit 2 naming the flag and store nothing', () => {
    const db = join(dir, 'a.db');
    const out = hebb('damage', '1', '--db', db, '--recipe', 'zero', '--at', '100', '--seeds', '1-2');
    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(/^experiment 1 on standard, seeds 1,2 /);
    expect(out.stdout).toContain('no damage');
    expect(out.stdout).toMatch(/33% of weights zeroed at t 100 +fitness -?[\d.]+ ± [\d.]+ +-?[\d.]+ m +speed before/);
    expect(out.stdout).toMatch(/zeroed at t 100 .* recovered to 80% \d of \d walking \((\d+%|none walking before)\), steps ((\d+|never|–) ?){2}\n/);
    const json = JSON.parse(hebb('damage', '1', '--db', db, '--recipe', 'plasticity', '--times', '0,20', '--seeds', '3', '--json').stdout) as { results: { conditions: { at: number | null }[] }[] };
    expect(json.results[0]!.conditions.map((c) => c.at)).toEqual([null, 0, 20]);
    // The freeze as published: actuators held at 1.0 by default, the update seeing the network's outputs.
    type Freeze = { recipe: unknown; results: { conditions: { label: string; damage: unknown[]; recovery: { threshold: number; origin: number; steps: unknown[] } }[] }[] };
    const freeze = JSON.parse(hebb('damage', '1', '--db', db, '--recipe', 'freeze', '--seeds', '2', '--recovery-threshold', '0.5', '--json').stdout) as Freeze;
    expect(freeze.results[0]!.conditions[1]!.recovery).toMatchObject({ window: 50, threshold: 0.5, origin: 400 });
    expect(freeze.results[0]!.conditions[1]!.recovery.steps).toHaveLength(1);
    expect(freeze.recipe).toEqual({ kind: 'freezeActuators', from: 300, to: 400, value: 1, hebbianSees: 'network' });
    expect(freeze.results[0]!.conditions[1]).toMatchObject({
      label: 'actuators held at 1.0, t 300–400', damage: [{ kind: 'freezeActuators', from: 300, to: 400, value: 1, hebbianSees: 'network' }],
    });
    const applied = hebb('damage', '1', '--db', db, '--recipe', 'freeze', '--from', '10', '--to', '20', '--value', '-0.5', '--hebbian-sees', 'applied', '--seeds', '2');
    expect(applied.stdout).toContain('actuators held at -0.5, t 10–20, plasticity sees the held value');
    const initial = JSON.parse(hebb('damage', '1', '--db', db, '--recipe', 'zero', '--seeds', '1', '--generation', '0', '--json').stdout) as { results: { generation: number }[] };
    expect(initial.results.map((r) => r.generation)).toEqual([0]);
    const before = digest(db);
    for (const [args, message] of [
      [['--recipe', 'melt'], '--recipe must be one of freeze, zero, plasticity'],
      [['--recipe', 'freeze', '--from', '400', '--to', '300'], '--to: must be after from (400)'],
      [['--recipe', 'zero', '--fraction', '3'], '--fraction:'],
      [['--recipe', 'zero', '--from', '3'], '--from does not apply to --recipe zero'],
      [['--recipe', 'zero', '--value', '1'], '--value does not apply to --recipe zero'],
      [['--recipe', 'freeze', '--value', '2'], '--value:'],
      [['--recipe', 'freeze', '--hebbian-sees', 'both'], '--hebbian-sees:'],
      [['--recipe', 'freeze', '--recovery-threshold', '0'], '--recovery-threshold must be in (0, 1]'],
      [['--recipe', 'freeze', '--seeds', '1,x'], '--seeds: "x" is not a non-negative integer'],
      [['--recipe', 'freeze', '--morphology', 'tripod'], "--morphology: no morphology named 'tripod'"],
    ] as const) {
      const bad = hebb('damage', '1', '--db', db, ...args);
      expect(bad.status).toBe(2);
      expect(bad.stderr).toContain(message);
    }
    expect(digest(db)).toBe(before);
  });

  it('export writes the learning curve as CSV or JSON, whole, to stdout or --out', () => {
    const db = join(dir, 'a.db');
    const csvFile = join(dir, 'curve.csv');
    expect(hebb('export', '1', '--db', db, '--format', 'csv', '--out', csvFile).status).toBe(0);
    const [header, ...rows] = readFileSync(csvFile, 'utf8').trim().split('\n');
    expect(header).toBe('generation,mean,max,min,std,mean_standard,lr,sigma,env_steps,wall_ms,elapsed_s');
    const shown = JSON.parse(hebb('runs', 'show', '1', '--db', db, '--json').stdout) as { generations: { mean: number; wallMs: number }[] };
    expect(rows.map((r) => Number(r.split(',')[1]))).toEqual(shown.generations.map((g) => g.mean));
    const elapsed = rows.map((r) => Number(r.split(',').at(-1)));
    expect(elapsed.at(-1)).toBeCloseTo(shown.generations.reduce((s, g) => s + g.wallMs, 0) / 1000, 6);
    const json = JSON.parse(hebb('export', '1', '--db', db, '--format', 'json').stdout) as { run: { id: number }; generations: unknown[]; evaluations: unknown[]; episodes: unknown[] };
    expect(json.run.id).toBe(1);
    expect(json.generations).toHaveLength(3);
    expect(json.evaluations.length).toBeGreaterThan(0);
    expect(json.episodes.length).toBeGreaterThan(0);
    const bad = hebb('export', '1', '--db', db, '--format', 'xml');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--format must be csv or json');
    expect(hebb('export', '1', '--db', db, '--out', join(dir, 'no', 'such', 'dir.csv')).stderr).toContain('--out: cannot write');
  });

  it('morphology export, edit and import round-trips; bad or built-in imports exit 2 and change nothing', () => {
    const db = join(dir, 'morph.db');
    const xml = join(dir, 'standard.xml');
    expect(hebb('morphology', 'export', 'standard', '--db', db, '--out', xml).status).toBe(0);
    // Shorten the front-left shin from 0.4·√2 to 0.2·√2 m.
    const edited = readFileSync(xml, 'utf8').replace(/(name="left_ankle_geom"[^>]*fromto=")0 0 0 0\.4 0\.4 0"/, '$10 0 0 0.2 0.2 0"');
    expect(edited).not.toBe(readFileSync(xml, 'utf8'));
    const short = join(dir, 'short-shin.xml');
    writeFileSync(short, edited);
    expect(hebb('morphology', 'import', short, '--db', db).status).toBe(0);
    const list = JSON.parse(hebb('morphology', 'list', '--db', db, '--json').stdout) as { name: string; builtin: boolean }[];
    expect(list).toContainEqual({ name: 'short-shin', builtin: false });
    const show = (name: string) => JSON.parse(hebb('morphology', 'show', name, '--db', db, '--json').stdout) as { mass: number; segments: { name: string; length: number }[] };
    expect(show('short-shin').segments.find((g) => g.name === 'left_ankle_geom')!.length).toBeCloseTo(0.2 * Math.SQRT2, 9);
    expect(show('short-shin').mass).toBeLessThan(show('standard').mass);
    const before = digest(db);
    const builtin = hebb('morphology', 'import', short, '--name', 'standard', '--db', db);
    expect(builtin.status).toBe(2);
    expect(builtin.stderr).toContain('built in and cannot be replaced');
    writeFileSync(join(dir, 'broken.xml'), edited.replace('<motor joint="hip_1"', '<motor joint="hip_9"'));
    expect(hebb('morphology', 'import', join(dir, 'broken.xml'), '--db', db).status).toBe(2);
    expect(hebb('morphology', 'import', short, '--name', 'bad name!', '--db', db).stderr).toContain("name 'bad name!'");
    expect(digest(db)).toBe(before);
  });

  it('morphology import takes MJCF from other tools (gym, default classes, own names) and round-trips through export', () => {
    const db = join(dir, 'foreign.db');
    const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/mjcf/${name}.xml`, import.meta.url));
    for (const name of ['gym-ant', 'renamed-ant']) expect(hebb('morphology', 'import', fixture(name), '--db', db).status).toBe(0);
    const show = (name: string) => JSON.parse(hebb('morphology', 'show', name, '--db', db, '--json').stdout) as { mass: number; joints: { name: string; range: number[] }[] };
    const renamed = show('renamed-ant');
    expect(renamed.joints.map((j) => j.name)).toEqual(['FL_hip', 'FL_knee', 'BL_hip', 'BL_knee', 'BR_hip', 'BR_knee', 'FR_hip', 'FR_knee']);
    expect(show('gym-ant').joints.map((j) => j.range)).toEqual([[-30, 30], [30, 70], [-30, 30], [-70, -30], [-30, 30], [-70, -30], [-30, 30], [30, 70]]);
    expect(renamed.mass).toBeCloseTo(182.18, 2);
    // Export, import the export under another name: the same body.
    const exported = join(dir, 'renamed-export.xml');
    expect(hebb('morphology', 'export', 'renamed-ant', '--db', db, '--out', exported).status).toBe(0);
    expect(hebb('morphology', 'import', exported, '--name', 'renamed-again', '--db', db).status).toBe(0);
    expect(show('renamed-again')).toEqual({ ...renamed, name: 'renamed-again' });
  });

  it('morphology import of a broken or oversized MJCF exits 2 naming the problem, and changes nothing', () => {
    const db = join(dir, 'broken.db');
    expect(hebb('morphology', 'list', '--db', db).status).toBe(0);
    const before = digest(db);
    const standard = readFileSync(new URL('../../resources/morphologies/standard.xml', import.meta.url), 'utf8');
    const cases: [string, string, string][] = [
      ['far', standard.replace('pos="0 0 0.75"', 'pos="1e300 0 0.75"'), 'line 9: <body name="torso"> pos: each coordinate must be within ±10 m, got 1e+300 0 0.75'],
      ['axis', standard.replace('axis="0 0 1"', 'axis="1e-320 0 0"'), 'line 14: <joint name="hip_1"> axis: the hinge axis must have a length of at least 1e-6, got 1e-320'],
    ];
    for (const [name, xml, message] of cases) {
      const file = join(dir, `${name}.xml`);
      writeFileSync(file, xml);
      const out = hebb('morphology', 'import', file, '--db', db);
      expect(out.status).toBe(2);
      expect(out.stderr).toContain(`${name}: MJCF: ${message}`);
    }
    // One character over the API's limit, and a 50 MB file (refused without being read whole).
    const over = join(dir, 'over.xml');
    writeFileSync(over, standard.replace('</mujoco>', `<!--${'x'.repeat(MAX_MJCF_CHARS - standard.length - 6)}--></mujoco>`));
    expect(readFileSync(over, 'utf8').length).toBe(MAX_MJCF_CHARS + 1);
    const huge = join(dir, 'huge.xml');
    writeFileSync(huge, Buffer.alloc(50 << 20, 32));
    for (const file of [over, huge]) {
      const out = hebb('morphology', 'import', file, '--db', db);
      expect(out.status).toBe(2);
      expect(out.stderr).toContain(`MJCF file: ${file} `);
      expect(out.stderr).toContain(`; an MJCF file may have at most ${MAX_MJCF_CHARS} characters`);
    }
    expect(digest(db)).toBe(before);
  });

  it('train --queue queues runs; hebb work trains them; hebb pause from another process pauses the one training', async () => {
    const db = join(dir, 'queue.db');
    const queued = hebb('train', '--db', db, '--queue', '--pop', '6', '--generations', '30', '--morphologies', 'standard', '--seed', '5', '--json');
    expect(queued.status).toBe(0);
    expect(JSON.parse(queued.stdout)).toEqual({ run: 1, status: 'queued' });
    expect(hebb('train', '--db', db, '--queue', '--name', 'second', ...TRAIN).status).toBe(0);
    expect(hebb('pause', '2', '--db', db).stdout).toBe('run 2 paused\n'); // queued: set aside at once
    const worker = spawn(process.execPath, [HEBB, 'work', '--db', db, '--workers', '1', '--json']);
    let text = '';
    await new Promise<void>((ok) => {
      worker.stdout.on('data', (d: Buffer) => {
        if (!text.includes('\n') && (text += d.toString()).includes('\n')) {
          const paused = hebb('pause', '1', '--db', db);
          expect(paused.stdout).toBe('run 1 will be paused after its generation in flight\n');
        }
      });
      worker.on('exit', (code) => {
        expect(code).toBe(0);
        ok();
      });
    });
    const runs = JSON.parse(hebb('runs', '--db', db, '--json').stdout) as { id: number; status: string; generation: number }[];
    expect(runs.map((r) => r.status)).toEqual(['paused', 'paused']);
    expect(runs[0]!.generation).toBeLessThan(30);
    expect(runs[1]!.generation).toBe(0);
    const bad = hebb('pause', '1', '--db', db);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('run 1 is paused; only running or queued runs can be paused');
  });

  it("the package's bin (bin/hebb.mjs, from source through tsx) trains and evaluates exactly as the built CLI", () => {
    const db = join(dir, 'source.db');
    const out = spawnSync(process.execPath, [HEBB_SOURCE, 'train', '--db', db, '--workers', '2', ...TRAIN], { encoding: 'utf8' });
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
    // The sources compute exactly what the bundle (every other test's hebb) does.
    expect(records(db, 1)).toEqual(records(join(dir, 'a.db'), 1));
    // …and their lifetime worker evaluates like the bundle's does.
    const source = spawnSync(process.execPath, [HEBB_SOURCE, 'eval', '1', '--db', db, '--episodes', '2', '--morphologies', 'standard', '--json'], { encoding: 'utf8' });
    const built = hebb('eval', '1', '--db', db, '--episodes', '2', '--morphologies', 'standard', '--json');
    const fitness = (out: string): number[] => (JSON.parse(out) as { fitness: number[] }[])[0]!.fitness;
    expect(fitness(source.stdout)).toEqual(fitness(built.stdout));
  });

  it('unknown commands and options exit 2', () => {
    expect(hebb('fly').status).toBe(2);
    const out = hebb('runs', '--verbose');
    expect(out.status).toBe(2);
    expect(out.stderr).toContain('unknown option --verbose');
  });
});
