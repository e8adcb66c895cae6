/**
 * Physics parity with pybullet where docs/METHOD.md names a value (docs/METHOD.md#quadruped-simulation, docs/METHOD.md#quadruped-rewards; docs/PHYSICS.md): each setting
 * on a constructed state whose outcome is computed by hand, under physics version 2 and, where it differs,
 * version 1 (the runs trained before it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAmmo, type AmmoModule } from '../../src/core/envs/quadruped/ammo';
import { physicsSettings, type PhysicsSettings } from '../../src/core/envs/quadruped/physics';
import { CONTROL_DT, QuadrupedEnv } from '../../src/core/envs/quadruped/quadruped-env';
import type { RandomStream } from '../../src/core/random';
import { lifetimeStreams, runLifetime } from '../../src/core/rollout/lifetime';
import { GaitPolicy, lowestPoint, preset } from './fixtures/quadruped';

let ammo: AmmoModule;
beforeAll(async () => {
  ammo = await loadAmmo();
});
const envs: QuadrupedEnv[] = [];
afterAll(() => envs.forEach((e) => e.dispose()));
const make = (physics: PhysicsSettings, body = 'standard'): QuadrupedEnv => {
  const env = new QuadrupedEnv(ammo, preset(body), { physics });
  envs.push(env);
  return env;
};
const midRange = (env: QuadrupedEnv): number[] => env.assembly.joints.map((j) => (j.lower + j.upper) / 2);

describe('physics parity (docs/METHOD.md#quadruped-simulation)', () => {
  it('version 2 holds pybullet’s solver values in the engine; version 1 Bullet 2.82’s defaults', () => {
    const v2 = make(physicsSettings(2));
    v2.resetTo({});
    expect(v2.solverInfo()).toEqual({ solverIterations: 10, erp: expect.closeTo(0.9, 6), erp2: expect.closeTo(0.9, 6), splitImpulse: false, splitThreshold: expect.closeTo(-0.04, 6), warmStarting: expect.closeTo(0.1, 6), linearSlop: expect.closeTo(1e-5, 9) });
    const v1 = make(physicsSettings(1));
    v1.resetTo({});
    expect(v1.solverInfo()).toMatchObject({ erp: expect.closeTo(0.2, 6), erp2: expect.closeTo(0.8, 6), splitImpulse: true, warmStarting: expect.closeTo(0.85, 6), linearSlop: 0 });
  });

  it('contact ERP 0.9 through the velocity: a body 2 cm in the ground is 90 % out after one sub-step (Bullet’s 0.2: 20 %)', () => {
    const depth = 0.02;
    for (const [version, erp] of [[2, 0.9], [1, 0.2]] as const) {
      const env = make(physicsSettings(version, { subSteps: 1 }));
      const angles = midRange(env);
      env.resetTo({ rootPosition: [0, 0, 1], jointAngles: angles });
      env.resetTo({ rootPosition: [0, 0, 1 - lowestPoint(env) - depth], jointAngles: angles });
      expect(lowestPoint(env)).toBeCloseTo(-depth, 6);
      env.step(new Float32Array(8));
      // Baumgarte: the contact row targets a separating speed erp·d/h, so one sub-step of h lifts it by erp·d.
      expect(Math.abs(lowestPoint(env) + depth * (1 - erp))).toBeLessThan(0.0008);
    }
  });

  it('joint speeds are capped at 100 rad/s: a hip swung at 150 rad/s turns at ≈ 100 from the next sub-step on; uncapped ≈ 150', () => {
    const turnRates = (maxJointSpeed: number): number[] => {
      const env = make(physicsSettings(2, { subSteps: 16, maxJointSpeed }));
      const angles = midRange(env);
      angles[0] = env.assembly.joints[0]!.lower + 0.01;
      env.resetTo({ rootPosition: [0, 0, 3], jointAngles: angles, jointSpeeds: [150, 0, 0, 0, 0, 0, 0, 0] });
      const q = [env.hingeAngle(0)];
      env.setSubStepProbe(() => q.push(env.hingeAngle(0)));
      env.step(new Float32Array(8));
      env.setSubStepProbe(undefined);
      // Rates from the hinge's own angle, not from the velocities the cap edits.
      return q.slice(1, 5).map((a, i) => (a - q[i]!) / (CONTROL_DT / 16));
    };
    const capped = turnRates(100);
    expect(capped[0]).toBeCloseTo(150, 0); // the first sub-step moves at the start speed, then the cap acts
    for (const rate of capped.slice(1)) {
      expect(rate).toBeGreaterThan(85);
      expect(rate).toBeLessThan(103);
    }
    expect(turnRates(Infinity)[1]).toBeGreaterThan(140);
  });

  it('joint limits are inelastic as pybullet’s: the light damaged shin arriving at 30 rad/s leaves at under half that (version 1: elastic)', () => {
    const rebound = (version: number): number => {
      const env = make(physicsSettings(version), 'damaged-right');
      const n = 7; // ankle_4, the shortened shin
      const j = env.assembly.joints[n]!;
      const angles = midRange(env);
      angles[n] = j.upper - 0.15;
      const speeds = [0, 0, 0, 0, 0, 0, 0, 0];
      speeds[n] = 30;
      env.resetTo({ rootPosition: [0, 0, 3], jointAngles: angles, jointSpeeds: speeds });
      let back = 0;
      for (let t = 0; t < 6; t++) {
        env.step(new Float32Array(8));
        back = Math.max(back, -env.jointSpeeds()[n]!);
      }
      return back / 30;
    };
    expect(rebound(2)).toBeLessThan(0.5);
    expect(rebound(1)).toBeGreaterThan(0.9);
  });

  it('electricity uses the joint speeds before the observation’s ±5 clip (docs/METHOD.md#quadruped-rewards), by hand where the clip changes it', () => {
    const env = make(physicsSettings(2));
    const angles = midRange(env);
    angles[1] = env.assembly.joints[1]!.lower + 0.01;
    env.resetTo({ rootPosition: [0, 0, 3], jointAngles: angles, jointSpeeds: [0, 80, 0, 0, 0, 0, 0, 0] });
    const a = [0.5, -0.3, 0.2, 0, 0, 0, 0, 0.7];
    const r = env.step(Float32Array.from(a));
    const speed = Array.from(env.jointSpeeds());
    expect(speed[1]).toBeGreaterThan(55); // 0.1·q̇ > 5: the observation holds the clipped 5
    expect(r.observation[9 + 2]).toBe(5);
    const electricity = (scaled: number[]): number =>
      (-2 * a.reduce((s, an, n) => s + Math.abs(an * scaled[n]!), 0)) / 8 - (0.1 * a.reduce((s, an) => s + an * an, 0)) / 8;
    expect(r.rewards[2]).toBeCloseTo(electricity(speed.map((s) => 0.1 * s)), 6);
    const clipped = speed.map((s) => Math.max(-5, Math.min(5, 0.1 * s)));
    expect(Math.abs(r.rewards[2]! - electricity(clipped))).toBeGreaterThan(0.05);
  });

  it('settings are checked, naming the field', () => {
    expect(() => physicsSettings(4)).toThrow(/physics version must be one of 1, 2, 3, got 4/);
    expect(() => physicsSettings(3)).toThrow(/version 3 is pybullet's own engine; it has no ammo.js solver settings/);
    expect(() => physicsSettings(2, { subSteps: 3 })).toThrow(/physics.subSteps must be 1, 2, 4, 8 or 16/);
    expect(() => physicsSettings(2, { erp: 1.5 })).toThrow(/physics.erp must be in \[0, 1\]/);
    expect(() => physicsSettings(2, { maxJointSpeed: 0 })).toThrow(/physics.maxJointSpeed must be positive/);
  });
});

/** A start state that slides forward through the burn-in: in the air at 1.5 m, moving at 1 m/s along +x. */
class SlidingStart extends QuadrupedEnv {
  override reset(_rng: RandomStream): Float32Array {
    return this.resetTo({ rootPosition: [0, 0, 1.5], linearVelocity: [1, 0, 0], jointAngles: midRange(this) });
  }
}

describe('distance (docs/METHOD.md#lifetime)', () => {
  it('is measured from the end of the burn-in, the span the fitness sums over', () => {
    const env = new SlidingStart(ammo, preset('standard'));
    envs.push(env);
    const r = runLifetime(env, new GaitPolicy(), lifetimeStreams(1, 0), { record: {} });
    const rec = r.recording!;
    const torsoX = (frame: number): number => rec.poses[frame * rec.bodyNames.length * 7]!;
    expect(torsoX(40) - torsoX(0)).toBeGreaterThan(0.3); // counting the burn-in would add this
    expect(r.distance).toBeCloseTo(torsoX(rec.envSteps) - torsoX(40), 4);
  });
});
