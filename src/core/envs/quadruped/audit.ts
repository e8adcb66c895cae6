/**
 * The physics audit of a gait (docs/PHYSICS.md): does a lifetime rest on a solver artefact? A probe watches every
 * physics sub-step of the policy's steps (not the burn-in, whose drop and joint pull-in are the start state's
 * doing) and measures how deep parts sink into the ground, how far joints pass their limits, how hard contacts
 * push; the lifetime's electricity cost is put per metre; and the same lifetime is re-run with twice the solver
 * iterations and half the sub-step, since a gait that only works with a coarse solver is not a gait.
 */
import type { Env, StepResult } from '../env';
import type { Policy } from '../../policy/policies';
import type { RandomStream } from '../../random';
import { QUADRUPED_PROTOCOL, runLifetime, type LifetimeStreams, type Protocol } from '../../rollout/lifetime';
import type { QuadrupedWorld } from './make-env';
import { validSolverSteps, type SolverSteps } from './physics';
import { PybulletProbe } from './pybullet/probe';
import { PybulletQuadrupedEnv } from './pybullet/pybullet-env';
import { CONTROL_DT, GRAVITY, type QuadrupedEnv } from './quadruped-env';

const DEG = 180 / Math.PI;
const ELECTRICITY = 2;

export interface JointOvershoot {
  readonly joint: string;
  /** Degrees below the lower limit and above the upper one, at worst (0: never past it). */
  readonly belowDeg: number;
  readonly aboveDeg: number;
}

export interface PhysicsFigures {
  /** Sub-steps watched, and how many of them had a part in contact with the ground. */
  readonly subSteps: number;
  readonly contactSubSteps: number;
  /** Deepest penetration of any contact point (m), the part it was on, and the mean depth over penetrating points. */
  readonly maxPenetration: number;
  readonly deepestPart: string;
  readonly meanPenetration: number;
  /** Share of contact points (over all sub-steps) deeper than 1 cm. */
  readonly deepShare: number;
  readonly overshoot: readonly JointOvershoot[];
  readonly maxOvershootDeg: number;
  /** Largest normal impulse of one contact point in one sub-step, and of all contacts in one sub-step (N·s). */
  readonly maxContactImpulse: number;
  readonly maxSubStepImpulse: number;
  /** Largest mean ground force over one control step, in body weights (Σ impulses / 0.0165 s / (m·g)). */
  readonly peakForceBodyWeights: number;
  /** Fastest joint at a control step (rad/s). */
  readonly maxJointSpeed: number;
}

/** Watches a world's physics sub-steps while active; `endStep` closes a control step; `figures` reads the result. */
export interface GaitProbe {
  active: boolean;
  endStep(): void;
  figures(): PhysicsFigures;
  detach(): void;
}

/** The probe for a world: ammo.js worlds are watched from a sub-step callback, pybullet's through its own loggers. */
export function probeFor(env: QuadrupedWorld): GaitProbe {
  return env instanceof PybulletQuadrupedEnv ? new PybulletProbe(env) : new PhysicsProbe(env);
}

/** The ammo.js worlds' probe: accumulates the figures while active; attach it to an env, then read `figures()`. */
export class PhysicsProbe implements GaitProbe {
  active = false;
  private subSteps = 0;
  private contactSubSteps = 0;
  private points = 0;
  private penetrating = 0;
  private deep = 0;
  private depthSum = 0;
  private maxDepth = 0;
  private deepest = -1;
  private maxContact = 0;
  private maxSub = 0;
  private stepImpulse = 0;
  private maxStep = 0;
  private maxSpeed = 0;
  private subImpulse = 0;
  private touched = false;
  private readonly below: Float64Array;
  private readonly above: Float64Array;
  private readonly visit = (c: { part: number; distance: number; impulse: number }): void => {
    this.points++;
    this.touched = true;
    if (c.distance < 0) {
      const depth = -c.distance;
      this.penetrating++;
      this.depthSum += depth;
      if (depth > 0.01) this.deep++;
      if (depth > this.maxDepth) {
        this.maxDepth = depth;
        this.deepest = c.part;
      }
    }
    this.subImpulse += c.impulse;
    if (c.impulse > this.maxContact) this.maxContact = c.impulse;
  };

  constructor(private readonly env: QuadrupedEnv) {
    this.below = new Float64Array(env.actionSize);
    this.above = new Float64Array(env.actionSize);
    env.setSubStepProbe(() => this.active && this.subStep());
  }

  /** Closes a control step: its impulse total and the joint speeds at its end. */
  endStep(): void {
    if (!this.active) return;
    if (this.stepImpulse > this.maxStep) this.maxStep = this.stepImpulse;
    this.stepImpulse = 0;
    for (const s of this.env.jointSpeeds()) this.maxSpeed = Math.max(this.maxSpeed, Math.abs(s));
  }

  detach(): void {
    this.env.setSubStepProbe(undefined);
  }

  figures(): PhysicsFigures {
    const { env } = this;
    const mass = env.assembly.parts.reduce((s, p) => s + p.mass, 0);
    const overshoot = env.assembly.joints.map((j, n) => ({ joint: j.name, belowDeg: this.below[n]! * DEG, aboveDeg: this.above[n]! * DEG }));
    return {
      subSteps: this.subSteps,
      contactSubSteps: this.contactSubSteps,
      maxPenetration: this.maxDepth,
      deepestPart: this.deepest < 0 ? '' : partName(env, this.deepest),
      meanPenetration: this.penetrating > 0 ? this.depthSum / this.penetrating : 0,
      deepShare: this.points > 0 ? this.deep / this.points : 0,
      overshoot,
      maxOvershootDeg: Math.max(0, ...overshoot.map((o) => Math.max(o.belowDeg, o.aboveDeg))),
      maxContactImpulse: this.maxContact,
      maxSubStepImpulse: this.maxSub,
      peakForceBodyWeights: this.maxStep / CONTROL_DT / (mass * GRAVITY),
      maxJointSpeed: this.maxSpeed,
    };
  }

  private subStep(): void {
    const { env } = this;
    this.subSteps++;
    this.subImpulse = 0;
    this.touched = false;
    env.forEachGroundContact(this.visit);
    if (this.touched) this.contactSubSteps++;
    if (this.subImpulse > this.maxSub) this.maxSub = this.subImpulse;
    this.stepImpulse += this.subImpulse;
    env.assembly.joints.forEach((j, n) => {
      const q = env.hingeAngle(n);
      if (j.lower - q > this.below[n]!) this.below[n] = j.lower - q;
      if (q - j.upper > this.above[n]!) this.above[n] = q - j.upper;
    });
  }
}

/** The name of the MJCF body that roots a rigid part. */
function partName(env: QuadrupedEnv, part: number): string {
  return env.bodyNames[env.assembly.parts[part]!.rootBody] ?? `part ${part}`;
}

/** The env as the lifetime sees it, with the probe switched on for the policy's steps only. */
class Audited implements Env {
  readonly observationSize: number;
  readonly actionSize: number;
  readonly rewardTerms: readonly string[];
  readonly fitnessTerm: number;
  readonly bodyNames: readonly string[];
  readonly actuatorStrength: Float32Array;
  electricity = 0;
  private steps = 0;

  constructor(private readonly env: QuadrupedWorld, private readonly probe: GaitProbe, private readonly burnIn: number) {
    ({ observationSize: this.observationSize, actionSize: this.actionSize, rewardTerms: this.rewardTerms, fitnessTerm: this.fitnessTerm } = env);
    this.bodyNames = env.bodyNames;
    this.actuatorStrength = env.actuatorStrength;
  }

  reset(rng: RandomStream): Float32Array {
    this.steps = 0;
    this.probe.active = false;
    return this.env.reset(rng);
  }

  step(action: ArrayLike<number>): StepResult {
    this.probe.active = this.steps >= this.burnIn;
    const r = this.env.step(action);
    this.steps++;
    if (this.probe.active) {
      this.probe.endStep();
      this.electricity -= r.rewards[ELECTRICITY]!;
    }
    return r;
  }

  forwardDistance(): number {
    return this.env.forwardDistance();
  }

  poses(out: Float32Array, offset?: number): void {
    this.env.poses(out, offset);
  }

  dispose(): void {
    this.env.dispose();
  }
}

export interface LifetimeAudit extends PhysicsFigures {
  readonly fitness: number;
  /** Metres from the end of the burn-in (as every lifetime's distance). */
  readonly distance: number;
  readonly steps: number;
  /** Σ of the reference's electricity cost (−rewards[2], docs/METHOD.md#quadruped-rewards) over the policy's steps, and per metre. */
  readonly electricity: number;
  readonly electricityPerMetre: number;
}

/** One lifetime of `policy` in `env` with the probe on from the end of the burn-in. */
export function auditLifetime(env: QuadrupedWorld, policy: Policy, streams: LifetimeStreams, protocol: Protocol = QUADRUPED_PROTOCOL): LifetimeAudit {
  const probe = probeFor(env);
  try {
    const audited = new Audited(env, probe, protocol.burnIn);
    const r = runLifetime(audited, policy, streams, { protocol });
    return {
      fitness: r.fitness, distance: r.distance, steps: r.steps, ...probe.figures(),
      electricity: audited.electricity, electricityPerMetre: r.distance > 0 ? audited.electricity / r.distance : Infinity,
    };
  } finally {
    probe.detach();
  }
}

/** Several audited lifetimes as one: maxima over them, means of the means, electricity per metre over all. */
export function combineAudits(list: readonly LifetimeAudit[]): LifetimeAudit {
  if (list.length === 0) throw new RangeError('combineAudits needs at least one lifetime');
  const mean = (f: (a: LifetimeAudit) => number): number => list.reduce((s, a) => s + f(a), 0) / list.length;
  const max = (f: (a: LifetimeAudit) => number): number => Math.max(...list.map(f));
  const sum = (f: (a: LifetimeAudit) => number): number => list.reduce((s, a) => s + f(a), 0);
  const deepest = list.reduce((a, b) => (b.maxPenetration > a.maxPenetration ? b : a));
  const overshoot = list[0]!.overshoot.map((o, n) => ({ joint: o.joint, belowDeg: max((a) => a.overshoot[n]!.belowDeg), aboveDeg: max((a) => a.overshoot[n]!.aboveDeg) }));
  const distance = sum((a) => a.distance);
  return {
    fitness: mean((a) => a.fitness), distance: mean((a) => a.distance), steps: mean((a) => a.steps),
    subSteps: sum((a) => a.subSteps), contactSubSteps: sum((a) => a.contactSubSteps),
    maxPenetration: deepest.maxPenetration, deepestPart: deepest.deepestPart,
    meanPenetration: mean((a) => a.meanPenetration), deepShare: mean((a) => a.deepShare),
    overshoot, maxOvershootDeg: max((a) => a.maxOvershootDeg),
    maxContactImpulse: max((a) => a.maxContactImpulse), maxSubStepImpulse: max((a) => a.maxSubStepImpulse),
    peakForceBodyWeights: max((a) => a.peakForceBodyWeights), maxJointSpeed: max((a) => a.maxJointSpeed),
    electricity: mean((a) => a.electricity), electricityPerMetre: distance > 0 ? sum((a) => a.electricity) / distance : Infinity,
  };
}

export interface RerunFigures {
  readonly label: string;
  readonly solver: SolverSteps;
  /** Per audited lifetime, in order. */
  readonly distances: readonly number[];
  readonly meanDistance: number;
  /** Mean distance ÷ the audited lifetimes' mean distance. */
  readonly ratio: number;
}

export interface GaitAudit {
  /** The audited lifetimes' solver iterations and sub-steps. */
  readonly solver: SolverSteps;
  /** Each audited lifetime, and all of them combined (combineAudits). */
  readonly lifetimes: readonly LifetimeAudit[];
  readonly summary: LifetimeAudit;
  /** The same lifetimes with twice the solver iterations, and with half the sub-step. */
  readonly reruns: readonly RerunFigures[];
}

/**
 * Audits `episodes` lifetimes in the worlds `world(solver)` makes: `streams(e)` must give lifetime e's streams, the
 * same each time it is called (the policy is re-run from scratch under each solver setting).
 */
export function auditGait(
  world: (solver: SolverSteps) => QuadrupedWorld, solver: SolverSteps, policy: Policy, streams: (episode: number) => LifetimeStreams,
  options: { readonly protocol?: Protocol; readonly episodes?: number } = {},
): GaitAudit {
  const protocol = options.protocol ?? QUADRUPED_PROTOCOL;
  const episodes = Array.from({ length: options.episodes ?? 1 }, (_, e) => e);
  const withEnv = <T>(settings: SolverSteps, body: (env: QuadrupedWorld) => T): T => {
    const env = world(settings);
    try {
      return body(env);
    } finally {
      env.dispose();
    }
  };
  const lifetimes = withEnv(solver, (env) => episodes.map((e) => auditLifetime(env, policy, streams(e), protocol)));
  const summary = combineAudits(lifetimes);
  const variants: [string, SolverSteps][] = [
    [`${2 * solver.solverIterations} solver iterations`, { ...solver, solverIterations: 2 * solver.solverIterations }],
    [`${2 * solver.subSteps} sub-steps of ${((CONTROL_DT / solver.subSteps / 2) * 1000).toFixed(4)} ms`, { ...solver, subSteps: 2 * solver.subSteps }],
  ];
  const reruns = variants.map(([label, change]) => {
    const settings = validSolverSteps(change);
    const distances = withEnv(settings, (env) => episodes.map((e) => runLifetime(env, policy, streams(e), { protocol }).distance));
    const meanDistance = distances.reduce((s, d) => s + d, 0) / distances.length;
    return { label, solver: settings, distances, meanDistance, ratio: meanDistance / summary.distance };
  });
  return { solver: { solverIterations: solver.solverIterations, subSteps: solver.subSteps }, lifetimes, summary, reruns };
}
