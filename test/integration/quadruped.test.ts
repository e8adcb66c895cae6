import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAmmo } from '../../src/core/envs/quadruped/ammo';
import { CONTROL_DT, QuadrupedEnv } from '../../src/core/envs/quadruped/quadruped-env';
import { removeLowerLeg } from '../../src/core/morphology/edit';
import { quatAxisAngle, rotate, type Quat } from '../../src/core/math/rigid';
import { bodies } from '../../src/core/morphology/model';
import { RandomStream } from '../../src/core/random';
import { lifetimeStreams, runLifetime } from '../../src/core/rollout/lifetime';
import { bytesOf, inChildProcess } from './fixtures/child-process';
import { GaitPolicy, gaitAction, lowestPoint, preset, quadruped, randomActionTrajectory } from './fixtures/quadruped';

const DEG = Math.PI / 180;
let env: QuadrupedEnv;
beforeAll(async () => {
  env = await quadruped('standard');
});
afterAll(() => env.dispose());

const zero = new Float32Array(8);

/** Mean x, y of the 13 link centres of mass and the floor origin, computed from the poses and the MJCF geoms. */
function meanXY(e: QuadrupedEnv): [number, number] {
  const poses = new Float32Array(e.bodyNames.length * 7);
  e.poses(poses);
  let sx = 0;
  let sy = 0;
  bodies(e.assembly.morphology).forEach((b, k) => {
    const g = b.geoms[0]!;
    const c = g.type === 'sphere' ? g.pos : [0, 1, 2].map((i) => (g.from[i]! + g.to[i]!) / 2);
    const [x, y, z, w] = [poses[7 * k + 3]!, poses[7 * k + 4]!, poses[7 * k + 5]!, poses[7 * k + 6]!];
    // Rotate c by the body quaternion (x and y rows of the rotation matrix).
    sx += poses[7 * k]! + (1 - 2 * (y * y + z * z)) * c[0]! + 2 * (x * y - z * w) * c[1]! + 2 * (x * z + y * w) * c[2]!;
    sy += poses[7 * k + 1]! + 2 * (x * y + z * w) * c[0]! + (1 - 2 * (x * x + z * z)) * c[1]! + 2 * (y * z - x * w) * c[2]!;
  });
  return [sx / 14, sy / 14];
}

describe('quadruped env: physics', () => {
  it('zero action: drops, stays alive, comes to rest, nothing sinks below the floor', () => {
    env.reset(RandomStream.of(1, 1));
    for (let t = 0; t < 600; t++) {
      const r = env.step(zero);
      if (t >= 40) expect(r.rewards[0]).toBe(1); // alive: torso above 0.26 m
      expect(lowestPoint(env)).toBeGreaterThan(-0.01);
    }
    const speeds = env.jointSpeeds();
    expect(Math.max(...Array.from(speeds, Math.abs))).toBeLessThan(0.05);
    const v = env.partState().subarray(7, 10);
    expect(Math.hypot(v[0]!, v[1]!, v[2]!)).toBeLessThan(0.01);
    // Resting with the feet on the floor: all four contact flags set.
    expect(Array.from(env.currentFeetContact())).toEqual([1, 1, 1, 1]);
  });

  it('1000 random-action steps: finite, bounded speeds, joints within their limits (±3°)', () => {
    env.reset(RandomStream.of(2, 1));
    const rng = RandomStream.of(2, 2);
    const a = new Float32Array(8);
    let worstViolation = 0;
    for (let t = 0; t < 1000; t++) {
      for (let i = 0; i < 8; i++) a[i] = rng.uniform(-1, 1);
      const r = env.step(a);
      expect(r.observation.every(Number.isFinite) && r.rewards.every(Number.isFinite)).toBe(true);
      const v = env.partState();
      for (let p = 0; p < env.assembly.parts.length; p++) {
        expect(Math.hypot(v[13 * p + 7]!, v[13 * p + 8]!, v[13 * p + 9]!)).toBeLessThan(20);
      }
      expect(Math.max(...Array.from(env.jointSpeeds(), Math.abs))).toBeLessThan(100);
      if (t >= 40) {
        env.assembly.joints.forEach((j, n) => {
          const q = env.jointAngles()[n]!;
          worstViolation = Math.max(worstViolation, j.lower - q, q - j.upper);
        });
      }
    }
    expect(worstViolation).toBeLessThan(3 * DEG);
  });

  it('runs an edited body: a removed lower leg (sphere stump) stays finite under random actions', async () => {
    const amputee = new QuadrupedEnv(await loadAmmo(), removeLowerLeg(preset('standard'), 'front_left_foot'));
    amputee.reset(RandomStream.of(12, 1));
    const rng = RandomStream.of(12, 2);
    const a = new Float32Array(8);
    for (let t = 0; t < 300; t++) {
      for (let i = 0; i < 8; i++) a[i] = rng.uniform(-1, 1);
      expect(amputee.step(a).observation.every(Number.isFinite)).toBe(true);
    }
    expect(lowestPoint(amputee)).toBeGreaterThan(-0.02);
    amputee.dispose();
  });

  it('one control step is four semi-implicit sub-steps of 0.0165/4 s: a free fall drops g·h²·(1+2+3+4)', () => {
    env.resetTo({ rootPosition: [0, 0, 30], jointAngles: env.assembly.joints.map((j) => (j.lower + j.upper) / 2) });
    const z0 = env.partState()[2]!;
    env.step(zero);
    const h = CONTROL_DT / 4;
    expect(z0 - env.partState()[2]!).toBeCloseTo(9.8 * h * h * 10, 5);
    expect(-env.partState()[9]!).toBeCloseTo(9.8 * 4 * h, 3); // falling speed after the step
  });

  it('a positive action turns its joint in the positive direction about the hinge axis', () => {
    for (let n = 0; n < 8; n++) {
      env.resetTo({ rootPosition: [0, 0, 2], jointAngles: env.assembly.joints.map((j) => (j.lower + j.upper) / 2) });
      const a = new Float32Array(8);
      a[n] = 1;
      const before = env.jointAngles()[n]!;
      env.step(a);
      expect(env.jointAngles()[n]! - before).toBeGreaterThan(0.01);
      expect(env.jointSpeeds()[n]!).toBeGreaterThan(0.5);
    }
  });
});

describe('quadruped env: observation (docs/METHOD.md#quadruped-observation) on constructed states', () => {
  it('obs[0] is the torso height above its initial 0.75 m', () => {
    expect(env.resetTo({ rootPosition: [0, 0, 1] })[0]).toBeCloseTo(0.25, 6);
  });

  it('a known yaw gives sin/cos of the angle to the target at +x', () => {
    const obs = env.resetTo({ rootOrientation: quatAxisAngle([0, 0, 1], 0.7) });
    expect(obs[1]).toBeCloseTo(Math.sin(-0.7), 5);
    expect(obs[2]).toBeCloseTo(Math.cos(-0.7), 5);
  });

  it('velocity is 0.3× the torso velocity in the yaw frame', () => {
    const obs = env.resetTo({ rootOrientation: quatAxisAngle([0, 0, 1], Math.PI / 2), linearVelocity: [1, 0, 0.5] });
    expect(obs[3]).toBeCloseTo(0, 5);
    expect(obs[4]).toBeCloseTo(-0.3, 5);
    expect(obs[5]).toBeCloseTo(0.15, 5);
  });

  it('roll and pitch follow pybullet’s Euler convention', () => {
    expect(env.resetTo({ rootOrientation: quatAxisAngle([1, 0, 0], 0.3) })[6]).toBeCloseTo(0.3, 5);
    expect(env.resetTo({ rootOrientation: quatAxisAngle([0, 1, 0], 0.2) })[7]).toBeCloseTo(0.2, 5);
  });

  it('a known joint angle gives 2(q − mid)/(hi − lo); joint speeds are 0.1 q̇', () => {
    const angles = new Float64Array(8);
    angles[0] = 20 * DEG; // hip_1, range ±40°
    angles[1] = 60 * DEG; // ankle_1, range [30°, 100°]
    angles[5] = -45 * DEG; // ankle_3, range [−100°, −30°]
    const obs = env.resetTo({ jointAngles: angles });
    expect(obs[8]).toBeCloseTo(0.5, 4);
    expect(obs[10]).toBeCloseTo((2 * (60 - 65)) / 70, 4);
    expect(obs[18]).toBeCloseTo((2 * (-45 + 65)) / 70, 4);
    expect(obs[9]).toBe(0);
    // Joint speed against the finite difference of the angle, in the air (no contacts, limits not reached)
    // under small smooth torques.
    env.resetTo({ rootPosition: [0, 0, 30], jointAngles: env.assembly.joints.map((j) => (j.lower + j.upper) / 2) });
    const a = new Float32Array(8);
    let err = 0;
    let mag = 0;
    for (let t = 0; t < 30; t++) {
      for (let i = 0; i < 8; i++) a[i] = 0.05 * Math.sin(0.2 * t + i);
      const before = Float64Array.from(env.jointAngles());
      const startSpeed = Float64Array.from(env.jointSpeeds());
      const o = env.step(a).observation;
      for (let n = 0; n < 8; n++) {
        const meanSpeed = (env.jointAngles()[n]! - before[n]!) / CONTROL_DT;
        // The trapezoid of start and end speeds approximates the mean speed over the step.
        err += Math.abs((startSpeed[n]! + o[9 + 2 * n]! * 10) / 2 - meanSpeed);
        mag += Math.abs(meanSpeed);
      }
    }
    expect(mag).toBeGreaterThan(1);
    expect(err / mag).toBeLessThan(0.02);
  });

  it('foot contacts are 0 at reset and reach the observation one step late', () => {
    let obs = env.reset(RandomStream.of(4, 1));
    expect(Array.from(obs.subarray(24))).toEqual([0, 0, 0, 0]);
    let t = 0;
    while (env.currentFeetContact().every((c) => c === 0)) {
      obs = env.step(zero).observation;
      expect(Array.from(obs.subarray(24))).toEqual([0, 0, 0, 0]);
      t++;
      expect(t).toBeLessThan(40);
    }
    // The step that first touched reported no contact yet; the next observation carries it.
    const touched = Array.from(env.currentFeetContact());
    const next = env.step(zero).observation;
    touched.forEach((c, f) => {
      if (c === 1) expect(next[24 + f]).toBe(1);
    });
    // In the air, nothing touches.
    env.resetTo({ rootPosition: [0, 0, 3] });
    env.step(zero);
    expect(Array.from(env.step(zero).observation.subarray(24))).toEqual([0, 0, 0, 0]);
  });
});

describe('quadruped env: rewards (docs/METHOD.md#quadruped-rewards)', () => {
  it('progress sums to the change of potential: ≈ 56.3 per metre walked towards +x', () => {
    env.reset(RandomStream.of(1, 1)); // a start from which the open-loop gait walks (from seed 0 it stalls under physics 2)
    for (let t = 0; t < 40; t++) env.step(zero);
    const [x0, y0] = meanXY(env);
    const torso0 = env.partState()[0]!;
    const a = new Float32Array(8);
    let progress = 0;
    for (let t = 0; t < 960; t++) {
      gaitAction(t, a);
      progress += env.step(a).rewards[1]!;
    }
    const [x1, y1] = meanXY(env);
    const potentialGain = (Math.hypot(1000 - x0, y0) - Math.hypot(1000 - x1, y1)) / CONTROL_DT;
    expect(progress).toBeCloseTo(potentialGain, 0);
    const metres = env.partState()[0]! - torso0;
    expect(metres).toBeGreaterThan(1);
    expect(progress / metres).toBeGreaterThan(56.3 * 0.97);
    expect(progress / metres).toBeLessThan(56.3 * 1.03);
  });

  it('electricity, joints-at-limit and alive follow their formulas (docs/METHOD.md#quadruped-rewards), from joint speeds taken off the bodies', () => {
    env.reset(RandomStream.of(6, 1));
    const swing = new Float32Array(8);
    for (let t = 0; t < 80; t++) {
      if (t >= 40) gaitAction(t, swing);
      env.step(t >= 40 ? swing : zero);
    }
    const a = Float32Array.from([0.5, -1, 0.25, 1, -0.5, 0, 1, -0.75]);
    const r = env.step(a);
    // Joint speeds as docs/METHOD.md#quadruped-observation defines them, independently of the observation: the child's angular velocity
    // relative to its parent's, about the hinge axis (the MJCF axis, turned to world by the parent link's
    // orientation: the ant's body frames are not rotated against each other).
    const list = bodies(env.assembly.morphology);
    const poses = new Float32Array(list.length * 7);
    env.poses(poses);
    const omega = (k: number): number[] => {
      const p = env.assembly.links[k]!.part * 13;
      return Array.from(env.partState().subarray(p + 10, p + 13));
    };
    const speeds = list.flatMap((b, k) => {
      if (!b.joint) return [];
      const parent = list.findIndex((p) => p.children.includes(b));
      const q: Quat = [poses[7 * parent + 3]!, poses[7 * parent + 4]!, poses[7 * parent + 5]!, poses[7 * parent + 6]!];
      const axis = rotate(q, b.joint.axis.map((v) => v / Math.hypot(...b.joint!.axis)));
      const [wc, wp] = [omega(k), omega(parent)];
      return [axis.reduce((s, v, i) => s + v * (wc[i]! - wp[i]!), 0)];
    });
    expect(speeds).toHaveLength(8);
    expect(Math.max(...speeds.map(Math.abs))).toBeGreaterThan(1); // the joints are moving: the work term matters
    const work = speeds.reduce((s, v, n) => s + Math.abs(a[n]! * 0.1 * v), 0) / 8;
    const effort = a.reduce((s, v) => s + v * v, 0) / 8;
    expect(2 * work).toBeGreaterThan(0.05);
    expect(r.rewards[2]).toBeCloseTo(-2 * work - 0.1 * effort, 4);
    // Joints at their limits, from the hinge angles and the MJCF ranges (degrees).
    const atLimit = list.filter((b) => b.joint).filter((b, n) => {
      const [lo, hi] = b.joint!.range.map((d) => d * DEG) as [number, number];
      return Math.abs((2 * (env.jointAngles()[n]! - (lo + hi) / 2)) / (hi - lo)) > 0.99;
    }).length;
    expect(r.rewards[3]).toBeCloseTo(-0.1 * atLimit, 12);
    expect(r.rewards[0]).toBe(1);
    expect(r.rewards[4]).toBe(0);
    expect(r.done).toBe(false);
    // On its back, torso on the floor (below 0.26 m): a fall, alive −1 and done.
    const fallen = env.resetTo({ rootPosition: [0, 0, 0.25], rootOrientation: quatAxisAngle([1, 0, 0], Math.PI) });
    expect(fallen[0]).toBeCloseTo(-0.5, 5);
    const s = env.step(zero);
    expect(s.rewards[0]).toBe(-1);
    expect(s.done).toBe(true);
  });
});

describe('locomotion is possible: the open-loop trot over the lifetime protocol, mean of 8 reset seeds', () => {
  const metres = async (name: string): Promise<number[]> => {
    const e = name === 'standard' ? env : await quadruped(name);
    const out = [0, 1, 2, 3, 4, 5, 6, 7].map((seed) => runLifetime(e, new GaitPolicy(), lifetimeStreams(seed)).distance);
    if (e !== env) e.dispose();
    return out;
  };
  const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;

  it('the standard ant walks at least 2 m forward', async () => {
    expect(mean(await metres('standard'))).toBeGreaterThan(2);
  });

  // An open-loop gait cannot steer: on an asymmetric body it veers, so some seeds end up sideways or behind.
  it.each(['damaged-right', 'damaged-left'])('the %s ant moves forward too', async (name) => {
    expect(mean(await metres(name))).toBeGreaterThan(0.25);
  });
});

describe('quadruped env: determinism', () => {
  it('the same seed and actions give bit-identical observations here and in another process compiled differently', async () => {
    const here = await randomActionTrajectory(9, 300);
    const there = await inChildProcess(new URL('./fixtures/quadruped.ts', import.meta.url), 'randomActionTrajectory', [9, 300]);
    expect(there.equals(bytesOf(here))).toBe(true);
    expect(bytesOf(await randomActionTrajectory(10, 300)).equals(bytesOf(here))).toBe(false);
  });


  it('an episode does not depend on what the env ran before it', () => {
    const run = (seed: number): Float32Array => {
      const out = new Float32Array(200 * 28);
      env.reset(RandomStream.of(seed, 1));
      const a = new Float32Array(8);
      for (let t = 0; t < 200; t++) {
        gaitAction(t, a);
        out.set(env.step(a).observation, t * 28);
      }
      return out;
    };
    const first = run(10);
    run(11);
    expect(Buffer.from(run(10).buffer).equals(Buffer.from(first.buffer))).toBe(true);
  });

  it('rejects misuse with clear errors', async () => {
    const fresh = await quadruped();
    expect(() => fresh.step(zero)).toThrow(/before reset/);
    fresh.reset(RandomStream.of(1));
    expect(() => fresh.step(new Float32Array(3))).toThrow(/8 values/);
    fresh.dispose();
    expect(() => fresh.reset(RandomStream.of(1))).toThrow(/after dispose/);
  });
});
