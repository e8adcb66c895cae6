/**
 * The car through the CLI (issue 15): hebb train --env racing with either policy, deterministic across worker
 * counts and across a SIGKILL and resume; eval on unseen tracks, compare, export, record and damage on the result.
 */
import Database from 'better-sqlite3';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeRecording } from '../../src/core/rollout/recording-codec';
import { HEBB } from '../support/cli';

const hebb = (...args: string[]) => spawnSync(process.execPath, [HEBB, ...args], { encoding: 'utf8' });
const TRAIN = ['--env', 'racing', '--pop', '8', '--generations', '3', '--seed', '4', '--json'];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hebb-racing-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A run's generation records without their wall times, and its stored checkpoints. */
const records = (db: string): unknown[] =>
  (JSON.parse(hebb('runs', 'show', '1', '--db', db, '--json').stdout) as { generations: { wallMs: number }[] }).generations.map(({ wallMs: _w, ...g }) => g);
const checkpoints = (db: string): unknown[] => {
  const raw = new Database(db, { readonly: true });
  try {
    return raw.prepare('SELECT generation, state, best FROM checkpoints ORDER BY generation').all();
  } finally {
    raw.close();
  }
};
/** Each CLI run of a racing lifetime batch takes seconds alone, minutes on a loaded 2-core machine. */
const SLOW = 400_000;
const train = (db: string, policy: string, workers: string) => hebb('train', '--db', db, '--policy', policy, '--workers', workers, ...TRAIN);

describe('hebb with --env racing', () => {
  it.each(['hebbian', 'static'])('train --policy %s gives the same records with 1 and 2 workers', (policy) => {
    const two = train(join(dir, `${policy}-2.db`), policy, '2');
    expect(two.status).toBe(0);
    const lines = two.stdout.trim().split('\n').map((l) => JSON.parse(l) as { generation: number; env_steps: number; blown_up: number });
    expect(lines.map((l) => l.generation)).toEqual([0, 1, 2]);
    // 8 lifetimes of at least 22 steps each (the early stop needs 21 steps without a new tile).
    expect(lines.every((l) => l.env_steps >= 8 * 22 && l.blown_up === 0)).toBe(true);
    expect(train(join(dir, `${policy}-1.db`), policy, '1').status).toBe(0);
    expect(records(join(dir, `${policy}-1.db`))).toEqual(records(join(dir, `${policy}-2.db`)));
    const shown = JSON.parse(hebb('runs', 'show', '1', '--db', join(dir, `${policy}-2.db`), '--json').stdout) as { config: { env: string; morphologies: string[]; policy: { normalise?: string } } };
    expect([shown.config.env, shown.config.morphologies, shown.config.policy.normalise]).toEqual(['racing', [], policy === 'hebbian' ? 'maxabs' : undefined]);
  }, SLOW);

  it('a racing run killed with SIGKILL mid-generation and resumed ends identical to an uninterrupted one', async () => {
    const db = join(dir, 'killed.db');
    const child = spawn(process.execPath, [HEBB, 'train', '--db', db, '--workers', '1', '--policy', 'hebbian', ...TRAIN]);
    await new Promise<void>((ok) => {
      let text = '';
      child.stdout.on('data', (d: Buffer) => {
        text += d.toString();
        // Generation 0 is committed; kill while generation 1 is being evaluated.
        if (text.includes('\n')) setTimeout(() => child.kill('SIGKILL'), 150);
      });
      child.on('exit', () => ok());
    });
    const partial = records(db);
    expect(partial.length).toBeGreaterThanOrEqual(1);
    expect(partial.length).toBeLessThan(3);
    expect(hebb('resume', '1', '--db', db, '--workers', '2', '--json').status).toBe(0);
    expect(records(db)).toEqual(records(join(dir, 'hebbian-2.db')));
    expect(checkpoints(db)).toEqual(checkpoints(join(dir, 'hebbian-2.db')));
  }, SLOW);

  it('eval tests on unseen tracks; compare has that one column; export writes the curve', () => {
    const db = join(dir, 'hebbian-2.db');
    expect(hebb('train', '--db', db, '--policy', 'static', ...TRAIN).status).toBe(0);
    for (const run of ['1', '2']) {
      const out = hebb('eval', run, '--db', db, '--episodes', '2', '--json');
      expect(out.status).toBe(0);
      const rows = JSON.parse(out.stdout) as { morphology: string; seen: boolean; episodes: number; generation: number; fitness: number[] }[];
      expect(rows.map((r) => [r.morphology, r.seen, r.episodes, r.generation])).toEqual([['unseen tracks', false, 2, 3]]);
      // Two different tracks: two different lifetimes.
      expect(rows[0]!.fitness[0]).not.toBe(rows[0]!.fitness[1]);
    }
    const refused = hebb('eval', '1', '--db', db, '--morphologies', 'standard');
    expect([refused.status, refused.stderr.trim()]).toEqual([2, 'hebb: --morphologies: run 1 is a racing run; it is evaluated on unseen tracks (leave --morphologies out)']);
    const table = JSON.parse(hebb('compare', '1', '2', '--db', db, '--json').stdout) as { morphologies: string[]; rows: { label: string; cells: Record<string, { episodes: number; seen: boolean }> }[] };
    expect(table.morphologies).toEqual(['unseen tracks']);
    expect(table.rows.map((r) => [r.label, r.cells['unseen tracks']!.episodes, r.cells['unseen tracks']!.seen])).toEqual([['hebbian ABCD_lr', 2, false], ['static', 2, false]]);
    const [header, ...rows] = hebb('export', '1', '--db', db, '--format', 'csv').stdout.trim().split('\n');
    expect(header).toBe('generation,mean,max,min,std,lr,sigma,env_steps,wall_ms,elapsed_s');
    expect(rows.map((r) => r.split(',')[0])).toEqual(['0', '1', '2']);
  }, SLOW);

  it('record stores the car trace; damage zeroes weights and refuses the quadruped-only freeze', () => {
    const db = join(dir, 'hebbian-2.db');
    const out = hebb('record', '1', '--db', db, '--seed', '2', '--early-stop', '--json');
    expect(out.status).toBe(0);
    const episode = JSON.parse(out.stdout) as { id: number; morphology: string; steps: number };
    expect(episode.morphology).toBe('car');
    const raw = new Database(db, { readonly: true });
    const blob = (raw.prepare('SELECT trajectory FROM episodes WHERE id = ?').get(episode.id) as { trajectory: Buffer }).trajectory;
    raw.close();
    const recording = decodeRecording(new Uint8Array(blob));
    expect([recording.envSteps, recording.observations.length, recording.car!.trackSeed, recording.car!.carStates.length]).toEqual([episode.steps, 0, 2, (episode.steps + 1) * 32]);
    const body = hebb('record', '1', '--db', db, '--morphology', 'standard');
    expect([body.status, body.stderr.trim()]).toEqual([2, 'hebb: --morphology: run 1 is a racing run; the car is its only body (leave --morphology out)']);
    const freeze = hebb('damage', '1', '--db', db, '--recipe', 'freeze', '--seeds', '1');
    expect(freeze.status).not.toBe(0);
    expect(freeze.stderr).toContain("freezeActuators applies to the quadruped's legs only");
    const zero = hebb('damage', '1', '--db', db, '--recipe', 'zero', '--at', '5', '--fraction', '0.5', '--seeds', '1', '--json');
    expect(zero.status).toBe(0);
    const row = JSON.parse(zero.stdout) as { morphology: string; results: { conditions: { label: string; fitness: number[] }[] }[] };
    expect(row.morphology).toBe('car');
    expect(row.results[0]!.conditions.map((c) => c.fitness.length)).toEqual([1, 1]);
  }, SLOW);
});
