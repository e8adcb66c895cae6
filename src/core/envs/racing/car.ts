/**
 * The CarRacing-v0 car (gym 0.17.2 `car_dynamics.py`) on planck: a hull of four polygons and four wheels on
 * motorised revolute joints. Box2D only integrates the bodies; the tyres are a hand-made model applied as a force
 * at each wheel's centre every step: the wheel's own spin ω (driven by the engine, stopped by the brake) against
 * its forward speed, its sideways speed, both pulled to zero with gain 82 and capped by a friction limit that is
 * lower on grass. See docs/PHYSICS.md (the car) for what differs from gym.
 */
import { Box, Polygon, RevoluteJoint, type Body, type World } from 'planck';
import {
  ENGINE_POWER, FORCE_GAIN, FRICTION_LIMIT, GRASS_FRICTION, HULL_POLYS, SIZE, WHEEL_MOMENT_OF_INERTIA, WHEEL_POS, WHEEL_R,
  WHEEL_W,
} from './constants';
import {
  HULL_ANGLE, HULL_OMEGA, HULL_VX, HULL_VY, HULL_X, HULL_Y, WHEEL_ANGLE, WHEEL_FLOATS, WHEEL_JOINT_ANGLE, WHEEL_OMEGA,
  WHEEL_PHASE, WHEEL_X, WHEEL_Y, WHEELS,
} from './scene';

export const WHEEL_COUNT = 4;
/** Wheel radius in world units (the spin ω times this is the tread's speed). */
export const WHEEL_RADIUS = WHEEL_R * SIZE;
/** Steering: the joint motor turns at 50 × the angle still to go, at most 3 rad/s. */
const STEER_GAIN = 50;
const STEER_MAX_SPEED = 3;
/** Gas may rise by at most this much per step (it falls at once). */
const GAS_RAMP = 0.1;
/** Brake ≥ this locks the wheel (ω = 0); below it, ω moves toward 0 by 15·brake rad/s per step. */
const BRAKE_LOCK = 0.9;
const BRAKE_FORCE = 15;
/** Keeps the engine's power/ω finite at ω = 0. */
const ENGINE_OMEGA_OFFSET = 5;
/** Every road tile has friction 1 (the friction limit on road is FRICTION_LIMIT × 1). */
const ROAD_FRICTION = 1;
/** Wheels collide with category 1 only (tiles, hull), not with each other. */
const WHEEL_CATEGORY = 0x0020;
const WHEEL_MASK = 0x0001;
const STEER_LIMIT = 0.4;
const STEER_MAX_TORQUE = 180 * 900 * SIZE * SIZE;

/** What a fixture's user data says it is, so the env's contact listener can tell wheels from tiles. */
export interface WheelTag {
  readonly wheel: number;
}

export class Car {
  readonly hull: Body;
  readonly wheels: readonly Body[];
  readonly joints: readonly RevoluteJoint[];
  /** Per wheel: the controls as the tyre model sees them (gas on the rear wheels only, steer on the front). */
  readonly gasLevel = new Float64Array(WHEEL_COUNT);
  readonly brakeLevel = new Float64Array(WHEEL_COUNT);
  readonly steerTarget = new Float64Array(WHEEL_COUNT);
  /** Per wheel: spin (rad/s) and the stripe's phase (rad). */
  readonly omega = new Float64Array(WHEEL_COUNT);
  readonly phase = new Float64Array(WHEEL_COUNT);
  /** Per wheel: road tiles it touches now (kept by the env's contact listener); 0 means grass. */
  readonly tilesTouched = new Int32Array(WHEEL_COUNT);
  /** Per wheel: the force (x, y) the tyre model applied in the last step. */
  readonly wheelForce = new Float64Array(2 * WHEEL_COUNT);
  private readonly force = { x: 0, y: 0 };
  private readonly motorSpeed = { motorSpeed: 0 };

  /**
   * The car at (x, y) facing `angle` (forward = local +y). As in gym, the wheels are placed at the hull position
   * plus their UNROTATED offsets, with the hull's angle: for any angle but 0 they start off their joints, and the
   * first physics step (the env's reset step) snaps them into place.
   */
  constructor(world: World, angle: number, x: number, y: number) {
    this.hull = world.createBody({ type: 'dynamic', position: { x, y }, angle });
    for (const poly of HULL_POLYS) {
      this.hull.createFixture({ shape: new Polygon(poly.map(([px, py]) => ({ x: px * SIZE, y: py * SIZE }))), density: 1 });
    }
    const wheels: Body[] = [];
    const joints: RevoluteJoint[] = [];
    WHEEL_POS.forEach(([wx, wy], i) => {
      const wheel = world.createBody({ type: 'dynamic', position: { x: x + wx * SIZE, y: y + wy * SIZE }, angle });
      wheel.createFixture({
        shape: new Box(WHEEL_W * SIZE, WHEEL_R * SIZE),
        density: 0.1,
        filterCategoryBits: WHEEL_CATEGORY,
        filterMaskBits: WHEEL_MASK,
        restitution: 0,
        userData: { wheel: i } satisfies WheelTag,
      });
      const joint = new RevoluteJoint({
        bodyA: this.hull,
        bodyB: wheel,
        localAnchorA: { x: wx * SIZE, y: wy * SIZE },
        localAnchorB: { x: 0, y: 0 },
        referenceAngle: 0,
        enableMotor: true,
        enableLimit: true,
        maxMotorTorque: STEER_MAX_TORQUE,
        motorSpeed: 0,
        lowerAngle: -STEER_LIMIT,
        upperAngle: STEER_LIMIT,
      });
      world.createJoint(joint);
      wheels.push(wheel);
      joints.push(joint);
    });
    this.wheels = wheels;
    this.joints = joints;
  }

  /** Front-wheel steering target; the env passes −action[0] (gym flips the sign). */
  steer(s: number): void {
    this.steerTarget[0] = s;
    this.steerTarget[1] = s;
  }

  /** Rear-wheel drive: gas clipped to [0, 1], rising by at most 0.1 per call, falling at once. */
  gas(g: number): void {
    const target = Math.min(Math.max(g, 0), 1);
    for (let w = 2; w < WHEEL_COUNT; w++) this.gasLevel[w]! += Math.min(target - this.gasLevel[w]!, GAS_RAMP);
  }

  /** Brake on all four wheels (not clipped: ≥ 0.9 locks them). */
  brake(b: number): void {
    this.brakeLevel.fill(b);
  }

  /** The tyre model for one step of `dt` seconds: sets the steering motors and applies the wheel forces. */
  step(dt: number): void {
    for (let w = 0; w < WHEEL_COUNT; w++) {
      const wheel = this.wheels[w]!;
      const joint = this.joints[w]!;
      const toGo = this.steerTarget[w]! - joint.getJointAngle();
      this.setMotorSpeed(w, Math.sign(toGo) * Math.min(STEER_GAIN * Math.abs(toGo), STEER_MAX_SPEED));

      const frictionLimit = this.tilesTouched[w]! > 0 ? FRICTION_LIMIT * ROAD_FRICTION : FRICTION_LIMIT * GRASS_FRICTION;
      // The wheel's local +y (forward) and +x (side) in world coordinates.
      const q = wheel.getTransform().q;
      const forwardX = -q.s, forwardY = q.c;
      const sideX = q.c, sideY = q.s;
      const v = wheel.getLinearVelocity();
      const vf = forwardX * v.x + forwardY * v.y;
      const vs = sideX * v.x + sideY * v.y;

      let omega = this.omega[w]!;
      omega += (dt * ENGINE_POWER * this.gasLevel[w]!) / WHEEL_MOMENT_OF_INERTIA / (Math.abs(omega) + ENGINE_OMEGA_OFFSET);
      const brake = this.brakeLevel[w]!;
      if (brake >= BRAKE_LOCK) omega = 0;
      else if (brake > 0) omega += -Math.sign(omega) * Math.min(BRAKE_FORCE * brake, Math.abs(omega));
      this.phase[w]! += omega * dt;

      let fForce = (omega * WHEEL_RADIUS - vf) * FORCE_GAIN;
      let pForce = -vs * FORCE_GAIN;
      const force = Math.sqrt(fForce * fForce + pForce * pForce);
      if (force > frictionLimit) {
        fForce = (fForce / force) * frictionLimit;
        pForce = (pForce / force) * frictionLimit;
      }
      omega -= (dt * fForce * WHEEL_RADIUS) / WHEEL_MOMENT_OF_INERTIA;
      this.omega[w] = omega;

      this.force.x = pForce * sideX + fForce * forwardX;
      this.force.y = pForce * sideY + fForce * forwardY;
      this.wheelForce[2 * w] = this.force.x;
      this.wheelForce[2 * w + 1] = this.force.y;
      wheel.applyForceToCenter(this.force, true);
    }
  }

  /**
   * Box2D 2.3's SetMotorSpeed, which gym calls: it wakes a sleeping body and leaves an awake body's sleep timer
   * alone. planck 1.4.2's restarts the timers of awake bodies whenever the speed changes, so a car at rest with a
   * creeping steering motor would never fall asleep as gym's does; its `_reset` sets the speed and nothing else.
   */
  private setMotorSpeed(w: number, speed: number): void {
    const wheel = this.wheels[w]!;
    if (!this.hull.isAwake()) this.hull.setAwake(true);
    if (!wheel.isAwake()) wheel.setAwake(true);
    this.motorSpeed.motorSpeed = speed;
    this.joints[w]!._reset(this.motorSpeed);
  }

  /** Writes the hull and wheel part of a RaceFrame car state (layout in scene.ts). */
  writeState(out: Float64Array): void {
    const hp = this.hull.getPosition();
    const hv = this.hull.getLinearVelocity();
    out[HULL_X] = hp.x;
    out[HULL_Y] = hp.y;
    out[HULL_ANGLE] = this.hull.getAngle();
    out[HULL_VX] = hv.x;
    out[HULL_VY] = hv.y;
    out[HULL_OMEGA] = this.hull.getAngularVelocity();
    for (let w = 0; w < WHEEL_COUNT; w++) {
      const o = WHEELS + w * WHEEL_FLOATS;
      const wheel = this.wheels[w]!;
      const p = wheel.getPosition();
      out[o + WHEEL_X] = p.x;
      out[o + WHEEL_Y] = p.y;
      out[o + WHEEL_ANGLE] = wheel.getAngle();
      out[o + WHEEL_OMEGA] = this.omega[w]!;
      out[o + WHEEL_PHASE] = this.phase[w]!;
      out[o + WHEEL_JOINT_ANGLE] = this.joints[w]!.getJointAngle();
    }
  }
}
