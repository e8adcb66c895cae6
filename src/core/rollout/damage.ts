/**
 * Damage schedules: perturbations applied during one lifetime (docs/METHOD.md#damage-experiments). Times are policy steps t (after the
 * burn-in), as in the paper's "actuators frozen from t = 300 to 400".
 */
import { z } from 'zod';
import { ConfigError, parseConfig, type EnvName } from '../config';
import type { Env } from '../envs/env';
import type { Policy } from '../policy/policies';
import type { RandomStream } from '../random';

const step = z.int().min(0).max(1_000_000);
const indices = z.array(z.int().min(0).max(1_000_000)).min(1).max(1024);

/**
 * During a freeze, the post activity the output layer's Hebbian update sees: the network's own outputs (the body
 * is clamped, the network is not) or the applied, frozen actions. docs/METHOD.md#actuator-freeze says why 'network' is the default.
 */
export const HEBBIAN_SEES = ['network', 'applied'] as const;
export type HebbianSees = (typeof HEBBIAN_SEES)[number];

/** The paper's freeze: "saturating all its outputs to 1.0" (docs/METHOD.md#actuator-freeze). */
export const FREEZE_VALUE = 1;

export const damageEventSchema = z.discriminatedUnion('kind', [
  /**
   * Actuator outputs forced to `value` over [from, to) while the network (and its plasticity) keeps running.
   * Stored events always carry `value` (those stored before 1.0 became the default hold 0); events stored before
   * `hebbianSees` existed parse to 'network', which is what they ran.
   */
  z.strictObject({
    kind: z.literal('freezeActuators'),
    from: step,
    to: step,
    value: z.number().min(-1).max(1).default(FREEZE_VALUE),
    hebbianSees: z.enum(HEBBIAN_SEES).default('network'),
    /** Which actuators; all when absent. */
    actuators: indices.optional(),
  }),
  /** A random `fraction` of each listed layer's synapses set to zero at `at`. */
  z.strictObject({
    kind: z.literal('zeroWeights'),
    at: step,
    fraction: z.number().min(0).max(1),
    /** Layer indices (0 = input → first hidden); all layers when absent. */
    layers: indices.optional(),
  }),
  /** No more weight changes from `at` on. */
  z.strictObject({ kind: z.literal('stopPlasticity'), at: step }),
  /** Morphology-level damage: the listed actuators' strength multiplied by `factor` from `at` on. */
  z.strictObject({
    kind: z.literal('actuatorStrength'),
    at: step,
    factor: z.number().min(0).max(100),
    actuators: indices,
  }),
]);

export const damageScheduleSchema = z
  .array(damageEventSchema)
  .max(64)
  .superRefine((events, ctx) => {
    events.forEach((e, i) => {
      if (e.kind === 'freezeActuators' && !(e.from < e.to)) ctx.addIssue({ code: 'custom', path: [i, 'to'], message: `must be after from (${e.from})` });
    });
  });

export type DamageEvent = z.output<typeof damageEventSchema>;
export type DamageSchedule = z.output<typeof damageScheduleSchema>;
export type DamageScheduleInput = z.input<typeof damageScheduleSchema>;

export function parseDamage(input: unknown): DamageSchedule {
  return parseConfig(damageScheduleSchema, input, 'damage');
}

/** An actuator value as labels print it: 1 → "1.0", 0.25 → "0.25". */
export function formatValue(v: number): string {
  return Number.isInteger(v) ? v.toFixed(1) : String(v);
}

/** One event in words, e.g. "actuators held at 1.0, t 300–400" or "33% of weights zeroed at t 300". */
export function describeDamageEvent(e: DamageEvent): string {
  const list = (xs: readonly number[] | undefined, what: string): string => (xs ? ` ${what}${xs.join(',')}` : '');
  switch (e.kind) {
    case 'freezeActuators':
      return `actuators${list(e.actuators, '')} held at ${formatValue(e.value)}, t ${e.from}–${e.to}${e.hebbianSees === 'applied' ? ', plasticity sees the held value' : ''}`;
    case 'zeroWeights':
      return `${Math.round(e.fraction * 100)}% of weights${list(e.layers, 'in layers ')} zeroed at t ${e.at}`;
    case 'stopPlasticity':
      return `plasticity stopped at t ${e.at}`;
    case 'actuatorStrength':
      return `motors${list(e.actuators, '')} ×${e.factor} from t ${e.at}`;
  }
}

/**
 * Checks indices against the body (its actuator count) and network (its layer sizes) a schedule will run on. The
 * car refuses a freeze: holding steer, gas and brake at one value is no damage to its network (docs/METHOD.md#damage-experiments).
 */
export function checkDamage(schedule: DamageSchedule, actuators: number, layerSizes: readonly number[], task: EnvName = 'quadruped'): void {
  const layers = layerSizes.length - 1;
  const env = { actionSize: actuators };
  const issues: { path: string; message: string }[] = [];
  schedule.forEach((e, i) => {
    if (task === 'racing' && e.kind === 'freezeActuators') {
      issues.push({ path: `damage.${i}.kind`, message: "freezeActuators applies to the quadruped's legs only; damage the car with zeroWeights, stopPlasticity or actuatorStrength" });
    }
    if ((e.kind === 'freezeActuators' || e.kind === 'actuatorStrength') && e.actuators) {
      e.actuators.forEach((a, k) => {
        if (a >= env.actionSize) issues.push({ path: `damage.${i}.actuators.${k}`, message: `actuator ${a} does not exist (the env has ${env.actionSize})` });
      });
    }
    if (e.kind === 'zeroWeights' && e.layers) {
      e.layers.forEach((l, k) => {
        if (l >= layers) issues.push({ path: `damage.${i}.layers.${k}`, message: `layer ${l} does not exist (the network has ${layers})` });
      });
    }
  });
  if (issues.length > 0) throw new ConfigError(issues);
}

/**
 * A schedule ready to run: `beforeStep(t)` applies what starts at t to the policy and env; `override(t, action)`
 * forces frozen actuators. Allocation-free per step once built.
 */
export class DamagePlan {
  private readonly frozen: { from: number; to: number; value: number; hebbianSees: HebbianSees; actuators: readonly number[] }[];
  private readonly instant: Exclude<DamageEvent, { kind: 'freezeActuators' }>[];

  constructor(
    schedule: DamageSchedule,
    private readonly env: Env,
    private readonly policy: Policy,
    private readonly rng: RandomStream,
  ) {
    checkDamage(schedule, env.actionSize, policy.net.sizes);
    const all = Array.from({ length: env.actionSize }, (_, j) => j);
    this.frozen = schedule.flatMap((e) => (e.kind === 'freezeActuators' ? [{ ...e, actuators: e.actuators ?? all }] : []));
    // Same-step events apply in schedule order.
    this.instant = schedule.flatMap((e) => (e.kind === 'freezeActuators' ? [] : [e]));
  }

  beforeStep(t: number): void {
    for (const e of this.instant) {
      if (e.at !== t) continue;
      if (e.kind === 'stopPlasticity') this.policy.stopPlasticity();
      else if (e.kind === 'actuatorStrength') for (const a of e.actuators) this.env.actuatorStrength[a] = e.factor;
      else if (e.kind === 'zeroWeights') this.zeroWeights(e.fraction, e.layers);
    }
  }

  /** Forces frozen actuators; with hebbianSees 'applied', the pending update sees the forced value as post. */
  override(t: number, action: Float32Array): void {
    for (const f of this.frozen) {
      if (t < f.from || t >= f.to) continue;
      for (const a of f.actuators) {
        action[a] = f.value;
        if (f.hebbianSees === 'applied') this.policy.overrideOutputActivity(a, f.value);
      }
    }
  }

  /** Zeroes round(fraction · n) distinct synapses of each layer, chosen uniformly (partial Fisher–Yates). */
  private zeroWeights(fraction: number, layers: readonly number[] | undefined): void {
    const sizes = this.policy.net.sizes;
    const which = layers ?? Array.from({ length: sizes.length - 1 }, (_, l) => l);
    for (const l of which) {
      const n = sizes[l]! * sizes[l + 1]!;
      const k = Math.round(fraction * n);
      const order = new Uint32Array(n);
      for (let i = 0; i < n; i++) order[i] = i;
      for (let i = 0; i < k; i++) {
        const j = i + this.rng.nextInt(n - i);
        const tmp = order[i]!;
        order[i] = order[j]!;
        order[j] = tmp;
      }
      this.policy.zeroSynapses(l, order.subarray(0, k));
    }
  }
}
