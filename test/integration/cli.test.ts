import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const HEBB = fileURLToPath(new URL('../../bin/hebb.mjs', import.meta.url));
const hebb = (...args: string[]) => spawnSync(process.execPath, [HEBB, ...args], { encoding: 'utf8' });
const digest = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');
const TRAIN = ['--pop', '6', '--generations', '3', '--morphologies', 'standard', '--seed', '5', '--json'];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hebb-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Line { run: number; generation: number; mean: number; max: number; min: number; std: number; lr: number; sigma: number; env_steps: number; wall_ms: number }
const records = (db: string, run: number): unknown[] => {
  const shown = JSON.parse(hebb('runs', 'show', String(run), '--db', db, '--json').stdout) as { generations: { wallMs: number }[] };
  return shown.generations.map(({ wallMs: _w, ...g }) => g);
};

describe('hebb CLI', () => {
  it('train --json prints one object per generation; runs --json lists the run', () => {
    const db = join(dir, 'a.db');
    const out = hebb('train', '--db', db, '--name', 'first', '--workers', '2', ...TRAIN);
    expect(out.status).toBe(0);
    const lines = out.stdout.trim().split('\n').map((l) => JSON.parse(l) as Line);
    expect(lines.map((l) => l.generation)).toEqual([0, 1, 2]);
    expect(Object.keys(lines[0]!)).toEqual(['run', 'generation', 'mean', 'max', 'min', 'std', 'lr', 'sigma', 'env_steps', 'wall_ms']);
    const runs = JSON.parse(hebb('runs', '--db', db, '--json').stdout) as { id: number; name: string; status: string; generation: number }[];
    expect(runs).toMatchObject([{ id: 1, name: 'first', status: 'finished', generation: 3 }]);
  });

  it('a run killed with SIGKILL mid-generation and resumed ends identical to an uninterrupted one (1 vs 2 workers)', async () => {
    const db = join(dir, 'killed.db');
    const child = spawn(process.execPath, [HEBB, 'train', '--db', db, '--workers', '1', ...TRAIN]);
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
  });

  it('eval stores test lifetimes of the ES centre; compare prints the seen/unseen table', () => {
    const db = join(dir, 'a.db');
    const out = hebb('eval', '1', '--db', db, '--episodes', '2', '--json');
    expect(out.status).toBe(0);
    const rows = JSON.parse(out.stdout) as { morphology: string; seen: boolean; episodes: number; generation: number }[];
    expect(rows.map((r) => [r.morphology, r.seen, r.episodes, r.generation])).toEqual([
      ['standard', true, 2, 2],
      ['damaged-right', false, 2, 2],
      ['damaged-left', false, 2, 2],
    ]);
    const table = JSON.parse(hebb('compare', '1', '--db', db, '--json').stdout) as { morphologies: string[]; rows: { label: string }[] };
    expect(table.morphologies).toEqual(['standard', 'damaged-right', 'damaged-left']);
    expect(table.rows.map((r) => r.label)).toEqual(['hebbian ABCD_lr']);
    expect(hebb('eval', '1', '--db', db, '--generation', '9').stderr).toContain('no checkpoint for generation 9');
  });

  it.each([
    [['--pop', '0'], '--pop'],
    [['--pop', '7'], '--pop: must be even'],
    [['--sigma', '0'], '--sigma'],
    [['--lr', '-1'], '--lr'],
    [['--rule', 'ABCDE'], '--rule'],
    [['--generations', '0'], '--generations'],
    [['--morphologies', 'standard,tripod'], "--morphologies: no morphology named 'tripod'"],
    [['--pop', 'many'], '--pop must be an integer'],
    [['--policy', 'static', '--rule', 'A'], '--rule and --init apply to --policy hebbian only'],
    [['--workers', '0'], '--workers'],
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
    expect(under.stderr).toContain('cannot create the directory');
  });

  it('unknown commands and options exit 2', () => {
    expect(hebb('fly').status).toBe(2);
    const out = hebb('runs', '--verbose');
    expect(out.status).toBe(2);
    expect(out.stderr).toContain('unknown option --verbose');
  });
});
