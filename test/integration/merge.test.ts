/**
 * Evolve & Merge runs end to end: the same run on 1 and 2 worker threads, and killed with SIGKILL around its first
 * merge and resumed, gives identical records and checkpoints; the table shrinks on schedule; every checkpoint, before
 * or after a merge, gives the ordinary genome a policy loads.
 */
import Database from 'better-sqlite3';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeEsState } from '../../src/core/es';
import { Store } from '../../src/main/store/store';
import { centre } from '../../src/main/services/evaluation';
import { createRun, ensurePresets, train } from '../../src/main/training/coordinator';
import { withoutTime } from '../support/runs';
import { HEBB } from '../support/cli';

const hebb = (...args: string[]) => spawnSync(process.execPath, [HEBB, ...args], { encoding: 'utf8' });

/** Merges after generations 1 and 3: 12 288 → 6 144 → 3 072 rules (the floor), ABCD_lr's 5 coefficients each. */
const MERGE = { every: 2, factor: 2, floor: 3072 };
const CONFIG = { name: 'merging', es: { popSize: 4, noiseTableSize: 1 << 20 }, generations: 5, seed: 6, morphologies: ['standard'], checkpoints: { keep: 'all' }, merge: MERGE };
const TRAIN = ['--pop', '4', '--generations', '5', '--morphologies', 'standard', '--seed', '6', '--merge-every', '2', '--merge-floor', '3072', '--json'];

let dir: string;
let store: Store;
let one: number;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hebb-merge-'));
  store = Store.open(':memory:');
  ensurePresets(store);
  one = createRun(store, CONFIG).id;
  expect(await train(store, one, { workers: 1 })).toBe('finished');
}, 300_000);
afterAll(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const checkpoint = (id: number, g: number) => decodeEsState(store.checkpoint(id, g)!.state);

describe('Evolve & Merge training', () => {
  it('the table shrinks on schedule and the ES carries on: step counts, α and σ continue across the merges', () => {
    const sizes = [1, 2, 3, 4, 5].map((g) => checkpoint(one, g).theta.length);
    expect(sizes).toEqual([61_440, 30_720, 30_720, 15_360, 15_360]);
    for (const g of [1, 2, 3, 4, 5]) {
      const s = checkpoint(one, g);
      expect(s.generation).toBe(g);
      const used = new Set(s.assignment);
      expect(s.assignment).toHaveLength(12_288);
      expect(used.size).toBe(s.theta.length / 5); // every rule of the table is followed by some synapse
    }
    expect(checkpoint(one, 3).lr).toBeCloseTo(0.2 * 0.995 ** 3, 12);
    expect(checkpoint(one, 3).sigma).toBeCloseTo(0.1 * 0.999 ** 3, 12);
    // Synapses that shared a rule after the first merge still share one after the second (clusters of clusters).
    const [a2, a4] = [checkpoint(one, 2).assignment!, checkpoint(one, 4).assignment!];
    const parent = new Map<number, number>();
    a2.forEach((r, s) => {
      expect(parent.get(r) ?? a4[s]).toBe(a4[s]);
      parent.set(r, a4[s]!);
    });
  });

  it('before the first merge it is the run without merging; every checkpoint expands to the genome a policy loads', async () => {
    const plain = createRun(store, { ...CONFIG, merge: null, generations: 2 }).id;
    await train(store, plain, { workers: 2 });
    expect(withoutTime(store.generations(one)).slice(0, 2)).toEqual(withoutTime(store.generations(plain)));
    expect(Buffer.from(checkpoint(one, 1).theta.buffer).equals(Buffer.from(checkpoint(plain, 1).theta.buffer))).toBe(true);
    expect(withoutTime(store.generations(one))[2]).not.toEqual(undefined);
    // Checkpoint 4 (two merges): the expanded genome gives synapse s the row of its rule, naively read here.
    const state = checkpoint(one, 4);
    const { genome } = centre(store, one, 4);
    expect(genome).toHaveLength(61_440);
    for (let s = 0; s < 12_288; s += 97) {
      const r = state.assignment![s]!;
      expect([...genome.subarray(5 * s, 5 * s + 5)]).toEqual([...state.theta.subarray(5 * r, 5 * r + 5)]);
    }
    expect(centre(store, one, 0).genome).toHaveLength(61_440);
  }, 300_000);

  it('2 worker threads give the records and checkpoints of 1', async () => {
    const two = createRun(store, CONFIG).id;
    expect(await train(store, two, { workers: 2 })).toBe('finished');
    expect(withoutTime(store.generations(two))).toEqual(withoutTime(store.generations(one)));
    for (const g of [1, 2, 3, 4, 5]) expect(Buffer.from(store.checkpoint(two, g)!.state).equals(Buffer.from(store.checkpoint(one, g)!.state))).toBe(true);
  }, 300_000);

  it('killed with SIGKILL during and after its first merge, resumed on 2 threads then 1, it ends as the uninterrupted run', async () => {
    const killed = join(dir, 'killed.db');
    /** Runs hebb, SIGKILLs it `delay` ms after its `lines`-th JSON line, and resolves when it is gone. */
    const killAfter = (args: string[], lines: number, delay: number): Promise<void> => new Promise((ok) => {
      const child = spawn(process.execPath, [HEBB, ...args]);
      let text = '';
      child.stdout.on('data', (d: Buffer) => {
        text += d.toString();
        if (text.split('\n').length > lines) setTimeout(() => child.kill('SIGKILL'), delay);
      });
      child.on('exit', () => ok());
    });
    // Generation 0 is committed; 2 s on, generation 1's lifetimes (well under a second each) are done and its merge
    // (seconds of K-means, before generation 1 is committed) is most likely running.
    await killAfter(['train', '--db', killed, '--workers', '1', ...TRAIN], 1, 2000);
    // Resumed on 2 threads and killed again once a generation is committed: at generation 2, the first on the merged
    // table, or later.
    await killAfter(['resume', '1', '--db', killed, '--workers', '2', '--json'], 1, 0);
    expect(hebb('resume', '1', '--db', killed, '--workers', '1', '--json').status).toBe(0);
    const whole = join(dir, 'whole.db');
    expect(hebb('train', '--db', whole, '--workers', '2', ...TRAIN).status).toBe(0);
    const rows = (path: string): unknown[] => {
      const raw = new Database(path, { readonly: true });
      try {
        return [raw.prepare('SELECT generation, mean, max, min, std, per_morphology, lr, sigma, env_steps FROM generations ORDER BY generation').all(), raw.prepare('SELECT generation, state FROM checkpoints ORDER BY generation').all()];
      } finally {
        raw.close();
      }
    };
    expect(rows(killed)).toEqual(rows(whole));
    const [records] = rows(whole) as [unknown[]];
    expect(records).toHaveLength(5);
    const shown = JSON.parse(hebb('runs', 'show', '1', '--db', whole, '--json').stdout) as { config: { merge: unknown }; generations: { rules: number; coefficients: number }[] };
    expect(shown.config.merge).toEqual(MERGE);
    expect(shown.generations.map((g) => g.rules)).toEqual([12_288, 12_288, 6_144, 6_144, 3_072]);
    expect(shown.generations.map((g) => g.coefficients)).toEqual([61_440, 61_440, 30_720, 30_720, 15_360]);
  }, 600_000);
});
