/**
 * Physics version 3's env beyond the pybullet traces: what the replay draws, what a lifetime depends on, and what
 * it refuses.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadAmmo } from '../../src/core/envs/quadruped/ammo';
import { loadBullet, type BulletEngine } from '../../src/core/envs/quadruped/pybullet/bullet';
import { PybulletQuadrupedEnv } from '../../src/core/envs/quadruped/pybullet/pybullet-env';
import { QuadrupedEnv } from '../../src/core/envs/quadruped/quadruped-env';
import { loadPreset } from '../../src/main/services/presets';

let engine: BulletEngine;
beforeAll(async () => {
  engine = await loadBullet();
});

/** A lifetime of open-loop sine actions after the burn-in: its Σ progress and final torso x, bit for bit. */
function lifetime(body: 'standard' | 'damaged-right' | 'damaged-left'): string {
  const env = new PybulletQuadrupedEnv(engine, loadPreset(body));
  env.resetTo(new Float64Array(8));
  const a = new Float32Array(8);
  let progress = 0;
  for (let t = 0; t < 600; t++) {
    for (let n = 0; n < 8; n++) a[n] = t < 40 ? 0 : 0.8 * Math.sin((2 * Math.PI * (t - 40) * 0.0165) / 0.5 + (n % 3));
    progress += env.step(a).rewards[1]!;
  }
  const x = env.rawState()[0];
  env.dispose();
  return `${progress} ${x}`;
}

describe('physics version 3: the env', () => {
  it("places every body where the MJCF's kinematics put it (the frames the replay draws)", async () => {
    // The ammo.js env's poses at a constructed start are the assembly's forward kinematics (tested on their own).
    for (const body of ['standard', 'damaged-right'] as const) {
      const angles = [0.05, 0.6, -0.05, -0.6, 0.02, -0.7, -0.03, 0.8];
      const v2 = new QuadrupedEnv(await loadAmmo(), loadPreset(body));
      const v3 = new PybulletQuadrupedEnv(engine, loadPreset(body));
      v2.resetTo({ jointAngles: angles });
      v3.resetTo(angles);
      expect(v3.bodyNames).toEqual(v2.bodyNames);
      const a = new Float32Array(v2.bodyNames.length * 7);
      const b = new Float32Array(v3.bodyNames.length * 7);
      v2.poses(a);
      v3.poses(b);
      for (let k = 0; k < v2.bodyNames.length; k++) {
        for (let i = 0; i < 3; i++) expect(Math.abs(a[7 * k + i]! - b[7 * k + i]!), `${v2.bodyNames[k]} position`).toBeLessThan(1e-6);
        const dot = a[7 * k + 3]! * b[7 * k + 3]! + a[7 * k + 4]! * b[7 * k + 4]! + a[7 * k + 5]! * b[7 * k + 5]! + a[7 * k + 6]! * b[7 * k + 6]!;
        expect(1 - Math.abs(dot), `${v2.bodyNames[k]} orientation`).toBeLessThan(1e-6);
      }
      v2.dispose();
      v3.dispose();
    }
  });

  it('gives a lifetime the same result whatever ran before it in the thread (contact pairs sorted)', () => {
    const first = lifetime('standard');
    lifetime('damaged-right');
    const held = Array.from({ length: 20 }, () => new PybulletQuadrupedEnv(engine, loadPreset('damaged-left')));
    held.forEach((e) => e.resetTo(new Float64Array(8)));
    expect(lifetime('standard')).toBe(first);
    held.forEach((e) => e.dispose());
  });

  it('refuses a wrong action or start, and use before reset or after dispose', () => {
    const env = new PybulletQuadrupedEnv(engine, loadPreset('standard'));
    expect(() => env.step(new Float32Array(8))).toThrow('stepped before reset()');
    expect(() => env.resetTo([0, 0, 0])).toThrow('jointAngles must be 8 finite numbers');
    expect(() => env.resetTo([0, 0, 0, 0, 0, 0, 0, Number.NaN])).toThrow('jointAngles must be 8 finite numbers');
    env.resetTo(new Float64Array(8));
    expect(() => env.step(new Float32Array(7))).toThrow('action must have 8 values, got 7');
    expect(() => env.step([0, 0, 0, 0, 0, 0, 0, Number.POSITIVE_INFINITY])).toThrow('action[7] is not finite');
    env.dispose();
    expect(() => env.resetTo(new Float64Array(8))).toThrow('used after dispose()');
  });
});
