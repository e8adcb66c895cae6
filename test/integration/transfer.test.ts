/**
 * A rule set evolved in pybullet 2.6.6 by the reference's own ES (test/fixtures/pybullet/rules/, with its evaluation
 * by the reference's fitness_hebb over 30 lifetimes per body) scores here, under physics version 3, what it scores
 * there: imported through `importRules` as `hebb rules import` does, tested with the evaluation service `hebb eval`
 * uses. Each body's mean must lie within two standard errors (Welch) of pybullet's. Our lifetimes are seeded, so
 * the outcome is fixed; pybullet's are samples of its own scatter (docs/PHYSICS.md#transfer-both-ways).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateRun } from '../../src/main/services/evaluation';
import { importRules } from '../../src/main/services/rules';
import { Store } from '../../src/main/store/store';
import { ensurePresets } from '../../src/main/training/coordinator';

const STEM = 'test/fixtures/pybullet/rules/HEBcoeffs__AntBulletEnv-v0__ABCD_lr__pybullet-es__seed2026__coeffs__23';
interface BodyEval {
  readonly fitness_mean: number;
  readonly fitness_std: number;
  readonly lifetimes: readonly unknown[];
}
const pybullet = JSON.parse(readFileSync(`${STEM}.eval.json`, 'utf8')) as { bodies: Record<string, BodyEval>; lifetimes_per_body: number };
const LIFETIMES = 20;

let store: Store;
beforeAll(() => {
  store = Store.open(':memory:');
  ensurePresets(store);
});
afterAll(() => store.close());

describe('a rule set evolved in pybullet, imported', () => {
  it('scores on the standard and the damaged-right body what it scores in pybullet', async () => {
    const bytes = readFileSync(`${STEM}.dat`);
    const { run, config } = importRules(store, bytes, `${STEM}.dat`);
    expect(config.physics).toBe(3);
    const rows = await evaluateRun(store, run.id, { episodes: LIFETIMES, morphologies: ['standard', 'damaged-right'] });
    for (const row of rows) {
      const there = pybullet.bodies[row.morphology]!;
      const n = pybullet.lifetimes_per_body;
      // Welch's standard error of the difference of the two means (population stds, as both sides report them).
      const se = Math.sqrt(there.fitness_std ** 2 / n + row.std ** 2 / LIFETIMES);
      const t = (row.mean - there.fitness_mean) / se;
      expect(Math.abs(t), `${row.morphology}: here ${row.mean.toFixed(2)} ± ${row.std.toFixed(2)}, pybullet ${there.fitness_mean.toFixed(2)} ± ${there.fitness_std.toFixed(2)}`).toBeLessThan(2);
    }
  }, 120_000);
});
