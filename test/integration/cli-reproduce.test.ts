/** `hebb reproduce`: the paper's runs queued from the command line, by task and seed, or only estimated. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEBB } from '../support/cli';

const hebb = (...args: string[]) => spawnSync(process.execPath, [HEBB, ...args], { encoding: 'utf8' });

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hebb-reproduce-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const runs = (db: string): { name: string; status: string }[] =>
  new Database(db, { readonly: true }).prepare('SELECT name, status FROM runs ORDER BY id').all() as { name: string; status: string }[];

describe('hebb reproduce', () => {
  it('--estimate says what the car runs would cost and queues nothing; without it they are queued', () => {
    const db = join(dir, 'a.db');
    const est = hebb('reproduce', '--db', db, '--tasks', 'racing', '--seeds', '4', '--estimate', '--json');
    expect(est.stderr).toBe('');
    const shown = JSON.parse(est.stdout) as { runs: { id: number | null; name: string; env: string }[]; estimate: { seconds: number | null; lifetimes: number; basis: string } };
    expect(shown.runs).toEqual([{ id: null, name: 'paper car hebbian seed 4', env: 'racing' }, { id: null, name: 'paper car static seed 4', env: 'racing' }]);
    // 2 runs × (300 generations × 200 + 31 held-out tests of 5 on unseen tracks); nothing trained here yet.
    expect(shown.estimate).toEqual({ seconds: null, lifetimes: 2 * (60_000 + 155), basis: 'nothing measured yet: no car generation has been trained in this store (the first one measures the speed)' });
    expect(runs(db)).toEqual([]);

    const queued = hebb('reproduce', '--db', db, '--seeds', '1-2', '--generations', '5');
    expect(queued.status).toBe(0);
    expect(queued.stdout).toContain('run 1 queued: paper hebbian seed 1\n');
    expect(queued.stdout).toContain('8 runs, ');
    expect(queued.stdout).toContain('train the queue with: hebb work');
    expect(runs(db).map((r) => [r.name, r.status])).toEqual([
      ['paper hebbian seed 1', 'queued'], ['paper static seed 1', 'queued'], ['paper hebbian seed 2', 'queued'], ['paper static seed 2', 'queued'],
      ['paper car hebbian seed 1', 'queued'], ['paper car static seed 1', 'queued'], ['paper car hebbian seed 2', 'queued'], ['paper car static seed 2', 'queued'],
    ]);
  });

  it.each([
    [['--tasks', 'car'], '--tasks: must be one of quadruped, racing'],
    [['--tasks', 'racing,racing'], '--tasks: must not repeat a task'],
    [['--seeds', 'x'], '--seeds: "x" is not a non-negative integer or a range like 1-5'],
    [['--seeds', '1-11'], '--seeds: choose at most 10 items'],
    [['--generations', '0'], '--generations: must be at least 1'],
  ])('bad input %j exits 2 naming the flag and queues nothing', (flags, message) => {
    const db = join(dir, 'bad.db');
    const out = hebb('reproduce', '--db', db, ...flags);
    expect(out.stderr).toContain(message);
    expect(out.status).toBe(2);
  });
});
