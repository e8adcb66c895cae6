/**
 * The paper's perturbation experiments as recipes (docs/METHOD.md#damage-experiments): each expands into conditions — damage schedules
 * run over the same seeds — and a summary of what happened. A condition's lifetime with seed s is exactly the
 * episode `hebb record` (or the GUI) would store with seed s and that schedule, so any point can be replayed.
 *
 *   freezeActuators  actuators held at `value` (default 1.0, as published) over [from, to) while the network and
 *                    its plasticity keep running; vs no damage
 *   zeroWeights      a fraction of every layer's weights zeroed at t; vs no damage
 *   stopPlasticity   no weight changes from T on, for several T (Σ progress vs T); Hebbian networks only
 */
import { z } from 'zod';
import { parseConfig } from '../config';
import { describeDamageEvent, FREEZE_VALUE, HEBBIAN_SEES, type DamageEvent, type DamageSchedule } from './damage';

const step = z.int().min(0).max(100_000);

export const recipeSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('freezeActuators'),
    from: step.default(300),
    to: step.default(400),
    value: z.number().min(-1).max(1).default(FREEZE_VALUE),
    hebbianSees: z.enum(HEBBIAN_SEES).default('network'),
  }).strict(),
  z.object({ kind: z.literal('zeroWeights'), at: step.default(300), fraction: z.number().gt(0).max(1).default(1 / 3) }).strict(),
  z.object({ kind: z.literal('stopPlasticity'), times: z.array(step).min(1).max(32).default([0, 10, 25, 50, 100, 200, 400]) }).strict(),
]).superRefine((r, ctx) => {
  if (r.kind === 'freezeActuators' && !(r.from < r.to)) ctx.addIssue({ code: 'custom', path: ['to'], message: `must be after from (${r.from})` });
});

export type Recipe = z.output<typeof recipeSchema>;
export type RecipeInput = z.input<typeof recipeSchema>;
export type RecipeKind = Recipe['kind'];

export function parseRecipe(input: unknown): Recipe {
  return parseConfig(recipeSchema, input, 'recipe');
}

export interface Condition {
  readonly label: string;
  readonly damage: DamageSchedule;
  /** For stopPlasticity: the step T plasticity stops at (null = never, the control). */
  readonly at?: number | null;
}

/** The conditions a recipe runs, the undamaged control first. */
export function recipeConditions(r: Recipe): Condition[] {
  const control: Condition = { label: 'no damage', damage: [], ...(r.kind === 'stopPlasticity' ? { at: null } : {}) };
  const one = (e: DamageEvent, extra: Partial<Condition> = {}): Condition => ({ label: describeDamageEvent(e), damage: [e], ...extra });
  switch (r.kind) {
    case 'freezeActuators':
      return [control, one({ kind: 'freezeActuators', from: r.from, to: r.to, value: r.value, hebbianSees: r.hebbianSees })];
    case 'zeroWeights':
      return [control, one({ kind: 'zeroWeights', at: r.at, fraction: r.fraction })];
    case 'stopPlasticity':
      return [control, ...[...new Set(r.times)].sort((a, b) => a - b).map((at) => one({ kind: 'stopPlasticity', at }, { at }))];
  }
}

/** A recipe in words: "actuators held at 1.0, t 300–400", "plasticity stopped at t ∈ {0, 50}". */
export function describeRecipe(r: Recipe): string {
  if (r.kind === 'stopPlasticity') return `plasticity stopped at t ∈ {${r.times.join(', ')}}`;
  return recipeConditions(r)[1]!.label;
}

/** Whether the recipe means anything for a policy kind: a static network has no plasticity to stop. */
export function recipeApplies(r: Recipe, policyKind: 'hebbian' | 'static'): boolean {
  return r.kind !== 'stopPlasticity' || policyKind === 'hebbian';
}

/** The steps of a recipe's perturbation window, for "before" and "after" speeds: [start, end). */
export function perturbation(r: Recipe): { start: number; end: number } | null {
  if (r.kind === 'freezeActuators') return { start: r.from, end: r.to };
  if (r.kind === 'zeroWeights') return { start: r.at, end: r.at + 1 };
  return null;
}

/**
 * Mean progress per step over [from, to) of a per-step progress series (clipped to its length); NaN when the
 * window is empty.
 */
export function meanSpeed(progress: ArrayLike<number>, from: number, to: number): number {
  const a = Math.max(0, from);
  const b = Math.min(progress.length, to);
  if (b <= a) return Number.NaN;
  let s = 0;
  for (let t = a; t < b; t++) s += progress[t]!;
  return s / (b - a);
}

/** A list of steps or seeds as typed: "1-5", "1, 2, 7" or a mix; otherwise a message saying what is wrong. */
export function parseSeedList(text: string): number[] | string {
  const seeds: number[] = [];
  for (const part of text.split(',').map((p) => p.trim()).filter((p) => p.length > 0)) {
    const range = /^(\d+)\s*-\s*(\d+)$/.exec(part);
    if (range) {
      const [a, b] = [Number(range[1]), Number(range[2])];
      if (b < a || b - a >= 50) return `"${part}" is not a range of at most 50 values`;
      for (let s = a; s <= b; s++) seeds.push(s);
    } else if (/^\d+$/.test(part)) {
      seeds.push(Number(part));
    } else {
      return `"${part}" is not a non-negative integer or a range like 1-5`;
    }
  }
  if (seeds.length === 0) return 'give at least one';
  return [...new Set(seeds)];
}
