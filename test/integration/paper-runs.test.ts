/**
 * scripts/paper-runs.ts on a tiny budget: killed mid-way, it resumes without duplicating anything; run again on a
 * finished store it does no work and writes the same summary, whose numbers are those stored.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Store } from '../../src/main/store/store';

const dir = mkdtempSync(join(tmpdir(), 'paper-runs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const db = join(dir, 'p.db');
/** One process (not the tsx CLI, which runs the script in a child a kill would orphan). */
const TSX = ['--import', 'tsx'];
const ARGS = ['scripts/paper-runs.ts', '--db', db, '--seeds', '1', '--pop', '4', '--generations', '2', '--workers', '1', '--episodes', '1', '--damage-seeds', '1', '--stop-times', '50'];
const script = (...extra: string[]) => spawnSync(process.execPath, [...TSX, ...ARGS, ...extra], { encoding: 'utf8' });

/** Starts the script and SIGKILLs it as soon as its output contains `text`. */
function killAt(text: string): Promise<string> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [...TSX, ...ARGS, '--out', join(dir, 'killed.json')], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes(text)) child.kill('SIGKILL');
    });
    child.on('exit', () => done(out));
  });
}

describe('paper-runs script', () => {
  it('resumes after a kill, then finds its own runs and work and writes an identical summary', async () => {
    expect(await killAt('training run 2')).toContain('training run 1 (hebbian, seed 1)');
    const first = script('--out', join(dir, 'a.json'));
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toContain('training run 2 (static, seed 1)');
    expect(first.stdout).not.toContain('training run 1 ');
    const again = script('--out', join(dir, 'b.json'));
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toBe(`summary written to ${join(dir, 'b.json')}\n`); // no training, testing or experiment
    const a = readFileSync(join(dir, 'a.json'), 'utf8');
    expect(readFileSync(join(dir, 'b.json'), 'utf8')).toBe(a);

    const store = Store.open(db);
    try {
      expect(store.listRuns().map((r) => [r.name, r.status])).toEqual([
        ['paper-runs hebbian seed 1 pop 4 gen 2', 'finished'], ['paper-runs static seed 1 pop 4 gen 2', 'finished'],
      ]);
      expect(store.experiments().map((e) => (e.recipe as { kind: string }).kind)).toEqual(['freezeActuators', 'zeroWeights', 'stopPlasticity']);
      const summary = JSON.parse(a) as {
        budget: { population: number; generations: number };
        hebbian: { perSeed: { run: number; finalMean: number; tests: Record<string, { mean: number }> }[]; damage: Record<string, { conditions: { label: string; perSeed: { steps: unknown }[]; pooled: { walking?: number } }[] } | null> };
        static: { damage: Record<string, unknown> };
        seenUnseen: { morphologies: string[]; rows: unknown[] };
      };
      expect(summary.budget).toMatchObject({ population: 4, generations: 2 });
      const [h] = summary.hebbian.perSeed;
      for (const e of store.evaluations(h!.run)) {
        expect(e).toMatchObject({ generation: 2, episodes: 1 });
        expect(h!.tests[e.morphology]!.mean).toBe(e.mean);
      }
      expect(Object.keys(h!.tests).sort()).toEqual(['damaged-left', 'damaged-right', 'standard']);
      expect(h!.finalMean).toBe(store.generations(h!.run).at(-1)!.mean);
      const freeze = summary.hebbian.damage['freeze']!.conditions[1]!;
      expect(freeze.label).toBe('actuators held at 1.0, t 300–400');
      expect(freeze.perSeed[0]!.steps).toEqual(store.experiments()[0]!.results[0]!.conditions[1]!.recovery!.steps);
      expect(summary.hebbian.damage['plasticity']!.conditions.map((c) => c.label)).toEqual(['no damage', 'plasticity stopped at t 50']);
      expect(summary.hebbian.damage['plasticity']!.conditions[1]!.pooled.walking).toBeUndefined(); // no recovery for it
      expect(summary.static.damage['plasticity']).toBeNull();
      expect(summary.seenUnseen.morphologies).toEqual(['standard', 'damaged-right', 'damaged-left']);
      expect(summary.seenUnseen.rows).toHaveLength(2);
    } finally {
      store.close();
    }
  }, 240_000);

  it('refuses bad flags with exit 2, naming the flag', () => {
    for (const [args, message] of [
      [['--pop', '0', '--generations', '2'], '--pop must be a positive integer, got "0"'],
      [['--pop', '4'], '--generations must be a positive integer (required)'],
      [['--seeds', 'x', '--pop', '4', '--generations', '2'], '--seeds: "x" is not'],
      [['--pop', '4', '--generations', '2', '--frobnicate'], 'unknown argument --frobnicate'],
    ] as const) {
      const r = spawnSync(process.execPath, [...TSX, 'scripts/paper-runs.ts', '--db', join(dir, 'bad.db'), ...args], { encoding: 'utf8' });
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(message);
    }
  });
});
