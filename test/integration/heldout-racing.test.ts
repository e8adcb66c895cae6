/**
 * Held-out testing during training for the car: the centre of generation g on unseen tracks (the test streams,
 * which no training lifetime draws) every N generations, committed with generation g. Checked against
 * `evaluateRun` (what `hebb eval --generation g` runs on a racing run, in its own worker with its own env), against
 * the same run trained without it, and across worker counts and a resume.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConfig } from '../../src/core/config';
import { UNSEEN_TRACKS } from '../../src/core/tasks';
import { evaluateRun } from '../../src/main/services/evaluation';
import { lifetimesOf } from '../../src/main/services/estimate';
import { Store } from '../../src/main/store/store';
import { createRun, train } from '../../src/main/training/coordinator';
import { checkpoints, trainHeldoutPair, withoutTime, type HeldoutPair } from '../support/runs';
import { HEBB } from '../support/cli';

const PLAIN = { name: 'car', env: 'racing', es: { popSize: 4, noiseTableSize: 1 << 20 }, generations: 4, seed: 11 } as const;
const HELD = { ...PLAIN, name: 'car held', heldout: { tracks: true, every: 2, episodes: 2 } };

let store: Store;
let plain: number;
let held: number;
let events: HeldoutPair['events'];

beforeAll(async () => {
  ({ store, plain, held, events } = await trainHeldoutPair(PLAIN, HELD));
}, 400_000);
afterAll(() => store.close());

describe('held-out testing of the car on unseen tracks', () => {
  it('leaves training exactly as it is: the same records and byte-identical checkpoints', () => {
    expect(withoutTime(store.generations(held))).toEqual(withoutTime(store.generations(plain)));
    expect(checkpoints(store, held)).toEqual(checkpoints(store, plain));
    expect(store.heldout(plain)).toEqual([]);
  });

  it('tests generation 0, every 2nd and the last, in the one column "unseen tracks"', () => {
    const rows = store.heldout(held);
    expect(rows.map((r) => [r.generation, r.morphology, r.episodes, r.fitness.length, r.distance.length])).toEqual([
      [0, UNSEEN_TRACKS, 2, 2, 2], [2, UNSEEN_TRACKS, 2, 2, 2], [3, UNSEEN_TRACKS, 2, 2, 2],
    ]);
    const r = rows[0]!;
    expect(r.mean).toBe((r.fitness[0]! + r.fitness[1]!) / 2);
    // A car lifetime is at least the 22 steps before the stall stop (no new tile in 21), at most 1000.
    expect(r.envSteps).toBeGreaterThanOrEqual(2 * 22);
    expect(r.envSteps).toBeLessThanOrEqual(2 * 1000);
    // Two test tracks, two different lifetimes (a constant, e.g. one track driven twice, would repeat).
    expect(rows.some((row) => row.fitness[0] !== row.fitness[1])).toBe(true);
    expect(events.map((e) => [e.generation, e.heldout.length])).toEqual([[0, 1], [1, 0], [2, 1], [3, 1]]);
    expect(events.flatMap((e) => e.heldout)).toEqual(rows);
  });

  it('tests the centre of generation g: the same lifetimes `hebb eval --generation g` runs on a racing run', async () => {
    for (const g of [0, 2, 3]) {
      const [tracks] = await evaluateRun(store, held, { generation: g, morphologies: [], episodes: 2 });
      expect(tracks!.morphology).toBe(UNSEEN_TRACKS);
      const tested = store.heldout(held).filter((r) => r.generation === g);
      expect(tested.map((r) => [r.fitness, r.distance])).toEqual([[tracks!.fitness, tracks!.distance]]);
    }
  }, 180_000);

  it('a stopped run resumed on another number of workers gives the same held-out records', async () => {
    const split = createRun(store, { ...HELD, name: 'car split' }).id;
    let done = 0;
    expect(await train(store, split, { workers: 2, onGeneration: () => done++, interrupt: () => (done >= 2 ? 'stopped' : null) })).toBe('stopped');
    expect(store.heldout(split).map((r) => r.generation)).toEqual([0]);
    expect(await train(store, split, { workers: 1 })).toBe('finished');
    expect(store.heldout(split)).toEqual(store.heldout(held));
    expect(withoutTime(store.generations(split))).toEqual(withoutTime(store.generations(held)));
  }, 240_000);

  it('counts its test lifetimes in the estimate: 4 × 4 training, 3 tests of 2', () => {
    expect(lifetimesOf(runConfig(HELD))).toBe(16 + 6);
  });
});

describe('the held-out config', () => {
  it('is refused where it does not apply, naming the field', () => {
    expect(() => runConfig({ name: 'q', heldout: { tracks: true } })).toThrow('run.heldout.tracks: applies to racing runs only');
    expect(() => runConfig({ ...PLAIN, heldout: { morphologies: ['damaged-left'] } })).toThrow(/run\.heldout\.morphologies: does not apply to a racing run.*heldout\.tracks/);
    expect(() => runConfig({ ...PLAIN, heldout: { tracks: 'yes' } })).toThrow('run.heldout.tracks: must be yes or no, not string');
  });

  it('leaves configs without it as they were: a stored quadruped config reads back without a tracks field', () => {
    const stored = { name: 'old', morphologies: ['standard'], heldout: { morphologies: ['damaged-left'], every: 10, episodes: 5 } };
    expect(runConfig(stored).heldout).toEqual({ morphologies: ['damaged-left'], every: 10, episodes: 5 });
    expect('tracks' in runConfig(stored).heldout).toBe(false);
    expect('tracks' in runConfig(PLAIN).heldout).toBe(false);
  });
});

describe('hebb train --heldout-tracks', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hebb-car-held-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the unseen-track tests with their generations and stores them', () => {
    const db = join(dir, 'car.db');
    const out = spawnSync(process.execPath, [HEBB, 'train', '--db', db, '--env', 'racing', '--pop', '4', '--generations', '2', '--seed', '11',
      '--heldout-tracks', '--heldout-every', '5', '--heldout-episodes', '1', '--workers', '1', '--json'], { encoding: 'utf8' });
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
    const lines = out.stdout.trim().split('\n').map((l) => JSON.parse(l) as { generation: number; heldout?: { morphology: string }[] });
    // Every 5th from 0, and the last (1).
    expect(lines.map((l) => [l.generation, l.heldout?.map((h) => h.morphology) ?? []])).toEqual([[0, [UNSEEN_TRACKS]], [1, [UNSEEN_TRACKS]]]);
    const shown = JSON.parse(spawnSync(process.execPath, [HEBB, 'runs', 'show', '1', '--db', db, '--json'], { encoding: 'utf8' }).stdout) as { config: { heldout: unknown } };
    expect(shown.config.heldout).toEqual({ morphologies: [], tracks: true, every: 5, episodes: 1 });
  }, 300_000);
});
