/**
 * `hebb train --normalise`: the mode reaches the network, a run trains deterministically under it, a bad value is
 * refused naming the flag, and a run stored before the modes existed (normalise: true) trains as maxabs.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConfig } from '../../src/core/config';
import { Store } from '../../src/main/store/store';
import { HEBB } from '../support/cli';

const hebb = (...args: string[]) => spawnSync(process.execPath, [HEBB, ...args], { encoding: 'utf8' });
const TRAIN = ['--pop', '4', '--generations', '1', '--morphologies', 'standard', '--seed', '3', '--json'];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hebb-normalise-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Shown { config: { policy: { normalise?: unknown } }; generations: { wallMs: number }[] }
const show = (db: string, run: number): Shown => JSON.parse(hebb('runs', 'show', String(run), '--db', db, '--json').stdout) as Shown;
/** A run's generation records without their wall times (the only field that depends on the machine). */
const records = (db: string, run: number): unknown[] => show(db, run).generations.map(({ wallMs: _w, ...g }) => g);

function train(db: string, ...flags: string[]): void {
  const out = hebb('train', '--db', db, ...TRAIN, ...flags);
  expect(out.stderr).toBe('');
  expect(out.status).toBe(0);
}

// Each `hebb train` here builds the noise table, the worlds and its workers: tens of seconds on the loaded machine.
const SLOW = 600_000;

describe('hebb train --normalise', () => {
  const db = (): string => join(dir, 'modes.db');

  it('zscore trains, is stored, and gives the same records on 1 and 2 workers', () => {
    train(db(), '--normalise', 'zscore', '--workers', '1'); // run 1
    train(db(), '--normalise', 'zscore', '--workers', '2'); // run 2
    expect(show(db(), 1).config.policy.normalise).toBe('zscore');
    expect(records(db(), 1)).toEqual(records(db(), 2));
  }, SLOW);

  it('a run stored with the boolean of earlier versions (normalise: true) trains exactly as maxabs', () => {
    train(db(), '--normalise', 'maxabs', '--workers', '2'); // run 3
    // The mode reaches the lifetimes: the same seed under zscore lived other lives.
    expect(records(db(), 3)).not.toEqual(records(db(), 1));
    // Run 4: run 3 as an earlier version stored it, queued, then trained by `hebb resume`.
    const config = runConfig(show(db(), 3).config) as unknown as { name: string; seed: number; policy: Record<string, unknown> };
    const store = Store.open(db());
    try {
      store.createRun({ name: 'old', config: { ...config, name: 'old', policy: { ...config.policy, normalise: true } }, seed: config.seed });
    } finally {
      store.close();
    }
    expect(show(db(), 4).config.policy.normalise).toBe(true);
    const out = hebb('resume', '4', '--db', db(), '--workers', '1', '--json');
    expect(out.status).toBe(0);
    expect(records(db(), 4)).toEqual(records(db(), 3));
  }, SLOW);

  it('a bad mode exits 2 naming --normalise and the modes, and creates nothing', () => {
    const bad = join(dir, 'bad.db');
    const out = hebb('train', '--db', bad, ...TRAIN, '--normalise', 'l2');
    expect(out.status).toBe(2);
    expect(out.stderr).toContain('--normalise: must be one of none, maxabs, zscore, clip');
    expect(existsSync(bad)).toBe(false);
    const statik = hebb('train', '--db', bad, ...TRAIN, '--policy', 'static', '--normalise', 'clip');
    expect(statik.status).toBe(2);
    expect(statik.stderr).toContain('--rule, --indexing, --init and --normalise apply to --policy hebbian only');
  }, SLOW);
});
