/**
 * Recovery after a perturbation (docs/METHOD.md#recovery-after-damage): per lifetime, the policy steps after the
 * perturbation ends until the speed over the last `window` steps — all of them after it — is back to `threshold` ×
 * the same lifetime's speed over the `window` steps before it started. Pure: progress traces in, numbers out.
 */
import type { Recipe } from './recipes';

/** Trailing window of the speeds, in policy steps (50 × 0.0165 s = 0.83 s: whole strides, see docs/METHOD.md#recovery-after-damage). */
export const RECOVERY_WINDOW = 50;
/** Share of the pre-damage speed to regain (the paper's question: does it walk again?). */
export const RECOVERY_THRESHOLD = 0.8;

export interface RecoveryWindows {
  /** First step of the perturbation: the speed before is the mean over [start − window, start). */
  readonly start: number;
  /** First step after it (the freeze's release t1; for zeroed weights, t itself): counting starts here. */
  readonly origin: number;
  readonly window: number;
  readonly threshold: number;
}

export type LifetimeRecovery =
  /** Speed back to threshold × before after `steps` steps past the origin (≥ window: the window lies after it). */
  | { readonly outcome: 'recovered'; readonly before: number; readonly steps: number }
  /** Walking before, never back to the threshold before the lifetime ended. */
  | { readonly outcome: 'never'; readonly before: number; readonly steps: null }
  /** Not walking forward before (speed ≤ 0, or no full window): nothing to regain, left out of the share. */
  | { readonly outcome: 'not walking'; readonly before: number; readonly steps: null };

/** Where a recipe's recovery is counted from; null for plasticity stopped at t, which has no end to recover after. */
export function recoveryWindows(r: Recipe, window = RECOVERY_WINDOW, threshold = RECOVERY_THRESHOLD): RecoveryWindows | null {
  if (r.kind === 'freezeActuators') return { start: r.from, origin: r.to, window, threshold };
  if (r.kind === 'zeroWeights') return { start: r.at, origin: r.at, window, threshold };
  return null;
}

/** One lifetime's recovery from its per-policy-step progress. */
export function lifetimeRecovery(progress: ArrayLike<number>, w: RecoveryWindows): LifetimeRecovery {
  const n = progress.length;
  let sum = 0;
  for (let t = w.start - w.window; t < w.start; t++) sum += t >= 0 && t < n ? progress[t]! : Number.NaN;
  const before = sum / w.window;
  if (!(before > 0)) return { outcome: 'not walking', before: Number.isFinite(before) ? before : 0, steps: null };
  const goal = w.threshold * before * w.window; // compare sums: no division per step
  sum = 0;
  for (let t = w.origin; t < n; t++) {
    sum += progress[t]!;
    if (t - w.window >= w.origin) sum -= progress[t - w.window]!;
    if (t + 1 - w.origin >= w.window && sum >= goal) return { outcome: 'recovered', before, steps: t + 1 - w.origin };
  }
  return { outcome: 'never', before, steps: null };
}

/** A condition's recovery over its lifetimes (in seed order), as stored with an experiment. */
export interface RecoverySummary {
  readonly window: number;
  readonly threshold: number;
  /** The step counting starts at. */
  readonly origin: number;
  /** Per lifetime: its speed over the window before the perturbation. */
  readonly before: number[];
  /** Per lifetime: steps to recover; null when it never did or was not walking before (before ≤ 0). */
  readonly steps: (number | null)[];
  /** Lifetimes that recovered, of those walking before; share null when none was. */
  readonly recovered: number;
  readonly walking: number;
  readonly share: number | null;
}

export function summariseRecovery(traces: readonly ArrayLike<number>[], w: RecoveryWindows): RecoverySummary {
  const each = traces.map((p) => lifetimeRecovery(p, w));
  const walking = each.filter((r) => r.outcome !== 'not walking').length;
  const recovered = each.filter((r) => r.outcome === 'recovered').length;
  return {
    window: w.window, threshold: w.threshold, origin: w.origin,
    before: each.map((r) => r.before), steps: each.map((r) => r.steps),
    recovered, walking, share: walking > 0 ? recovered / walking : null,
  };
}

/** Per lifetime in words: its steps, "never", or "–" (not walking forward before, left out of the share). */
export function recoveryWords(r: RecoverySummary): string[] {
  return r.steps.map((s, i) => (s !== null ? String(s) : r.before[i]! > 0 ? 'never' : '–'));
}
