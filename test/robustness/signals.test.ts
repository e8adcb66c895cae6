/**
 * Signals always end `hebb train`, and never lose a run: the first SIGINT / SIGTERM / SIGHUP pauses after the
 * generation in flight; a second stops at once, even when the generation can never finish (no Redis worker), and
 * leaves the run paused at its last committed generation; resuming it then gives the uninterrupted run's records.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GenerationRecord } from '../../src/main/store/store';
import { HEBB } from '../support/cli';
import { hebbChild } from '../support/hebb-worker';
import { startRedis, type RedisServer } from '../support/redis';

const TINY = ['--pop', '4', '--generations', '3', '--morphologies', 'standard', '--physics', '2', '--seed', '7', '--workers', '1'];
let dir: string;
let redis: RedisServer;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hebb-signals-'));
  redis = await startRedis();
});
afterAll(async () => {
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
});

const show = (db: string): { status: string; generations: GenerationRecord[] } =>
  JSON.parse(spawnSync(process.execPath, [HEBB, 'runs', 'show', '1', '--db', db, '--json'], { encoding: 'utf8' }).stdout) as never;
const records = (db: string): unknown[] => show(db).generations.map(({ wallMs: _w, ...g }) => g);

describe('hebb train under signals', () => {
  it('with no Redis worker (a generation that cannot finish): SIGTERM says it will pause, a second SIGTERM exits at once, the run is paused and resumes to the uninterrupted records', async () => {
    const db = join(dir, 'stuck.db');
    const train = hebbChild(['train', '--db', db, ...TINY.filter((f, i, a) => f !== '--workers' && a[i - 1] !== '--workers'), '--redis', redis.url]);
    await train.waitFor('waiting for workers', 'stderr');
    train.child.kill('SIGTERM');
    await train.waitFor('SIGTERM: pausing after the generation in flight', 'stderr');
    await new Promise((ok) => setTimeout(ok, 500));
    expect(train.child.exitCode).toBeNull(); // the first signal waits for the generation
    const sent = Date.now();
    train.child.kill('SIGTERM');
    expect(await train.exited).toBe(0);
    expect(Date.now() - sent).toBeLessThan(10_000);
    expect(train.stderr()).toContain('SIGTERM again: stopping now; the run is left paused at its last committed generation');
    expect(train.stdout()).toContain('run 1 paused before its first generation (of 3); continue with: hebb resume 1');
    expect(show(db).status).toBe('paused');
    expect(show(db).generations).toEqual([]);
    // Resumed on local threads, it is the run trained in one go.
    expect(spawnSync(process.execPath, [HEBB, 'resume', '1', '--db', db, '--workers', '1'], { encoding: 'utf8' }).status).toBe(0);
    const whole = join(dir, 'whole.db');
    expect(spawnSync(process.execPath, [HEBB, 'train', '--db', whole, ...TINY], { encoding: 'utf8' }).status).toBe(0);
    expect(records(db)).toEqual(records(whole));
  });

  it('SIGHUP pauses after the generation in flight instead of killing the run', async () => {
    const db = join(dir, 'hup.db');
    const train = hebbChild(['train', '--db', db, ...TINY.map((f) => (f === '3' ? '40' : f)), '--json']);
    await train.waitFor('"generation":0', 'stdout');
    train.child.kill('SIGHUP');
    expect(await train.exited).toBe(0);
    expect(train.stderr()).toContain('SIGHUP: pausing after the generation in flight');
    const { status, generations } = show(db);
    expect(status).toBe('paused');
    expect(generations.length).toBeGreaterThanOrEqual(1);
    expect(generations.length).toBeLessThan(40);
  });

  it('a second SIGINT during a long generation stops at once, dropping only that generation', async () => {
    const db = join(dir, 'long.db');
    // Each generation lives 400 candidates: tens of seconds on one thread.
    const train = hebbChild(['train', '--db', db, '--pop', '400', '--generations', '5', '--morphologies', 'standard', '--physics', '2', '--workers', '1', '--json']);
    await new Promise((ok) => setTimeout(ok, 3000));
    train.child.kill('SIGINT');
    await train.waitFor('SIGINT: pausing', 'stderr');
    const sent = Date.now();
    train.child.kill('SIGINT');
    expect(await train.exited).toBe(0);
    expect(Date.now() - sent).toBeLessThan(10_000);
    const { status, generations } = show(db);
    expect(status).toBe('paused');
    expect(generations.length).toBeLessThan(5);
  });
});
