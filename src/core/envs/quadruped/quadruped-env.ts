/**
 * The quadruped: AntBulletEnv-v0 (pybullet 2.6.6) rebuilt on ammo.js (docs/METHOD.md#quadruped-environment; engine choice in docs/PHYSICS.md).
 *
 * pybullet simulates the ant as a Featherstone multibody; no ammo.js build has one, so the ant is one
 * btRigidBody per rigid part joined by hinges (world.ts). Masses, inertias, torques, friction, the observation
 * (observation.ts), rewards and termination follow docs/METHOD.md; absolute distances differ from pybullet. This file
 * runs episodes: reset, torques, rewards, contacts, and what the env exposes about its state.
 *
 * Every reset rebuilds the dynamics world from scratch, so an episode is a pure function of (morphology, seed,
 * actions) whatever ran before it in this env.
 */
import type AmmoNs from 'ammojs-typed/wasm';
import type { Morphology } from '../../morphology/model';
import type { RandomStream } from '../../random';
import type { Env, StepResult } from '../env';
import { POSE_FLOATS } from '../env';
import type { AmmoModule } from './ammo';
import { assemble, type Assembly } from './assembly';
import { quatMulComponentsInto, rotateComponentsInto, type Quat, type V3 } from '../../math/rigid';
import { JointSpeeds } from './joint-speeds';
import { OBSERVATION_SIZE, PART_STATE_FLOATS as S, QuadrupedObservation } from './observation';
import { LATEST_AMMO_PHYSICS, physicsSettings, readSolver, type PhysicsSettings, type SolverInfo } from './physics';
import { CONTROL_DT, WorldBuilder, type World } from './world';

export { CONTROL_DT, GRAVITY } from './world';
export { OBSERVATION_SIZE } from './observation';

const normaliseQuat = (q: Quat): Quat => {
  const n = Math.hypot(...q);
  if (!(n > 0)) throw new RangeError('rootOrientation must be a non-zero quaternion');
  return [q[0] / n, q[1] / n, q[2] / n, q[3] / n];
};

/** Torso height at or below which the ant has fallen (docs/METHOD.md#quadruped-termination). */
export const FALLEN_Z = 0.26;
/** Joint position noise at reset, radians (docs/METHOD.md#quadruped-reset). */
export const RESET_NOISE = 0.1;

export const REWARD_TERMS = ['alive', 'progress', 'electricity', 'joints_at_limit', 'feet_collision'] as const;
export const PROGRESS = 1;

/** A constructed start state for `resetTo`. */
export interface QuadrupedState {
  readonly jointAngles?: ArrayLike<number>;
  /** World position of the root body's frame (the torso centre). */
  readonly rootPosition?: V3;
  /** World orientation of the root body's frame, (x, y, z, w). */
  readonly rootOrientation?: Quat;
  readonly linearVelocity?: V3;
  /** Joint speeds (rad/s, action order): each child part then turns relative to its parent, pivots kept together. */
  readonly jointSpeeds?: ArrayLike<number>;
}

export interface QuadrupedOptions {
  /** Solver settings (default: the latest ammo.js physics version, 2; see physics.ts and docs/PHYSICS.md). */
  readonly physics?: PhysicsSettings;
}

/** One contact point between a robot part and the ground, as the solver last saw it. */
export interface GroundContact {
  readonly part: number;
  /** Signed separation (m): negative is penetration. */
  readonly distance: number;
  /** Normal impulse the solver applied in the last sub-step (N·s). */
  readonly impulse: number;
}

/** Called after every physics sub-step while set (the audit's probe). */
export type SubStepProbe = (env: QuadrupedEnv) => void;

export class QuadrupedEnv implements Env {
  readonly observationSize = OBSERVATION_SIZE;
  readonly actionSize: number;
  readonly rewardTerms: readonly string[] = REWARD_TERMS;
  readonly fitnessTerm = PROGRESS;
  readonly bodyNames: readonly string[];
  readonly actuatorStrength: Float32Array;
  readonly assembly: Assembly;
  readonly physics: PhysicsSettings;

  private readonly A: AmmoModule;
  private readonly worlds: WorldBuilder;
  private readonly observer: QuadrupedObservation;
  private readonly speeds: JointSpeeds;
  /** The world builder's scratch vector, for torques and velocities. */
  private readonly v: AmmoNs.btVector3;
  private current: World | undefined;
  private probe: SubStepProbe | undefined;
  private readonly afterSubStep = (): void => {
    if (this.physics.maxJointSpeed < Infinity) this.speeds.cap(this.physics.maxJointSpeed);
    this.probe?.(this);
  };

  private readonly rewards = new Float64Array(REWARD_TERMS.length);
  private readonly result: { observation: Float32Array; rewards: Float64Array; done: boolean; finite: boolean };
  /** Torque per unit action and joint; hinge axes in parent/child part frames, flattened. */
  private readonly torqueScale: Float64Array;
  private readonly axisParent: Float64Array;
  private readonly axisChild: Float64Array;
  private readonly torque: Float64Array;
  /** Foot contact flags, observed one step late (docs/METHOD.md#quadruped-observation). */
  private readonly feetContact: Float32Array;
  private readonly partContact: Uint8Array;
  private readonly scratch3 = new Float64Array(3);
  private potential = 0;
  /** x of the torso's centre of mass at the last reset. */
  private startX = 0;
  private disposed = false;

  constructor(ammo: AmmoModule, morphology: Morphology, options: QuadrupedOptions = {}) {
    this.A = ammo;
    this.assembly = assemble(morphology);
    this.physics = options.physics ?? physicsSettings(LATEST_AMMO_PHYSICS);
    const { parts, joints, links } = this.assembly;
    this.actionSize = joints.length;
    this.bodyNames = links.map((l) => l.name);
    this.actuatorStrength = new Float32Array(joints.length).fill(1);
    this.worlds = new WorldBuilder(ammo, this.assembly, this.physics);
    this.v = this.worlds.v;
    this.observer = new QuadrupedObservation(this.assembly);
    this.speeds = new JointSpeeds(ammo, this.assembly);

    this.result = { observation: this.observer.observation, rewards: this.rewards, done: false, finite: true };
    this.torqueScale = Float64Array.from(joints, (j) => j.torquePerAction);
    this.axisParent = Float64Array.from(joints.flatMap((j) => j.axisInParent));
    this.axisChild = Float64Array.from(joints.flatMap((j) => j.axisInChild));
    this.torque = new Float64Array(joints.length);
    this.feetContact = new Float32Array(this.assembly.feet.length);
    this.partContact = new Uint8Array(parts.length);
  }

  reset(rng: RandomStream): Float32Array {
    const angles = new Float64Array(this.actionSize);
    for (let n = 0; n < angles.length; n++) angles[n] = rng.uniform(-RESET_NOISE, RESET_NOISE);
    return this.resetTo({ jointAngles: angles });
  }

  /**
   * Starts an episode from a constructed state: joint angles (radians, action order), the root body's frame,
   * and a common linear velocity of every part. Unset fields take the built pose at rest. A state it refuses
   * leaves the episode in flight as it was.
   */
  resetTo(initial: QuadrupedState): Float32Array {
    this.assertLive();
    const angles = Float64Array.from(initial.jointAngles ?? new Float64Array(this.actionSize));
    if (angles.length !== this.actionSize || !angles.every(Number.isFinite)) {
      throw new RangeError(`jointAngles must be ${this.actionSize} finite numbers`);
    }
    const speeds = initial.jointSpeeds;
    if (speeds && (speeds.length !== this.actionSize || !Array.from(speeds).every(Number.isFinite))) {
      throw new RangeError(`jointSpeeds must be ${this.actionSize} finite numbers`);
    }
    const root = initial.rootPosition || initial.rootOrientation
      ? { position: [...(initial.rootPosition ?? this.assembly.pose(angles)[0]!.position)] as V3, orientation: normaliseQuat(initial.rootOrientation ?? [0, 0, 0, 1]) }
      : undefined;
    const poses = this.assembly.pose(angles, root);
    this.destroyWorld();
    const w = this.worlds.build(poses);
    this.current = w;
    this.speeds.locate(w.parts);
    this.attachTicks(w);
    if (initial.linearVelocity) {
      const [vx, vy, vz] = initial.linearVelocity;
      this.v.setValue(vx, vy, vz);
      for (const body of w.parts) body.setLinearVelocity(this.v);
    }
    if (speeds) {
      this.observer.read(w);
      this.speeds.set(speeds, initial.linearVelocity ?? [0, 0, 0], this.observer.state, w.parts, this.v);
    }
    this.actuatorStrength.fill(1);
    this.feetContact.fill(0);
    this.observer.read(w);
    this.observer.compute(this.feetContact);
    this.potential = this.observer.potential();
    this.startX = this.observer.torsoX;
    return this.observer.observation;
  }

  step(action: ArrayLike<number>): StepResult {
    const w = this.assertReady();
    const nJ = this.actionSize;
    if (action.length !== nJ) throw new RangeError(`action must have ${nJ} values, got ${action.length}`);
    for (let n = 0; n < nJ; n++) {
      const a = action[n]!;
      this.torque[n] = (a > 1 ? 1 : a < -1 ? -1 : a) * this.torqueScale[n]! * this.actuatorStrength[n]!;
    }
    const joints = this.assembly.joints;
    // Torques (like gravity) are applied once and held over the control step's sub-steps: one stepSimulation
    // call runs them all and clears the forces only at its end (docs/METHOD.md#quadruped-actions). The sub-step count is a power
    // of two, so 0.0165 is an exact multiple of the sub-step in float32 too and every call runs all of them.
    for (let n = 0; n < nJ; n++) {
      const tau = this.torque[n]!;
      if (tau === 0) continue;
      const j = joints[n]!;
      this.v.setValue(tau * this.axisChild[3 * n]!, tau * this.axisChild[3 * n + 1]!, tau * this.axisChild[3 * n + 2]!);
      w.parts[j.child]!.applyLocalTorque(this.v);
      this.v.setValue(-tau * this.axisParent[3 * n]!, -tau * this.axisParent[3 * n + 1]!, -tau * this.axisParent[3 * n + 2]!);
      w.parts[j.parent]!.applyLocalTorque(this.v);
    }
    const h = this.physics.subSteps;
    w.world.stepSimulation(CONTROL_DT, h, CONTROL_DT / h);
    const observer = this.observer;
    observer.read(w);
    const finite = observer.compute(this.feetContact);

    const r = this.rewards;
    r[0] = observer.torsoZ > FALLEN_Z ? 1 : -1;
    const potential = observer.potential();
    r[1] = potential - this.potential;
    this.potential = potential;
    let work = 0;
    let effort = 0;
    let atLimit = 0;
    // From the state before the observation's clip to ±5, as the reference computes them (docs/METHOD.md#quadruped-rewards).
    const raw = observer.raw;
    for (let n = 0; n < nJ; n++) {
      const a = action[n]!;
      work += Math.abs(a * raw[9 + 2 * n]!);
      effort += a * a;
      if (Math.abs(raw[8 + 2 * n]!) > 0.99) atLimit++;
    }
    r[2] = (-2 * work) / nJ - (0.1 * effort) / nJ;
    r[3] = -0.1 * atLimit;
    r[4] = 0;
    this.result.done = r[0] < 0 || !finite;
    this.result.finite = finite;
    this.updateContacts(w);
    return this.result;
  }

  /** Torso centre-of-mass x now minus at reset: the target lies along +x (docs/METHOD.md#quadruped-rewards). */
  forwardDistance(): number {
    this.assertReady();
    return this.observer.torsoX - this.startX;
  }

  poses(out: Float32Array, offset = 0): void {
    this.assertReady();
    const st = this.observer.state;
    const r = this.scratch3;
    this.assembly.links.forEach((l, k) => {
      const o = offset + k * POSE_FLOATS;
      const b = l.part * S;
      const [ox, oy, oz] = l.origin;
      // position = x + q·origin; orientation = q ⊗ l.orientation
      const qx = st[b + 3]!, qy = st[b + 4]!, qz = st[b + 5]!, qw = st[b + 6]!;
      rotateComponentsInto(qx, qy, qz, qw, ox, oy, oz, r);
      out[o] = st[b]! + r[0]!;
      out[o + 1] = st[b + 1]! + r[1]!;
      out[o + 2] = st[b + 2]! + r[2]!;
      const [px, py, pz, pw] = l.orientation;
      quatMulComponentsInto(qx, qy, qz, qw, px, py, pz, pw, out, o + 3);
    });
  }

  /** Current joint angles (radians) in action order, as the hinges report them. */
  jointAngles(): Float64Array {
    return this.observer.jointAngle;
  }

  /** Joint speeds (rad/s) in action order. */
  jointSpeeds(): Float64Array {
    return this.observer.jointSpeed;
  }

  /** Raw per-part state after the last step: 13 floats per part (position, quaternion, v, ω). */
  partState(): Float64Array {
    return this.observer.state;
  }

  /** Calls `probe` after every physics sub-step until it is unset (undefined). */
  setSubStepProbe(probe: SubStepProbe | undefined): void {
    this.probe = probe;
    if (this.current) this.attachTicks(this.current);
  }

  /** Visits every robot–ground contact point of the manifolds the solver last used. */
  forEachGroundContact(visit: (contact: GroundContact) => void): void {
    const d = this.assertReady().dispatcher;
    for (let i = 0, count = d.getNumManifolds(); i < count; i++) {
      const m = d.getManifoldByIndexInternal(i);
      const a = m.getBody0().getUserIndex();
      const part = a >= 0 ? a : m.getBody1().getUserIndex();
      for (let k = 0, n = m.getNumContacts(); k < n; k++) {
        const p = m.getContactPoint(k);
        visit({ part, distance: p.getDistance(), impulse: p.getAppliedImpulse() });
      }
    }
  }

  /** The solver settings as the live world holds them (read back from the engine). */
  solverInfo(): SolverInfo {
    return readSolver(this.A, this.assertReady().world.getSolverInfo());
  }

  /** Joint n's angle (radians) as its hinge reports it now, also between control steps. */
  hingeAngle(n: number): number {
    return this.assertReady().hinges[n]!.getHingeAngle();
  }

  /** Foot contact flags as of the last step (what the *next* observation will carry). */
  currentFeetContact(): Float32Array {
    return this.feetContact;
  }

  dispose(): void {
    if (this.disposed) return;
    this.destroyWorld();
    this.worlds.dispose();
    this.disposed = true;
  }

  /** The sub-step callback is installed only when something needs it (a speed cap or a probe). */
  private attachTicks(w: World): void {
    this.worlds.setTick(w, this.physics.maxJointSpeed < Infinity || this.probe ? this.afterSubStep : undefined);
  }

  private destroyWorld(): void {
    if (!this.current) return;
    this.worlds.destroy(this.current);
    this.current = undefined;
  }

  private assertLive(): void {
    if (this.disposed) throw new Error('quadruped env used after dispose()');
  }

  private assertReady(): World {
    this.assertLive();
    if (!this.current) throw new Error('quadruped env stepped before reset()');
    return this.current;
  }

  private updateContacts(w: World): void {
    this.partContact.fill(0);
    const d = w.dispatcher;
    const count = d.getNumManifolds();
    for (let i = 0; i < count; i++) {
      const m = d.getManifoldByIndexInternal(i);
      if (m.getNumContacts() === 0) continue;
      const a = m.getBody0().getUserIndex();
      const b = m.getBody1().getUserIndex();
      if (a >= 0) this.partContact[a] = 1;
      if (b >= 0) this.partContact[b] = 1;
    }
    const feet = this.assembly.feet;
    for (let f = 0; f < feet.length; f++) this.feetContact[f] = this.partContact[feet[f]!]!;
  }
}
