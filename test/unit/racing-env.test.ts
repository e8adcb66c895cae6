import { describe, expect, it } from 'vitest';
import { QUADRUPED_MLP } from '../../src/core/nn/mlp';
import { makePolicy } from '../../src/core/policy/policies';
import { RandomStream } from '../../src/core/random';
import { noObservation, RacingEnv } from '../../src/core/envs/racing/racing-env';
import { CAR_FLOATS, HULL_ANGLE, HULL_OMEGA, HULL_VX, HULL_VY, HULL_X, HULL_Y, TIME } from '../../src/core/envs/racing/scene';
import { RACING_PROTOCOL, runLifetime, lifetimeStreams } from '../../src/core/rollout/lifetime';

const physicsOnly = (): RacingEnv => new RacingEnv({ observe: noObservation });

/**
 * A hand-written driver: aim at the centre-line point 6 ahead of the nearest one (searched forward from the last),
 * steer toward it (positive steer turns right), hold about 40 units/s.
 */
class CentreLineDriver {
  private nearest = 0;
  readonly action = new Float64Array(3);

  constructor(private readonly env: RacingEnv) {}

  act(): Float64Array {
    const { track, car } = this.env.frame;
    const p = track.points;
    const n = track.tileCount;
    const x = car[HULL_X]!, y = car[HULL_Y]!, heading = car[HULL_ANGLE]!;
    let best = Infinity;
    for (let j = 0, from = this.nearest; j < 30; j++) {
      const i = (from + j) % n;
      const d = Math.hypot(p[4 * i + 2]! - x, p[4 * i + 3]! - y);
      if (d < best) [best, this.nearest] = [d, i];
    }
    const aim = (this.nearest + 6) % n;
    const dx = p[4 * aim + 2]! - x, dy = p[4 * aim + 3]! - y;
    // The car's forward is its local +y: (−sin h, cos h). Positive error: the aim is to the left.
    const fx = -Math.sin(heading), fy = Math.cos(heading);
    const error = Math.atan2(fx * dy - fy * dx, fx * dx + fy * dy);
    const speed = Math.hypot(car[HULL_VX]!, car[HULL_VY]!);
    this.action[0] = Math.max(-1, Math.min(1, -2 * error));
    this.action[1] = speed < 40 ? 0.5 : 0;
    this.action[2] = 0;
    return this.action;
  }
}

describe('racing env: reward and termination', () => {
  it('a driver following the centre line collects most tiles within the 1000-step limit', () => {
    for (const seed of [1, 2, 3]) {
      const env = physicsOnly();
      env.reset(RandomStream.of(seed, 7));
      const n = env.frame.track.tileCount;
      const driver = new CentreLineDriver(env);
      let total = 0;
      let steps = 0;
      while (steps < 1000) {
        const r = env.step(driver.act());
        steps++;
        total += r.rewards[0]!;
        expect(r.rewards[0]).not.toBe(-100);
        if (r.done) break;
      }
      expect(env.tilesVisited / n).toBeGreaterThan(0.8);
      // gym's score: 1000/N per tile visited minus 0.1 per step.
      expect(total).toBeCloseTo((1000 * env.tilesVisited) / n - 0.1 * steps, 6);
    }
  });

  it('the reset step credits the tiles under the car to the first step; then an idle car pays 0.1 a step', () => {
    const env = physicsOnly();
    env.reset(RandomStream.of(4, 7));
    const n = env.frame.track.tileCount;
    // The reset ran one physics step: t = 0.02, and the wheels already touch tiles around the start.
    expect(env.frame.car[TIME]).toBeCloseTo(0.02, 12);
    const atReset = env.tilesVisited;
    expect(atReset).toBeGreaterThan(0);
    const idle = [0, 0, 0];
    const first = env.step(idle).rewards[0]!;
    expect(first).toBeCloseTo((1000 * env.tilesVisited) / n - 0.1, 9);
    for (let i = 0; i < 30; i++) expect(env.step(idle).rewards[0]).toBeCloseTo(-0.1, 9);
  });

  it('leaving the playfield (|x| or |y| > 2000/6) scores −100 and ends the episode', () => {
    const env = physicsOnly();
    env.reset(RandomStream.of(5, 7));
    // Straight ahead at a steady 30 units/s (full gas spins a rear-driven car out on grass) leaves the square.
    const straight = (): number[] => [0, Math.hypot(env.frame.car[HULL_VX]!, env.frame.car[HULL_VY]!) < 30 ? 0.5 : 0, 0];
    let r = env.step(straight());
    let steps = 1;
    while (!r.done && steps < 1000) {
      expect(Math.max(Math.abs(env.frame.car[HULL_X]!), Math.abs(env.frame.car[HULL_Y]!))).toBeLessThanOrEqual(2000 / 6);
      r = env.step(straight());
      steps++;
    }
    expect(r.done).toBe(true);
    expect(r.rewards[0]).toBe(-100);
    expect(Math.max(Math.abs(env.frame.car[HULL_X]!), Math.abs(env.frame.car[HULL_Y]!))).toBeGreaterThan(2000 / 6);
  });

  it('positive steer turns the car right (clockwise), the front wheels to their −0.4 rad stop', () => {
    const env = physicsOnly();
    env.reset(RandomStream.of(6, 7));
    for (let i = 0; i < 60; i++) env.step([1, 0.3, 0]);
    const joint = env.vehicle.joints[0]!.getJointAngle();
    expect(joint).toBeLessThan(-0.35);
    expect(joint).toBeGreaterThan(-0.45);
    expect(env.frame.car[HULL_OMEGA]).toBeLessThan(0);
  });

  it('the lifetime stops after 21 steps in a row without a new tile (the reference protocol)', () => {
    // A static network with all weights zero outputs 0: no steer, no gas, no brake; the car sits at the start.
    const net = { ...QUADRUPED_MLP, sizes: [3 * 84 * 84, 3], output: 'linear' as const };
    const policy = makePolicy(net, { kind: 'static' }, new Float32Array(3 * 84 * 84 * 3));
    const env = physicsOnly();
    const result = runLifetime(env, policy, lifetimeStreams(8, 0, 0), { protocol: RACING_PROTOCOL });
    // Step 0 earns the start tiles; steps 1…21 earn −0.1 each; the 21st in a row stops it: 22 steps.
    expect(result.envSteps).toBe(22);
    const n = env.frame.track.tileCount;
    expect(result.fitness).toBeCloseTo((1000 * env.tilesVisited) / n - 0.1 * 22, 9);
  });
});

describe('racing env: determinism', () => {
  it('the same seed and actions give the same frames and pixels, whatever ran in the env before', () => {
    const drive = (env: RacingEnv, seed: number, steps: number): Float64Array[] => {
      env.reset(RandomStream.of(seed, 7));
      const driver = new CentreLineDriver(env);
      const frames: Float64Array[] = [];
      for (let i = 0; i < steps; i++) {
        const r = env.step(driver.act());
        frames.push(Float64Array.from([...env.frame.car, ...r.observation.subarray(0, 2000), r.rewards[0]!]));
      }
      return frames;
    };
    const a = new RacingEnv();
    const b = new RacingEnv();
    drive(b, 10, 40); // a different episode first
    const first = drive(a, 9, 60);
    const second = drive(b, 9, 60);
    expect(second).toEqual(first);
    // Pixels were drawn: the observation is not all zero.
    expect(first[59]!.slice(CAR_FLOATS, CAR_FLOATS + 2000).some((v) => v > 0)).toBe(true);
  });
});
