import { World } from 'planck';
import { describe, expect, it } from 'vitest';
import { Car } from '../../src/core/envs/racing/car';

/**
 * gym's tyre model written out for one wheel (car_dynamics.py, Car.step), with its literal numbers: engine power
 * 1e8·0.02² = 40 000, wheel inertia 4000·0.02² = 1.6, radius 27·0.02 = 0.54, gain 205 000·0.02² = 82, friction
 * limit 1e6·0.02² = 400 on road and 0.6 × 400 = 240 on grass.
 */
function gymWheel(s: { angle: number; vx: number; vy: number; omega: number; gas: number; brake: number; road: boolean }) {
  const dt = 0.02;
  const forw = [-Math.sin(s.angle), Math.cos(s.angle)];
  const side = [Math.cos(s.angle), Math.sin(s.angle)];
  const vf = forw[0]! * s.vx + forw[1]! * s.vy;
  const vs = side[0]! * s.vx + side[1]! * s.vy;
  let omega = s.omega + (dt * 40000 * s.gas) / 1.6 / (Math.abs(s.omega) + 5);
  if (s.brake >= 0.9) omega = 0;
  else if (s.brake > 0) {
    let val = 15 * s.brake;
    if (val > Math.abs(omega)) val = Math.abs(omega);
    omega += -Math.sign(omega) * val;
  }
  let f = (-vf + omega * 0.54) * 82;
  let p = -vs * 82;
  const limit = s.road ? 400 : 240;
  const force = Math.sqrt(f * f + p * p);
  if (force > limit) {
    f = (f / force) * limit;
    p = (p / force) * limit;
  }
  omega -= (dt * f * 0.54) / 1.6;
  return { omega, fx: p * side[0]! + f * forw[0]!, fy: p * side[1]! + f * forw[1]! };
}

/** A car at rest at the origin with wheel `w` put into a constructed state, then one tyre step. */
function stepWheel(w: number, s: Parameters<typeof gymWheel>[0]) {
  const car = new Car(new World({ gravity: { x: 0, y: 0 } }), 0, 0, 0);
  const wheel = car.wheels[w]!;
  wheel.setTransform(wheel.getPosition(), s.angle);
  wheel.setLinearVelocity({ x: s.vx, y: s.vy });
  car.omega[w] = s.omega;
  car.gasLevel[w] = s.gas;
  car.brakeLevel[w] = s.brake;
  car.tilesTouched[w] = s.road ? 1 : 0;
  car.step(0.02);
  return { car, omega: car.omega[w]!, fx: car.wheelForce[2 * w]!, fy: car.wheelForce[2 * w + 1]! };
}

const rest = { angle: 0, vx: 0, vy: 0, omega: 0, gas: 0, brake: 0, road: true };

describe('racing car: the tyre model', () => {
  it('a small slip stays under the limit: force = 82 × slip, along the wheel turned by its angle', () => {
    // Wheel turned +90°: forward = (−1, 0), side = (0, 1). v = (−2, 0.1): forward speed 2, side speed 0.1.
    // ω = (2 + 0.54)/0.54 ⇒ tread 2.54, slip 0.54 ⇒ f = 44.28 along (−1, 0); p = −8.2 along (0, 1).
    const got = stepWheel(0, { ...rest, angle: Math.PI / 2, vx: -2, vy: 0.1, omega: 2.54 / 0.54 });
    expect(got.fx).toBeCloseTo(-44.28, 9);
    expect(got.fy).toBeCloseTo(-8.2, 9);
    // ω loses dt·f·r/I = 0.02 × 44.28 × 0.54 / 1.6.
    expect(got.omega).toBeCloseTo(2.54 / 0.54 - 0.29889, 9);
  });

  it('full gas spins the rear wheel up by 0.02·40000·gas/1.6/(|ω|+5); the force is capped at 400 on road, 240 on grass', () => {
    const state = { ...rest, vx: 0.5, vy: 3, omega: 2, gas: 0.5 };
    for (const road of [true, false]) {
      const got = stepWheel(2, { ...state, road });
      const want = gymWheel({ ...state, road });
      // By hand: ω' = 2 + 250/7 = 37.714; f = (37.714·0.54 − 3)·82 = 1424.0, p = −41 ⇒ |F| = 1424.6 > limit.
      expect(Math.hypot(got.fx, got.fy)).toBeCloseTo(road ? 400 : 240, 9);
      expect(got.fx).toBeCloseTo(want.fx, 9);
      expect(got.fy).toBeCloseTo(want.fy, 9);
      expect(got.omega).toBeCloseTo(want.omega, 9);
      // The capped force keeps the slip's direction: (p, f) ∝ (−41, 1423.99).
      expect(got.fx / got.fy).toBeCloseTo(-41 / ((2 + 250 / 7) * 0.54 * 82 - 3 * 82), 9);
    }
  });

  it('brake ≥ 0.9 locks the wheel; a lighter brake takes 15·brake off |ω|, never past 0', () => {
    expect(stepWheel(1, { ...rest, omega: 20, brake: 0.9 }).omega).toBe(0);
    expect(stepWheel(1, { ...rest, omega: 20, brake: 0.9 }).fy).toBe(0);
    // 0.89: ω 20 → 20 − 13.35 = 6.65, then the tread's 6.65·0.54 m/s against a wheel at rest pushes it forward.
    const light = stepWheel(1, { ...rest, omega: 20, brake: 0.89 });
    expect(light.fy).toBeCloseTo(6.65 * 0.54 * 82, 9);
    expect(light.omega).toBeCloseTo(6.65 - (0.02 * 6.65 * 0.54 * 82 * 0.54) / 1.6, 9);
    expect(stepWheel(1, { ...rest, omega: -10, brake: 0.5 }).fy).toBeCloseTo(-2.5 * 0.54 * 82, 9);
    expect(stepWheel(1, { ...rest, omega: 3, brake: 0.5 }).omega).toBe(0);
    // A locked wheel sliding forward at 4 m/s: f = −4·82 = −328 < 400 on road.
    const sliding = stepWheel(3, { ...rest, vy: 4, omega: 30, brake: 1 });
    expect(sliding.fy).toBeCloseTo(-328, 9);
    expect(sliding.omega).toBeCloseTo((0.02 * 328 * 0.54) / 1.6, 9);
  });

  it('gas rises by at most 0.1 per step, falls at once, is clipped to [0, 1] and drives the rear wheels only', () => {
    const car = new Car(new World({ gravity: { x: 0, y: 0 } }), 0, 0, 0);
    const levels: number[] = [];
    for (let i = 0; i < 12; i++) {
      car.gas(2);
      levels.push(car.gasLevel[2]!);
    }
    expect(levels.map((g) => Math.round(g * 1e9) / 1e9)).toEqual([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1, 1]);
    car.gas(0.25);
    expect(car.gasLevel[3]).toBe(0.25);
    car.gas(-3);
    expect(Array.from(car.gasLevel)).toEqual([0, 0, 0, 0]);
  });

  it('steering: the front joints are driven at 50 × the angle to go, at most 3 rad/s, toward the target', () => {
    const car = new Car(new World({ gravity: { x: 0, y: 0 } }), 0, 0, 0);
    car.steer(-1);
    car.step(0.02);
    expect(car.joints[0]!.getMotorSpeed()).toBe(-3);
    expect(car.joints[1]!.getMotorSpeed()).toBe(-3);
    // Rear wheels have no steering target: they are held at 0.
    expect(car.joints[2]!.getMotorSpeed()).toBe(0);
    car.steer(0.02);
    car.step(0.02);
    expect(car.joints[0]!.getMotorSpeed()).toBeCloseTo(1, 12);
  });
});

describe('racing car: forces through the physics engine', () => {
  // The car's mass by hand: hull polygons 120×20 + trapezoid (40+30)/2×100 + octagon 8 750 (shoelace) + 100×30 =
  // 17 650 raw units² at density 1, four wheels 28×54 at density 0.1, all × 0.02²: 7.06 + 0.24192 = 7.30192.
  const MASS = (17650 + 4 * 1512 * 0.1) * 0.0004;

  it('first full-gas step from rest: both rear wheels push their limit, the car gains 2·limit·0.02/mass along its heading', () => {
    for (const [angle, road] of [[0, true], [0.7, true], [-2, false]] as const) {
      const world = new World({ gravity: { x: 0, y: 0 } });
      const car = new Car(world, angle, 5, -3);
      // Wheels put exactly on their turned anchors (the unrotated-offset start is tested below).
      const c = Math.cos(angle), s = Math.sin(angle);
      [[-55, 80], [55, 80], [-55, -82], [55, -82]].forEach(([wx, wy], i) => {
        car.wheels[i]!.setTransform({ x: 5 + (c * wx! - s * wy!) * 0.02, y: -3 + (s * wx! + c * wy!) * 0.02 }, angle);
      });
      car.tilesTouched.fill(road ? 1 : 0);
      car.gas(1);
      car.step(0.02);
      world.step(0.02, 180, 60);
      // Gas ramps to 0.1: ω = 0.02·40000·0.1/1.6/5 = 10, tread 5.4 m/s ⇒ 442.8 > limit ⇒ capped; front wheels idle.
      const limit = road ? 400 : 240;
      const dv = (2 * limit * 0.02) / MASS;
      const v = car.hull.getLinearVelocity();
      expect(v.x).toBeCloseTo(-s * dv, 9);
      expect(v.y).toBeCloseTo(c * dv, 9);
      expect(car.hull.getAngularVelocity()).toBeCloseTo(0, 6);
      expect(car.omega[2]).toBeCloseTo(10 - (0.02 * limit * 0.54) / 1.6, 9);
    }
  });
});

describe('racing car: sleeping as in Box2D 2.3', () => {
  it('a car at rest falls asleep after 0.5 s even while its steering motor creeps, and the next step wakes it', () => {
    // Box2D 2.3's SetMotorSpeed wakes only sleeping bodies; it does not restart an awake body's sleep timer. A
    // target of 1e-4 rad keeps the motor speed changing every step (50 × the angle to go) at far below the
    // 2°/s sleep tolerance, so the island sleeps once every body has been that slow for 0.5 s (25 steps).
    const world = new World({ gravity: { x: 0, y: 0 } });
    const car = new Car(world, 0, 0, 0);
    car.steer(1e-4);
    const asleepAfter: number[] = [];
    const speeds = new Set<number>();
    for (let i = 1; i <= 40; i++) {
      car.step(0.02);
      speeds.add(car.joints[0]!.getMotorSpeed());
      expect(car.hull.isAwake()).toBe(true);
      world.step(0.02, 180, 60);
      if (!car.hull.isAwake()) asleepAfter.push(i);
    }
    expect(speeds.size).toBeGreaterThan(20);
    expect(asleepAfter[0]).toBeGreaterThanOrEqual(25);
    expect(asleepAfter[0]).toBeLessThanOrEqual(26);
  });
});

describe('racing car: the start pose', () => {
  it('wheels start at the UNROTATED offsets and the first physics step snaps them onto the turned hull', () => {
    const world = new World({ gravity: { x: 0, y: 0 } });
    const car = new Car(world, Math.PI / 2, 10, 20);
    // Front left (−55, +80)·0.02 = (−1.1, 1.6) added as is: (8.9, 21.6).
    expect(car.wheels[0]!.getPosition().x).toBeCloseTo(8.9, 12);
    expect(car.wheels[0]!.getPosition().y).toBeCloseTo(21.6, 12);
    car.step(0.02);
    world.step(0.02, 180, 60);
    // Its joint anchor on the hull turned by 90°: (10, 20) + (−1.6, −1.1) = (8.4, 18.9).
    const p = car.wheels[0]!.getPosition();
    const h = car.hull.getPosition();
    const anchorX = h.x - Math.sin(car.hull.getAngle()) * 1.6 + Math.cos(car.hull.getAngle()) * -1.1;
    const anchorY = h.y + Math.cos(car.hull.getAngle()) * 1.6 + Math.sin(car.hull.getAngle()) * -1.1;
    expect(Math.hypot(p.x - anchorX, p.y - anchorY)).toBeLessThan(0.01);
    expect(Math.hypot(p.x - 8.4, p.y - 18.9)).toBeLessThan(0.5);
  });
});
