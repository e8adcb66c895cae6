/**
 * SIGKILL at seeded random points of training, recording and export (the built `hebb`, as users run it): a killed
 * run resumes to exactly the records of an uninterrupted one, a killed recording leaves either no episode or a whole
 * one, and a killed export leaves either no file or the whole file — never a partial one.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RandomStream } from '../../src/core/random';
import { HEBB } from '../support/cli';

const hebb = (...args: string[]) => spawnSync(process.execPath, [HEBB, ...args], { encoding: 'utf8', timeout: 120_000 });
const TRAIN = ['--pop', '4', '--generations', '4', '--morphologies', 'standard', '--seed', '9', '--workers', '1', '--json'];

/** Runs `hebb args` and kills it with SIGKILL after `ms` (or lets it finish first). */
function killedAfter(ms: number, args: string[]): Promise<void> {
  return new Promise((ok) => {
    const child = spawn(process.execPath, [HEBB, ...args], { stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('exit', () => {
      clearTimeout(timer);
      ok();
    });
  });
}

const recordsOf = (db: string, run: number): unknown[] =>
  (JSON.parse(hebb('runs', 'show', String(run), '--db', db, '--json').stdout) as { generations: { wallMs: number }[] }).generations.map(({ wallMs: _w, ...g }) => g);

/** Seeded kill points (ms after the start) spread over a command's run time. */
const killPoints = (key: number, count: number, maxMs: number): number[] => {
  const random = RandomStream.of(20261202, key);
  return Array.from({ length: count }, () => Math.round(200 + random.uniform() * maxMs));
};

let dir: string;
let reference: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hebb-kill-'));
  reference = join(dir, 'reference.db');
  expect(hebb('train', '--db', reference, ...TRAIN).status).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('SIGKILL at random points', () => {
  it('training: every killed run resumes to the uninterrupted records', async () => {
    const expected = recordsOf(reference, 1);
    for (const [i, ms] of killPoints(1, 3, 5000).entries()) {
      const db = join(dir, `train-${i}.db`);
      await killedAfter(ms, ['train', '--db', db, ...TRAIN]);
      if (!existsSync(db) || hebb('runs', '--db', db, '--json').stdout.trim() === '[]') continue; // killed before the run was created
      const resumed = hebb('resume', '1', '--db', db, '--workers', '1', '--json');
      expect(resumed.status, `killed at ${ms} ms: ${resumed.stderr}`).toBe(0);
      expect(recordsOf(db, 1), `killed at ${ms} ms`).toEqual(expected);
    }
  });

  it('recording: no episode or the whole one, identical to an uninterrupted recording', async () => {
    const whole = JSON.parse(hebb('record', '1', '--db', reference, '--morphology', 'standard', '--seed', '3', '--json').stdout) as { id: number; fitness: number; steps: number };
    for (const ms of killPoints(2, 3, 3000)) {
      const before = listEpisodes(reference).length;
      await killedAfter(ms, ['record', '1', '--db', reference, '--morphology', 'standard', '--seed', '3', '--json']);
      const episodes = listEpisodes(reference);
      expect(episodes.length - before, `killed at ${ms} ms`).toBeLessThanOrEqual(1);
      for (const e of episodes) expect([e.fitness, e.steps], `episode ${e.id}`).toEqual([whole.fitness, whole.steps]);
    }
  });

  it('export: no file or the whole file, and no temporary left once the next export ran', async () => {
    const out = join(dir, 'run.json');
    const full = hebb('export', '1', '--db', reference, '--format', 'json').stdout;
    for (const ms of killPoints(3, 4, 1200)) {
      rmSync(out, { force: true });
      await killedAfter(ms, ['export', '1', '--db', reference, '--format', 'json', '--out', out]);
      if (existsSync(out)) expect(readFileSync(out, 'utf8'), `killed at ${ms} ms`).toBe(full);
    }
    expect(hebb('export', '1', '--db', reference, '--format', 'json', '--out', out).status).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(full);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

/** The run's stored episodes (what `hebb export --format json` lists). */
function listEpisodes(db: string): { id: number; fitness: number; steps: number }[] {
  const exported = JSON.parse(hebb('export', '1', '--db', db, '--format', 'json').stdout) as { episodes: { id: number; fitness: number; steps: number }[] };
  return exported.episodes;
}
