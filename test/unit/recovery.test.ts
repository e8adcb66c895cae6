/** Recovery after a perturbation, against progress traces whose answer is worked out by hand. */
import { describe, expect, it } from 'vitest';
import { recoveryText } from '../../src/cli/commands/damage';
import type { ExperimentCondition } from '../../src/common/model';
import { parseRecipe } from '../../src/core/rollout/recipes';
import { lifetimeRecovery, recoveryWindows, summariseRecovery, type RecoveryWindows } from '../../src/core/rollout/recovery';

const L = 960;
/** A trace of L steps: f(t) per step. */
const trace = (f: (t: number) => number): Float32Array => Float32Array.from({ length: L }, (_, t) => f(t));
const ZERO_AT_300: RecoveryWindows = { start: 300, origin: 300, window: 50, threshold: 0.8 };

describe('recovery', () => {
  it('counts the steps after t until the trailing 50-step speed is back to 80 % (a linear climb, by hand)', () => {
    // Speed 1 before t = 300; from t the progress is (t − 300)/100, capped at 1 from t = 400. The window ending at T
    // (≥ 400) holds the ramp values (T−49 … 400 − 300)/100 and T − 400 ones: for T = 404 that is 46 values of mean
    // 0.775 (35.65) + 4 = 39.65 < 40 = 0.8 × 50; for T = 405, 45 of mean 0.78 (35.1) + 5 = 40.1 ≥ 40. Steps after
    // t: 405 + 1 − 300 = 106.
    const p = trace((t) => (t < 300 ? 1 : Math.min(1, (t - 300) / 100)));
    expect(lifetimeRecovery(p, ZERO_AT_300)).toEqual({ outcome: 'recovered', before: 1, steps: 106 });
  });

  it('counts from the release t1 for the freeze, and a speed never lost takes exactly one window', () => {
    const freeze = recoveryWindows(parseRecipe({ kind: 'freezeActuators' }))!;
    expect(freeze).toEqual({ start: 300, origin: 400, window: 50, threshold: 0.8 });
    // 2 per step before, 0 while held (300–400), 1.6 = 80 % of 2 from the release on: back after the first window.
    const p = trace((t) => (t < 300 ? 2 : t < 400 ? 0 : 1.6));
    expect(lifetimeRecovery(p, freeze)).toMatchObject({ outcome: 'recovered', steps: 50 });
    // The frozen steps never count: a window reaching back before t1 would make this recover at once.
    const slow = trace((t) => (t < 300 ? 2 : t < 400 ? 0 : t < 470 ? 1 : 2));
    // Windows ending at T ≥ 470 hold 519 − T ones and T − 469 twos: ≥ 80 (0.8 × 2 × 50) when T − 469 ≥ 30, T = 499.
    expect(lifetimeRecovery(slow, freeze)).toMatchObject({ outcome: 'recovered', steps: 499 + 1 - 400 });
  });

  it('gives null when the speed never comes back, and uses each lifetime\'s own speed before', () => {
    const never = trace((t) => (t < 300 ? 1 : 0.79));
    expect(lifetimeRecovery(never, ZERO_AT_300)).toEqual({ outcome: 'never', before: 1, steps: null });
    const slowWalker = trace((t) => (t < 300 ? 0.5 : 0.4)); // 0.4 is 80 % of its own 0.5
    const s = summariseRecovery([never, slowWalker], ZERO_AT_300);
    expect(s.steps).toEqual([null, 50]);
    expect(s.before).toEqual([1, 0.5]);
    expect([s.recovered, s.walking, s.share]).toEqual([1, 2, 0.5]);
  });

  it('leaves out of the share a lifetime not walking forward before the damage (speed ≤ 0)', () => {
    const standing = trace((t) => (t < 300 ? 0 : 1));
    const backwards = trace(() => -0.2);
    expect(lifetimeRecovery(standing, ZERO_AT_300)).toEqual({ outcome: 'not walking', before: 0, steps: null });
    expect(lifetimeRecovery(backwards, ZERO_AT_300)).toMatchObject({ outcome: 'not walking', steps: null });
    expect(lifetimeRecovery(backwards, ZERO_AT_300).before).toBeCloseTo(-0.2, 6);
    const s = summariseRecovery([standing, backwards], ZERO_AT_300);
    expect([s.recovered, s.walking, s.share]).toEqual([0, 0, null]);
    // A perturbation too early for a whole window before it: no speed before, so not walking either.
    expect(lifetimeRecovery(trace(() => 1), { ...ZERO_AT_300, start: 20, origin: 20 }).outcome).toBe('not walking');
  });

  it('takes the threshold and window given; plasticity stopped at t has no recovery', () => {
    const p = trace((t) => (t < 300 ? 1 : 0.5));
    expect(lifetimeRecovery(p, { ...ZERO_AT_300, threshold: 0.5, window: 10 })).toMatchObject({ outcome: 'recovered', steps: 10 });
    expect(lifetimeRecovery(p, { ...ZERO_AT_300, threshold: 0.51 }).outcome).toBe('never');
    expect(recoveryWindows(parseRecipe({ kind: 'zeroWeights', at: 250 }))).toMatchObject({ start: 250, origin: 250 });
    expect(recoveryWindows(parseRecipe({ kind: 'stopPlasticity' }))).toBeNull();
  });

  it('is worded per seed by hebb damage, and an experiment stored before it was measured says so', () => {
    const traces = [trace((t) => (t < 300 ? 1 : Math.min(1, (t - 300) / 100))), trace((t) => (t < 300 ? 1 : 0)), trace(() => 0)];
    const base: ExperimentCondition = { label: '33% of weights zeroed at t 300', damage: [], fitness: [], distance: [], meanCurve: [], speed: null };
    expect(recoveryText({ ...base, recovery: summariseRecovery(traces, ZERO_AT_300) })).toBe('  recovered to 80% 1 of 2 walking (50%), steps 106 never –');
    expect(recoveryText(base)).toBe('  recovery not stored (experiment run before it was measured)');
    expect(recoveryText({ ...base, recovery: null })).toBe('');
  });
});
