import { describe, expect, it } from 'vitest';
import { QUADRUPED_MLP } from '../../src/core/nn/mlp';
import { makePolicy } from '../../src/core/policy/make-policy';
import { RandomStream } from '../../src/core/random';
import { CentreLineDriver } from '../../src/core/envs/racing/centre-line-driver';
import { noObservation, RacingEnv } from '../../src/core/envs/racing/racing-env';
import { CAR_FLOATS, HULL_ANGLE, HULL_OMEGA, HULL_VX, HULL_VY, HULL_X, HULL_Y, TIME } from '../../src/core/envs/racing/scene';
import { RACING_PROTOCOL, runLifetime, lifetimeStreams } from '../../src/core/rollout/lifetime';

const physicsOnly = (): RacingEnv => new RacingEnv({ observe: noObservation });

describe('racing env: reward and termination', () => {
  it('a driver following the centre line collects most tiles within the 1000-step limit, and a whole lap ends it', () => {
    for (const seed of [1, 2, 3]) {
      const env = physicsOnly();
      env.reset(RandomStream.of(seed, 7));
      const n = env.frame.track.tileCount;
      const driver = new CentreLineDriver();
      let total = 0;
      let steps = 0;
      while (steps < 1000) {
        const r = env.step(driver.act(env.frame));
        steps++;
        total += r.rewards[0]!;
        expect(r.rewards[0]).not.toBe(-100);
        if (r.done) break;
      }
      expect(env.tilesVisited / n).toBeGreaterThan(0.8);
      // gym's score: 1000/N per tile visited minus 0.1 per step.
      expect(total).toBeCloseTo((1000 * env.tilesVisited) / n - 0.1 * steps, 6);
      // At 50 units/s it finishes these three laps (T ≈ 900): the last tile ends the episode, scoring 1000 − 0.1·T,
      // gym's "solved" level.
      expect(env.tilesVisited).toBe(n);
      expect(steps).toBeLessThan(1000);
      expect(total).toBeCloseTo(1000 - 0.1 * steps, 6);
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
    // On the start line every wheel touches road (its grip is the road's), which the contact events keep count of.
    expect(Array.from(env.vehicle.tilesTouched).every((n) => n > 0)).toBe(true);
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
    // Out there, far from the road, the end events have brought every wheel's count back to 0: grass grip.
    expect(Array.from(env.vehicle.tilesTouched)).toEqual([0, 0, 0, 0]);
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

  it('the HUD\'s steering bar grows right from window x 500 for a right turn (25 × −10 × joint angle long)', () => {
    const env = new RacingEnv();
    env.reset(RandomStream.of(6, 7));
    let obs: Float32Array = env.step([1, 0, 0]).observation;
    for (let i = 0; i < 30; i++) obs = env.step([1, 0, 0]).observation;
    // Joint at ≈ −0.4 ⇒ bar ≈ 100 window units: x 500…600, y 40…80 ⇒ state columns 48–57, rows 86–90 ⇒ in the 84×84
    // picture about x 42–49, y 75–78: pure green there, black left of x 500 (the HUD's background).
    const at = (c: number, x: number, y: number): number => obs[c * 84 * 84 + x * 84 + y]!;
    expect([at(0, 45, 77), at(1, 45, 77), at(2, 45, 77)]).toEqual([0, 1, 0]);
    expect([at(0, 38, 77), at(1, 38, 77), at(2, 38, 77)]).toEqual([0, 0, 0]);
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

describe('racing env: the observation', () => {
  it('is the state image at 84×84 in (c, x, y) order /255: the red hull at the car centre, grass or road beside it', () => {
    const env = new RacingEnv();
    env.reset(RandomStream.of(11, 7));
    const driver = new CentreLineDriver();
    let obs: Float32Array = new Float32Array(0);
    // Past t = 1 s the camera has zoomed in to 16.2 and turned to the velocity: the car points up at state pixel
    // (48, row 71), i.e. 84×84 pixel x = 48·84/96 = 42, y = 71·84/96 ≈ 62.
    for (let i = 0; i < 60; i++) obs = env.step(driver.act(env.frame)).observation;
    const at = (c: number, x: number, y: number): number => obs[c * 84 * 84 + x * 84 + y]!;
    // The hull (0.8, 0, 0) is 3 state pixels wide, so the area filter mixes in a little of its surroundings.
    expect(at(0, 42, 62)).toBeGreaterThan(0.7);
    expect(at(1, 42, 62)).toBeLessThan(0.1);
    expect(at(2, 42, 62)).toBeLessThan(0.1);
    // Twenty pixels to the side: grass (0.4, 0.8, 0.4) or its checks (0.4, 0.9, 0.4), or road (0.4…0.42 grey).
    expect(at(0, 22, 62)).toBeCloseTo(0.4, 1);
    // The HUD's black bar fills the bottom 12 state rows (the last 10 of the 84): away from the bars, black.
    expect([at(0, 60, 83), at(1, 60, 83), at(2, 60, 83)]).toEqual([0, 0, 0]);
    expect(obs.every((v) => v >= 0 && v <= 1)).toBe(true);
  });
});

describe('racing env: the Env contract in racing terms', () => {
  it('poses are planar (z = 0, turned about z), distance is 3.5 per visited tile, strength scales the controls', () => {
    const env = physicsOnly();
    env.reset(RandomStream.of(13, 7));
    env.actuatorStrength[1] = 0.5;
    for (let i = 0; i < 10; i++) env.step([0, 1, 0]);
    // Gas 1 × strength 0.5: the rear wheels' gas ramps to 0.5 and stays there.
    expect(env.vehicle.gasLevel[2]).toBeCloseTo(0.5, 12);
    const out = new Float32Array(5 * 7);
    env.poses(out);
    const a = env.frame.car[HULL_ANGLE]!;
    expect(Array.from(out.subarray(0, 7))).toEqual(
      [env.frame.car[HULL_X]!, env.frame.car[HULL_Y]!, 0, 0, 0, Math.sin(a / 2), Math.cos(a / 2)].map(Math.fround),
    );
    expect(env.forwardDistance()).toBeCloseTo(env.tilesVisited * 3.5, 12);
    // A new episode restores full strength.
    env.reset(RandomStream.of(13, 7));
    expect(Array.from(env.actuatorStrength)).toEqual([1, 1, 1]);
  });
});

describe('racing env: painted tiles for replays', () => {
  it('frame t\'s painted tiles are exactly those with paintedAt ≤ t', () => {
    const env = physicsOnly();
    env.reset(RandomStream.of(14, 7));
    const driver = new CentreLineDriver();
    const snapshots = new Map<number, Uint8Array>([[0, env.frame.painted.slice()]]);
    for (let t = 1; t <= 300; t++) {
      env.step(driver.act(env.frame));
      if (t % 50 === 0) snapshots.set(t, env.frame.painted.slice());
    }
    const at = env.paintedAt;
    expect(at.some((s) => s === 0)).toBe(true);
    expect(at.some((s) => s > 200)).toBe(true);
    for (const [t, painted] of snapshots) {
      expect(Array.from(at, (s) => (s >= 0 && s <= t ? 1 : 0))).toEqual(Array.from(painted));
    }
  });
});

describe('racing env: bad input', () => {
  it('refuses an action of the wrong length, and use before reset or after dispose, in words', () => {
    const env = physicsOnly();
    expect(() => env.step([0, 0, 0])).toThrow('racing env: step before reset');
    env.reset(RandomStream.of(12, 7));
    expect(() => env.step([0, 1])).toThrow('racing action must have 3 values (steer, gas, brake), got 2');
    env.dispose();
    expect(() => env.reset(RandomStream.of(12, 7))).toThrow('racing env: reset after dispose');
  });
});

describe('racing env: determinism', () => {
  it('the same seed and actions give the same frames and pixels, whatever ran in the env before', () => {
    const drive = (env: RacingEnv, seed: number, steps: number): Float64Array[] => {
      env.reset(RandomStream.of(seed, 7));
      const driver = new CentreLineDriver();
      const frames: Float64Array[] = [];
      for (let i = 0; i < steps; i++) {
        const r = env.step(driver.act(env.frame));
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
