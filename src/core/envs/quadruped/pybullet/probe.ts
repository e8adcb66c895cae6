/**
 * The audit's probe for physics version 3 (core/envs/quadruped/audit.ts): the same figures as the ammo.js probe,
 * read from pybullet's own state loggers, which write every physics sub-step's contact points (distance, normal
 * force, links) and joint positions without touching the world. Contact points are the robot's against the floor.
 */
import type { GaitProbe, PhysicsFigures } from '../audit';
import { CONTROL_DT, GRAVITY } from '../quadruped-env';
import type { StateLog } from './state-log';
import type { PybulletQuadrupedEnv } from './pybullet-env';

const DEG = 180 / Math.PI;

export class PybulletProbe implements GaitProbe {
  private logging = false;
  private readonly segments: { readonly contacts: StateLog; readonly robot: StateLog }[] = [];
  private maxSpeed = 0;

  constructor(private readonly env: PybulletQuadrupedEnv) {}

  get active(): boolean {
    return this.logging;
  }

  /** Logging starts before the next step and stops (its files read) when switched off. */
  set active(on: boolean) {
    if (on === this.logging) return;
    if (on) this.env.startSubStepLogs();
    else this.segments.push(this.env.stopSubStepLogs());
    this.logging = on;
  }

  endStep(): void {
    if (!this.logging) return;
    for (const s of this.env.jointSpeeds()) this.maxSpeed = Math.max(this.maxSpeed, Math.abs(s));
  }

  detach(): void {
    if (this.logging) this.active = false;
  }

  figures(): PhysicsFigures {
    this.detach();
    const { env } = this;
    const nJ = env.actionSize;
    const subStepsPerStep = env.solver.subSteps;
    const dt = CONTROL_DT / subStepsPerStep;
    const { lower, upper } = env.jointLimits();
    const below = new Float64Array(nJ);
    const above = new Float64Array(nJ);
    let subSteps = 0, contactSubSteps = 0, points = 0, penetrating = 0, deep = 0, depthSum = 0, maxDepth = 0, deepest = '';
    let maxContact = 0, maxSub = 0, maxStep = 0;
    for (const { contacts, robot } of this.segments) {
      subSteps += robot.records.length;
      const field = (log: StateLog, key: string): number => {
        const k = log.keys.indexOf(key);
        if (k < 0) throw new RangeError(`pybullet's state log has no field '${key}'`);
        return k;
      };
      if (robot.records.length > 0) {
        const q = Array.from(env.logDofOfAction, (d) => field(robot, `q${d}`));
        for (const r of robot.records) {
          for (let n = 0; n < nJ; n++) {
            const angle = r[q[n]!]!;
            if (lower[n]! - angle > below[n]!) below[n] = lower[n]! - angle;
            if (angle - upper[n]! > above[n]!) above[n] = angle - upper[n]!;
          }
        }
      }
      if (contacts.records.length === 0) continue;
      const robotId = robot.records[0]![field(robot, 'objectId')]!;
      const [step, bodyA, linkA, linkB, distance, force] = ['stepCount', 'bodyUniqueIdA', 'linkIndexA', 'linkIndexB', 'contactDistance', 'normalForce'].map((k) => field(contacts, k)) as [number, number, number, number, number, number];
      const subImpulse = new Map<number, number>();
      for (const c of contacts.records) {
        points++;
        const link = c[bodyA] === robotId ? c[linkA]! : c[linkB]!;
        const d = c[distance]!;
        if (d < 0) {
          penetrating++;
          depthSum -= d;
          if (-d > 0.01) deep++;
          if (-d > maxDepth) {
            maxDepth = -d;
            deepest = link < 0 ? env.bodyNames[0]! : env.linkNames[link]!;
          }
        }
        const impulse = c[force]! * dt;
        if (impulse > maxContact) maxContact = impulse;
        subImpulse.set(c[step]!, (subImpulse.get(c[step]!) ?? 0) + impulse);
      }
      contactSubSteps += subImpulse.size;
      const stepImpulse = new Map<number, number>();
      for (const [sub, impulse] of subImpulse) {
        if (impulse > maxSub) maxSub = impulse;
        const control = Math.floor(sub / subStepsPerStep);
        stepImpulse.set(control, (stepImpulse.get(control) ?? 0) + impulse);
      }
      for (const impulse of stepImpulse.values()) if (impulse > maxStep) maxStep = impulse;
    }
    const overshoot = env.assembly.joints.map((j, n) => ({ joint: j.name, belowDeg: below[n]! * DEG, aboveDeg: above[n]! * DEG }));
    return {
      subSteps,
      contactSubSteps,
      maxPenetration: maxDepth,
      deepestPart: deepest,
      meanPenetration: penetrating > 0 ? depthSum / penetrating : 0,
      deepShare: points > 0 ? deep / points : 0,
      overshoot,
      maxOvershootDeg: Math.max(0, ...overshoot.map((o) => Math.max(o.belowDeg, o.aboveDeg))),
      maxContactImpulse: maxContact,
      maxSubStepImpulse: maxSub,
      peakForceBodyWeights: maxStep / CONTROL_DT / (env.mass * GRAVITY),
      maxJointSpeed: this.maxSpeed,
    };
  }
}
