/**
 * The physics audit under version 3 (pybullet's engine, watched through pybullet's own state loggers): the audited
 * lifetime is the plain one to the last bit, the figures match states whose answer is known — an ant lying still
 * carries its weight; the ankles the burn-in leaves past their limits sit where the real pybullet left them
 * (test/fixtures/pybullet) — and the re-runs really change the solver.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditGait, auditLifetime, probeFor } from '../../src/core/envs/quadruped/audit';
import { PYBULLET_SOLVER } from '../../src/core/envs/quadruped/physics';
import { loadBullet, type BulletEngine } from '../../src/core/envs/quadruped/pybullet/bullet';
import { PybulletQuadrupedEnv } from '../../src/core/envs/quadruped/pybullet/pybullet-env';
import { CONTROL_DT, GRAVITY } from '../../src/core/envs/quadruped/quadruped-env';
import { lifetimeStreams, runLifetime, type Protocol } from '../../src/core/rollout/lifetime';
import { GaitPolicy, preset } from './fixtures/quadruped';

const DEG = 180 / Math.PI;
const SHORT: Protocol = { burnIn: 40, maxEnvSteps: 300, earlyStopAfter: 300, negativePatience: 30 };
const zero = new Float32Array(8);
interface Fixture {
  joint_lower: number[];
  joint_upper: number[];
  loaded_body_check: { link_mass: number[] };
  steps: { joint_pos: number[][] };
}
const fixture = JSON.parse(gunzipSync(readFileSync('test/fixtures/pybullet/standard__zero__zero.json.gz')).toString()) as Fixture;

let engine: BulletEngine;
let env: PybulletQuadrupedEnv;
beforeAll(async () => {
  engine = await loadBullet();
  env = new PybulletQuadrupedEnv(engine, preset('standard'));
});

describe('the audit under physics version 3', () => {
  it('leaves the lifetime as it is, to the last bit, and watches 4 sub-steps per policy step', () => {
    const plain = runLifetime(env, new GaitPolicy(), lifetimeStreams(4, 0), { protocol: SHORT });
    const audit = auditLifetime(env, new GaitPolicy(), lifetimeStreams(4, 0), SHORT);
    expect(audit.fitness).toBe(plain.fitness);
    expect(audit.distance).toBe(plain.distance);
    expect(audit.subSteps).toBe(4 * plain.steps);
    expect(audit.contactSubSteps).toBeGreaterThan(0);
    expect(audit.contactSubSteps).toBeLessThanOrEqual(audit.subSteps);
  });

  it('an ant lying still carries its weight: Σ normal impulse per step = m·g·0.0165, per sub-step a quarter', () => {
    env.resetTo(zero);
    for (let t = 0; t < 300; t++) env.step(zero);
    const probe = probeFor(env);
    probe.active = true;
    for (let t = 0; t < 30; t++) {
      env.step(zero);
      probe.endStep();
    }
    const f = probe.figures();
    // pybullet's own masses, as the reference's loader reported them (the base, then each link).
    const mass = fixture.loaded_body_check.link_mass.reduce((s, m) => s + m, 0);
    expect(env.mass).toBeCloseTo(mass, 6);
    expect(f.subSteps).toBe(120);
    expect(f.contactSubSteps).toBe(120);
    expect(f.peakForceBodyWeights).toBeCloseTo(1, 2);
    expect(f.maxSubStepImpulse).toBeCloseTo((env.mass * GRAVITY * CONTROL_DT) / 4, 1);
    expect(f.maxJointSpeed).toBeLessThan(0.01);
    expect(f.maxPenetration).toBeGreaterThan(0);
    expect(f.maxPenetration).toBeLessThan(0.01);
    expect(env.bodyNames).toContain(f.deepestPart);
  });

  it('reads the ankles past their limits where the real pybullet left them after the fall (fixture, steps 30–40)', () => {
    env.resetTo(zero);
    for (let t = 0; t < 30; t++) env.step(zero);
    const probe = probeFor(env);
    probe.active = true;
    for (let t = 30; t < 40; t++) env.step(zero);
    const f = probe.figures();
    const recorded = fixture.steps.joint_pos.slice(30, 40);
    fixture.joint_lower.forEach((lower, n) => {
      const upper = fixture.joint_upper[n]!;
      const below = Math.max(0, ...recorded.map((q) => lower - q[n]!)) * DEG;
      const above = Math.max(0, ...recorded.map((q) => q[n]! - upper)) * DEG;
      // Sub-steps between the recorded control steps, and float32 in pybullet's log: within 0.05°.
      expect(f.overshoot[n]!.belowDeg).toBeCloseTo(below, 1);
      expect(f.overshoot[n]!.aboveDeg).toBeCloseTo(above, 1);
    });
    expect(f.maxOvershootDeg).toBeGreaterThan(10); // the ankles rest well outside their range in pybullet
  });

  it('re-runs with 10 solver iterations and with 8 sub-steps in worlds set that way, and they differ from the audited', () => {
    const make = (solver: typeof PYBULLET_SOLVER): PybulletQuadrupedEnv => new PybulletQuadrupedEnv(engine, preset('standard'), { solver });
    const a = auditGait(make, PYBULLET_SOLVER, new GaitPolicy(), (e) => lifetimeStreams(5, e), { protocol: SHORT, episodes: 2 });
    expect(a.reruns.map((r) => [r.solver.solverIterations, r.solver.subSteps])).toEqual([[10, 4], [5, 8]]);
    expect(a.reruns.map((r) => r.label)).toEqual(['10 solver iterations', '8 sub-steps of 2.0625 ms']);
    for (const r of a.reruns) {
      const fresh = make(r.solver);
      const again = [0, 1].map((e) => runLifetime(fresh, new GaitPolicy(), lifetimeStreams(5, e), { protocol: SHORT }).distance);
      fresh.dispose();
      expect(r.distances).toEqual(again);
      expect(r.distances).not.toEqual(a.lifetimes.map((l) => l.distance));
    }
  });
});
