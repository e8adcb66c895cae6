/**
 * The quadruped: AntBulletEnv-v0 (pybullet 2.6.6) rebuilt on ammo.js (spec §3; engine choice in docs/PHYSICS.md).
 *
 * pybullet simulates the ant as a Featherstone multibody; no ammo.js build has one, so the ant is one
 * btRigidBody per rigid part (torso with its fixed leg stubs, four thighs, four shins) joined by
 * btHingeConstraints built from frames, so a hinge reads angle 0 in the built pose. Masses, inertias, torques,
 * friction, the observation, rewards and termination follow the spec; absolute distances differ from pybullet.
 *
 * Every reset rebuilds the dynamics world from scratch (the shapes are kept): the broadphase, pair cache and
 * solver carry history, and only a fresh world makes an episode a pure function of (morphology, seed, actions)
 * whatever ran before it in this env. Rebuilding costs well under a millisecond (see `quadruped_reset_ms`).
 */
import type AmmoNs from 'ammojs-typed/wasm';
import type { Morphology } from '../../morphology/model';
import type { RandomStream } from '../../random';
import type { Env, StepResult } from '../env';
import { POSE_FLOATS } from '../env';
import type { AmmoModule } from './ammo';
import { assemble, type Assembly } from './assembly';
import { rotateComponentsInto, type Quat, type V3 } from '../../math/rigid';
import { configureSolver, CURRENT_PHYSICS, physicsSettings, readSolver, type PhysicsSettings, type SolverInfo } from './physics';

const normaliseQuat = (q: Quat): Quat => {
  const n = Math.hypot(...q);
  if (!(n > 0)) throw new RangeError('rootOrientation must be a non-zero quaternion');
  return [q[0] / n, q[1] / n, q[2] / n, q[3] / n];
};

/** Control step and its physics sub-steps (spec §3.1). */
export const CONTROL_DT = 0.0165;
export const GRAVITY = 9.8;
/** Torso height at or below which the ant has fallen (spec §3.6–3.7). */
export const FALLEN_Z = 0.26;
/** The walk target (spec §3.5). */
export const TARGET_X = 1000;
export const TARGET_Y = 0;
/** Joint position noise at reset, radians (spec §3.4). */
export const RESET_NOISE = 0.1;

export const OBSERVATION_SIZE = 28;
export const REWARD_TERMS = ['alive', 'progress', 'electricity', 'joints_at_limit', 'feet_collision'] as const;
export const PROGRESS = 1;

/** Contact properties (spec §3.1): Bullet multiplies the two friction coefficients (1.5 × 0.8 = 1.2). */
const ROBOT_FRICTION = 1.5;
const GROUND_FRICTION = 0.8;
const GROUND_RESTITUTION = 0.5;
const DAMPING = 0.04;
/** Collision groups: robot parts collide with the ground only, never with each other (spec §3.1). */
const GROUND_GROUP = 1;
const ROBOT_GROUP = 2;
const DISABLE_DEACTIVATION = 4;
/**
 * Hinge limits: bias 1 (Bullet's default 0.3 let 250 N·m push a joint 7° past its limit under random actions);
 * the stop ERP and the bounce (Bullet's relaxation factor) come from the physics version. Softness is unused by
 * Bullet 2.82's centred limit.
 */
const LIMIT_SOFTNESS = 0.9;
const LIMIT_BIAS = 1;

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
  /** Solver settings (default: the current physics version; see physics.ts and docs/PHYSICS.md). */
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

/** Per part, the state floats read after each step: position, orientation (x, y, z, w), linear and angular velocity. */
const S = 13;

/** One collision configuration per ammo.js instance (3.5 MB each; STACK-NOTES). */
const collisionConfigs = new WeakMap<AmmoModule, AmmoNs.btDefaultCollisionConfiguration>();

interface World {
  readonly dispatcher: AmmoNs.btCollisionDispatcher;
  readonly broadphase: AmmoNs.btDbvtBroadphase;
  readonly solver: AmmoNs.btSequentialImpulseConstraintSolver;
  readonly world: AmmoNs.btDiscreteDynamicsWorld;
  readonly parts: AmmoNs.btRigidBody[];
  readonly ground: AmmoNs.btRigidBody;
  readonly hinges: AmmoNs.btHingeConstraint[];
  readonly motionStates: AmmoNs.btDefaultMotionState[];
}

export class QuadrupedEnv implements Env {
  readonly observationSize = OBSERVATION_SIZE;
  readonly actionSize: number;
  readonly rewardTerms: readonly string[] = REWARD_TERMS;
  readonly fitnessTerm = PROGRESS;
  readonly bodyNames: readonly string[];
  readonly actuatorStrength: Float32Array;
  readonly assembly: Assembly;

  private readonly A: AmmoModule;
  readonly physics: PhysicsSettings;
  private readonly partShapes: AmmoNs.btCompoundShape[];
  private readonly childShapes: AmmoNs.btCollisionShape[];
  private readonly groundShape: AmmoNs.btStaticPlaneShape;
  private readonly v: AmmoNs.btVector3;
  private readonly q: AmmoNs.btQuaternion;
  private readonly t: AmmoNs.btTransform;
  private current: World | undefined;
  /** Per joint, the parts that turn with its child (the child and everything below it). */
  private readonly subtree: readonly Int32Array[];
  /** Heap float index of each part's angular and linear velocity and of its world transform, stable per world. */
  private readonly omegaSlot: Int32Array;
  private readonly velocitySlot: Int32Array;
  private readonly transformSlot: Int32Array;
  private probe: SubStepProbe | undefined;
  private readonly afterSubStep = (): void => {
    if (this.physics.maxJointSpeed < Infinity) this.capJointSpeeds();
    this.probe?.(this);
  };

  private readonly state: Float64Array;
  private readonly observation = new Float32Array(OBSERVATION_SIZE);
  private readonly rewards = new Float64Array(REWARD_TERMS.length);
  private readonly result: { observation: Float32Array; rewards: Float64Array; done: boolean; finite: boolean };
  /** Torque per unit action and joint; hinge axes in parent/child part frames, flattened. */
  private readonly torqueScale: Float64Array;
  private readonly axisParent: Float64Array;
  private readonly axisChild: Float64Array;
  private readonly torque: Float64Array;
  private readonly jointAngle: Float64Array;
  private readonly jointSpeed: Float64Array;
  /** Foot contact flags, observed one step late (spec §3.5). */
  private readonly feetContact: Float32Array;
  private readonly partContact: Uint8Array;
  private readonly initialZ: number;
  private potential = 0;
  /** Height of the torso's centre of mass, as of the last calcState. */
  private torsoZ = 0;
  /** x of the torso's centre of mass, as of the last calcState, and at the last reset. */
  private torsoX = 0;
  private startX = 0;
  private disposed = false;

  constructor(ammo: AmmoModule, morphology: Morphology, options: QuadrupedOptions = {}) {
    this.A = ammo;
    const A = ammo;
    this.assembly = assemble(morphology);
    this.physics = options.physics ?? physicsSettings(CURRENT_PHYSICS);
    const { parts, joints, links } = this.assembly;
    this.actionSize = joints.length;
    this.bodyNames = links.map((l) => l.name);
    this.actuatorStrength = new Float32Array(joints.length).fill(1);
    this.v = new A.btVector3(0, 0, 0);
    this.q = new A.btQuaternion(0, 0, 0, 1);
    this.t = new A.btTransform();
    this.childShapes = [];
    this.partShapes = parts.map((p) => {
      const compound = new A.btCompoundShape(false);
      for (const g of p.geoms) {
        const shape = g.geom.type === 'sphere' ? new A.btSphereShape(g.geom.radius) : new A.btCapsuleShapeZ(g.geom.radius, g.length);
        this.childShapes.push(shape);
        compound.addChildShape(this.transform(g.position, g.rotation), shape);
      }
      return compound;
    });
    this.v.setValue(0, 0, 1);
    this.groundShape = new A.btStaticPlaneShape(this.v, 0);
    if (!collisionConfigs.has(A)) collisionConfigs.set(A, new A.btDefaultCollisionConfiguration());

    this.state = new Float64Array(parts.length * S);
    this.result = { observation: this.observation, rewards: this.rewards, done: false, finite: true };
    this.torqueScale = Float64Array.from(joints, (j) => j.torquePerAction);
    this.axisParent = Float64Array.from(joints.flatMap((j) => j.axisInParent));
    this.axisChild = Float64Array.from(joints.flatMap((j) => j.axisInChild));
    this.torque = new Float64Array(joints.length);
    this.jointAngle = new Float64Array(joints.length);
    this.jointSpeed = new Float64Array(joints.length);
    this.feetContact = new Float32Array(this.assembly.feet.length);
    this.partContact = new Uint8Array(parts.length);
    this.omegaSlot = new Int32Array(parts.length);
    this.velocitySlot = new Int32Array(parts.length);
    this.transformSlot = new Int32Array(parts.length);
    const below = (part: number): number[] => [part, ...joints.filter((j) => j.parent === part).flatMap((j) => below(j.child))];
    this.subtree = joints.map((j) => Int32Array.from(below(j.child)));
    const built = this.assembly.pose(new Float64Array(joints.length))[0]!;
    this.initialZ = built.position[2] + rotateZ(built.orientation, links[0]!.com);
  }

  reset(rng: RandomStream): Float32Array {
    const angles = new Float64Array(this.actionSize);
    for (let n = 0; n < angles.length; n++) angles[n] = rng.uniform(-RESET_NOISE, RESET_NOISE);
    return this.resetTo({ jointAngles: angles });
  }

  /**
   * Starts an episode from a constructed state: joint angles (radians, action order), the root body's frame,
   * and a common linear velocity of every part. Unset fields take the built pose at rest.
   */
  resetTo(initial: QuadrupedState): Float32Array {
    this.assertLive();
    const angles = Float64Array.from(initial.jointAngles ?? new Float64Array(this.actionSize));
    if (angles.length !== this.actionSize || !angles.every(Number.isFinite)) {
      throw new RangeError(`jointAngles must be ${this.actionSize} finite numbers`);
    }
    const root = initial.rootPosition || initial.rootOrientation
      ? { position: initial.rootPosition ?? this.assembly.pose(angles)[0]!.position, orientation: initial.rootOrientation ?? [0, 0, 0, 1] as Quat }
      : undefined;
    this.destroyWorld();
    this.current = this.buildWorld(this.assembly.pose(angles, root && { position: [...root.position], orientation: normaliseQuat(root.orientation) }));
    if (initial.linearVelocity) {
      const [vx, vy, vz] = initial.linearVelocity;
      this.v.setValue(vx, vy, vz);
      for (const body of this.current.parts) body.setLinearVelocity(this.v);
    }
    if (initial.jointSpeeds) this.setJointSpeeds(initial.jointSpeeds, initial.linearVelocity ?? [0, 0, 0]);
    this.actuatorStrength.fill(1);
    this.feetContact.fill(0);
    this.readState();
    this.calcState();
    this.potential = this.calcPotential();
    this.startX = this.torsoX;
    return this.observation;
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
    // call runs them all and clears the forces only at its end (spec §3.1, §3.3). The sub-step count is a power
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
    this.readState();
    const finite = this.calcState();

    const r = this.rewards;
    r[0] = this.torsoZ > FALLEN_Z ? 1 : -1;
    const potential = this.calcPotential();
    r[1] = potential - this.potential;
    this.potential = potential;
    let work = 0;
    let effort = 0;
    let atLimit = 0;
    // From the state before the observation's clip to ±5, as the reference computes them (spec §3.6).
    for (let n = 0; n < nJ; n++) {
      const a = action[n]!;
      work += Math.abs(a * rawObs[9 + 2 * n]!);
      effort += a * a;
      if (Math.abs(rawObs[8 + 2 * n]!) > 0.99) atLimit++;
    }
    r[2] = (-2 * work) / nJ - (0.1 * effort) / nJ;
    r[3] = -0.1 * atLimit;
    r[4] = 0;
    this.result.done = r[0] < 0 || !finite;
    this.result.finite = finite;
    this.updateContacts(w);
    return this.result;
  }

  /** Torso centre-of-mass x now minus at reset: the target lies along +x (spec §3.6). */
  forwardDistance(): number {
    this.assertReady();
    return this.torsoX - this.startX;
  }

  poses(out: Float32Array, offset = 0): void {
    this.assertReady();
    const st = this.state;
    this.assembly.links.forEach((l, k) => {
      const o = offset + k * POSE_FLOATS;
      const b = l.part * S;
      const [ox, oy, oz] = l.origin;
      // position = x + q·origin; orientation = q ⊗ l.orientation
      const qx = st[b + 3]!, qy = st[b + 4]!, qz = st[b + 5]!, qw = st[b + 6]!;
      rotateComponentsInto(qx, qy, qz, qw, ox, oy, oz, scratch3);
      out[o] = st[b]! + scratch3[0]!;
      out[o + 1] = st[b + 1]! + scratch3[1]!;
      out[o + 2] = st[b + 2]! + scratch3[2]!;
      const [px, py, pz, pw] = l.orientation;
      out[o + 3] = qw * px + qx * pw + qy * pz - qz * py;
      out[o + 4] = qw * py - qx * pz + qy * pw + qz * px;
      out[o + 5] = qw * pz + qx * py - qy * px + qz * pw;
      out[o + 6] = qw * pw - qx * px - qy * py - qz * pz;
    });
  }

  /** Current joint angles (radians) in action order, as the hinges report them. */
  jointAngles(): Float64Array {
    return this.jointAngle;
  }

  /** Joint speeds (rad/s) in action order. */
  jointSpeeds(): Float64Array {
    return this.jointSpeed;
  }

  /** Raw per-part state after the last step: 13 floats per part (position, quaternion, v, ω). */
  partState(): Float64Array {
    return this.state;
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
    const A = this.A;
    for (const s of this.partShapes) A.destroy(s);
    for (const s of this.childShapes) A.destroy(s);
    A.destroy(this.groundShape);
    A.destroy(this.v);
    A.destroy(this.q);
    A.destroy(this.t);
    this.disposed = true;
  }

  // --- world lifecycle -------------------------------------------------------------------------------

  private transform(position: readonly number[], rotation: readonly number[]): AmmoNs.btTransform {
    this.t.setIdentity();
    this.v.setValue(position[0]!, position[1]!, position[2]!);
    this.t.setOrigin(this.v);
    this.q.setValue(rotation[0]!, rotation[1]!, rotation[2]!, rotation[3]!);
    this.t.setRotation(this.q);
    return this.t;
  }

  private buildWorld(poses: { position: readonly number[]; orientation: readonly number[] }[]): World {
    const A = this.A;
    const config = collisionConfigs.get(A)!;
    const dispatcher = new A.btCollisionDispatcher(config);
    const broadphase = new A.btDbvtBroadphase();
    const solver = new A.btSequentialImpulseConstraintSolver();
    const world = new A.btDiscreteDynamicsWorld(dispatcher, broadphase, solver, config);
    this.v.setValue(0, 0, -GRAVITY);
    world.setGravity(this.v);
    configureSolver(A, world.getSolverInfo(), this.physics);

    const motionStates: AmmoNs.btDefaultMotionState[] = [];
    const addBody = (mass: number, shape: AmmoNs.btCollisionShape, inertia: readonly number[], pose: { position: readonly number[]; orientation: readonly number[] }): AmmoNs.btRigidBody => {
      const ms = new A.btDefaultMotionState(this.transform(pose.position, pose.orientation));
      motionStates.push(ms);
      const local = new A.btVector3(inertia[0]!, inertia[1]!, inertia[2]!);
      const info = new A.btRigidBodyConstructionInfo(mass, ms, shape, local);
      const body = new A.btRigidBody(info);
      A.destroy(info);
      A.destroy(local);
      return body;
    };

    const ground = addBody(0, this.groundShape, [0, 0, 0], { position: [0, 0, 0], orientation: [0, 0, 0, 1] });
    ground.setFriction(GROUND_FRICTION);
    ground.setRestitution(GROUND_RESTITUTION);
    ground.setUserIndex(-1);
    world.addRigidBody(ground, GROUND_GROUP, ROBOT_GROUP);

    const parts = this.assembly.parts.map((p, i) => {
      const body = addBody(p.mass, this.partShapes[i]!, p.inertia, poses[i]!);
      body.setFriction(ROBOT_FRICTION);
      body.setRestitution(0);
      body.setDamping(DAMPING, DAMPING);
      body.setActivationState(DISABLE_DEACTIVATION);
      body.setUserIndex(i);
      world.addRigidBody(body, ROBOT_GROUP, GROUND_GROUP);
      return body;
    });

    const hinges = this.assembly.joints.map((j) => {
      const frameA = new A.btTransform();
      frameA.setIdentity();
      const frameB = new A.btTransform();
      frameB.setIdentity();
      const set = (f: AmmoNs.btTransform, p: readonly number[], r: readonly number[]): void => {
        this.v.setValue(p[0]!, p[1]!, p[2]!);
        f.setOrigin(this.v);
        this.q.setValue(r[0]!, r[1]!, r[2]!, r[3]!);
        f.setRotation(this.q);
      };
      set(frameA, j.pivotInParent, j.frameInParent);
      set(frameB, j.pivotInChild, j.frameInChild);
      // useReferenceFrameA = true: the angle is the child's rotation about the axis relative to the parent,
      // MJCF's sign convention (checked by the joint-angle test).
      const hinge = new A.btHingeConstraint(parts[j.parent]!, parts[j.child]!, frameA, frameB, true);
      A.destroy(frameA);
      A.destroy(frameB);
      hinge.setLimit(j.lower, j.upper, LIMIT_SOFTNESS, LIMIT_BIAS, this.physics.limitBounce);
      hinge.setParam(A.BT_CONSTRAINT_STOP_ERP, this.physics.limitErp, -1);
      world.addConstraint(hinge, true);
      return hinge;
    });
    parts.forEach((body, i) => {
      this.omegaSlot[i] = A.getPointer(body.getAngularVelocity()) >> 2;
      this.velocitySlot[i] = A.getPointer(body.getLinearVelocity()) >> 2;
      this.transformSlot[i] = A.getPointer(body.getWorldTransform()) >> 2;
    });
    const built = { dispatcher, broadphase, solver, world, parts, ground, hinges, motionStates };
    this.attachTicks(built);
    return built;
  }

  /**
   * Joints in action order come parent first, so each child's velocity follows from its parent's already set:
   * ω_c = ω_p + q̇·axis, and v_c = v_p + ω_p × (pivot − x_p) + ω_c × (x_c − pivot) keeps the pivot together.
   */
  private setJointSpeeds(speeds: ArrayLike<number>, v0: V3): void {
    if (speeds.length !== this.actionSize || !Array.from(speeds).every(Number.isFinite)) {
      throw new RangeError(`jointSpeeds must be ${this.actionSize} finite numbers`);
    }
    this.readState();
    const st = this.state;
    const parts = this.current!.parts;
    const omega = new Float64Array(parts.length * 3);
    const vel = Float64Array.from({ length: parts.length * 3 }, (_, i) => v0[i % 3]!);
    const cross = (a: ArrayLike<number>, ao: number, b: readonly number[]): V3 => [a[ao + 1]! * b[2]! - a[ao + 2]! * b[1]!, a[ao + 2]! * b[0]! - a[ao]! * b[2]!, a[ao]! * b[1]! - a[ao + 1]! * b[0]!];
    this.assembly.joints.forEach((j, n) => {
      const p = j.parent;
      const c = j.child;
      const at = (part: number): V3 => [st[part * S]!, st[part * S + 1]!, st[part * S + 2]!];
      rotateComponentsInto(st[p * S + 3]!, st[p * S + 4]!, st[p * S + 5]!, st[p * S + 6]!, j.pivotInParent[0], j.pivotInParent[1], j.pivotInParent[2], scratch3);
      const xp = at(p);
      const xc = at(c);
      const toPivot: V3 = [scratch3[0]!, scratch3[1]!, scratch3[2]!];
      const pivot: V3 = [xp[0] + toPivot[0], xp[1] + toPivot[1], xp[2] + toPivot[2]];
      rotateComponentsInto(st[p * S + 3]!, st[p * S + 4]!, st[p * S + 5]!, st[p * S + 6]!, this.axisParent[3 * n]!, this.axisParent[3 * n + 1]!, this.axisParent[3 * n + 2]!, scratch3);
      for (let i = 0; i < 3; i++) omega[3 * c + i] = omega[3 * p + i]! + speeds[n]! * scratch3[i]!;
      const a = cross(omega, 3 * p, toPivot);
      const b = cross(omega, 3 * c, [xc[0] - pivot[0], xc[1] - pivot[1], xc[2] - pivot[2]]);
      for (let i = 0; i < 3; i++) vel[3 * c + i] = vel[3 * p + i]! + a[i]! + b[i]!;
    });
    parts.forEach((body, i) => {
      this.v.setValue(omega[3 * i]!, omega[3 * i + 1]!, omega[3 * i + 2]!);
      body.setAngularVelocity(this.v);
      this.v.setValue(vel[3 * i]!, vel[3 * i + 1]!, vel[3 * i + 2]!);
      body.setLinearVelocity(this.v);
    });
  }

  /** The sub-step callback is installed only when something needs it (a speed cap or a probe). */
  private attachTicks(w: World): void {
    const t = ticker(this.A);
    const key = this.A.getPointer(w.world);
    if (this.physics.maxJointSpeed < Infinity || this.probe) {
      t.worlds.set(key, this.afterSubStep);
      w.world.setInternalTickCallback(t.pointer);
    } else {
      t.worlds.delete(key);
      w.world.setInternalTickCallback(0);
    }
  }

  /**
   * pybullet clamps every joint's speed to ±100 rad/s (btMultiBody's max coordinate velocity) with the other
   * joints' speeds and the base's held, i.e. the joint's subtree is turned back about the hinge axis through the
   * pivot. The same here on the bodies' velocities (angular and linear, so the pivot stays together), written
   * straight into them as setAngularVelocity / setLinearVelocity would.
   */
  private capJointSpeeds(): void {
    const heap = this.A.HEAPF32;
    const max = this.physics.maxJointSpeed;
    const joints = this.assembly.joints;
    for (let n = 0; n < joints.length; n++) {
      const j = joints[n]!;
      const c = this.omegaSlot[j.child]!;
      const p = this.omegaSlot[j.parent]!;
      // The hinge axis in world: the parent's basis (btMatrix3x3, rows of 4 floats) times its axis in the parent.
      const b = this.transformSlot[j.parent]!;
      const lx = this.axisParent[3 * n]!, ly = this.axisParent[3 * n + 1]!, lz = this.axisParent[3 * n + 2]!;
      const ax = heap[b]! * lx + heap[b + 1]! * ly + heap[b + 2]! * lz;
      const ay = heap[b + 4]! * lx + heap[b + 5]! * ly + heap[b + 6]! * lz;
      const az = heap[b + 8]! * lx + heap[b + 9]! * ly + heap[b + 10]! * lz;
      const speed = (heap[c]! - heap[p]!) * ax + (heap[c + 1]! - heap[p + 1]!) * ay + (heap[c + 2]! - heap[p + 2]!) * az;
      if (speed <= max && speed >= -max) continue;
      const excess = speed - Math.sign(speed) * max;
      const dx = -excess * ax, dy = -excess * ay, dz = -excess * az;
      // Pivot = parent origin (btTransform's origin follows the basis) + basis · pivot in the parent.
      const [qx, qy, qz] = j.pivotInParent;
      const px = heap[b + 12]! + heap[b]! * qx + heap[b + 1]! * qy + heap[b + 2]! * qz;
      const py = heap[b + 13]! + heap[b + 4]! * qx + heap[b + 5]! * qy + heap[b + 6]! * qz;
      const pz = heap[b + 14]! + heap[b + 8]! * qx + heap[b + 9]! * qy + heap[b + 10]! * qz;
      for (const k of this.subtree[n]!) {
        const w = this.omegaSlot[k]!;
        const v = this.velocitySlot[k]!;
        const t = this.transformSlot[k]!;
        const rx = heap[t + 12]! - px, ry = heap[t + 13]! - py, rz = heap[t + 14]! - pz;
        heap[w] = heap[w]! + dx;
        heap[w + 1] = heap[w + 1]! + dy;
        heap[w + 2] = heap[w + 2]! + dz;
        heap[v] = heap[v]! + dy * rz - dz * ry;
        heap[v + 1] = heap[v + 1]! + dz * rx - dx * rz;
        heap[v + 2] = heap[v + 2]! + dx * ry - dy * rx;
      }
    }
  }

  private destroyWorld(): void {
    const w = this.current;
    if (!w) return;
    const A = this.A;
    for (const h of w.hinges) {
      w.world.removeConstraint(h);
      A.destroy(h);
    }
    for (const b of [...w.parts, w.ground]) {
      w.world.removeRigidBody(b);
      A.destroy(b);
    }
    for (const ms of w.motionStates) A.destroy(ms);
    ticker(A).worlds.delete(A.getPointer(w.world));
    A.destroy(w.world);
    A.destroy(w.solver);
    A.destroy(w.broadphase);
    A.destroy(w.dispatcher);
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

  // --- observation ---------------------------------------------------------------------------------

  private readState(): void {
    const w = this.current!;
    const st = this.state;
    for (let i = 0; i < w.parts.length; i++) {
      const body = w.parts[i]!;
      const tr = body.getWorldTransform();
      const o = tr.getOrigin();
      const q = tr.getRotation();
      const lv = body.getLinearVelocity();
      const av = body.getAngularVelocity();
      const b = i * S;
      st[b] = o.x();
      st[b + 1] = o.y();
      st[b + 2] = o.z();
      st[b + 3] = q.x();
      st[b + 4] = q.y();
      st[b + 5] = q.z();
      st[b + 6] = q.w();
      st[b + 7] = lv.x();
      st[b + 8] = lv.y();
      st[b + 9] = lv.z();
      st[b + 10] = av.x();
      st[b + 11] = av.y();
      st[b + 12] = av.z();
    }
    const joints = this.assembly.joints;
    for (let n = 0; n < joints.length; n++) {
      const j = joints[n]!;
      this.jointAngle[n] = w.hinges[n]!.getHingeAngle();
      // q̇ = (ω_child − ω_parent) · axis, the axis taken in world through the parent's orientation.
      const p = j.parent * S;
      const c = j.child * S;
      rotateComponentsInto(st[p + 3]!, st[p + 4]!, st[p + 5]!, st[p + 6]!, this.axisParent[3 * n]!, this.axisParent[3 * n + 1]!, this.axisParent[3 * n + 2]!, scratch3);
      this.jointSpeed[n] =
        (st[c + 10]! - st[p + 10]!) * scratch3[0]! + (st[c + 11]! - st[p + 11]!) * scratch3[1]! + (st[c + 12]! - st[p + 12]!) * scratch3[2]!;
    }
  }

  /** x̄, ȳ: mean over the parts' centres of mass and the floor at the origin (spec §3.5, quirk A6). */
  private meanXY(): void {
    const st = this.state;
    let sx = 0;
    let sy = 0;
    for (const l of this.assembly.links) {
      const b = l.part * S;
      rotateComponentsInto(st[b + 3]!, st[b + 4]!, st[b + 5]!, st[b + 6]!, l.com[0], l.com[1], l.com[2], scratch3);
      sx += st[b]! + scratch3[0]!;
      sy += st[b + 1]! + scratch3[1]!;
    }
    const count = this.assembly.links.length + 1;
    mean2[0] = sx / count;
    mean2[1] = sy / count;
  }

  /** Potential of the state the last calcState saw (its x̄, ȳ). */
  private calcPotential(): number {
    return -Math.hypot(TARGET_X - mean2[0]!, TARGET_Y - mean2[1]!) / CONTROL_DT;
  }

  /** Fills the 28-d observation (spec §3.5); returns false if the unclipped state is not finite. */
  private calcState(): boolean {
    const st = this.state;
    const obs = this.observation;
    const torso = this.assembly.links[0]!;
    // Torso base frame: the root body's pose (its part may hold more than the torso sphere).
    const qx0 = st[3]!, qy0 = st[4]!, qz0 = st[5]!, qw0 = st[6]!;
    const [px, py, pz, pw] = torso.orientation;
    const x = qw0 * px + qx0 * pw + qy0 * pz - qz0 * py;
    const y = qw0 * py - qx0 * pz + qy0 * pw + qz0 * px;
    const z = qw0 * pz + qx0 * py - qy0 * px + qz0 * pw;
    const w = qw0 * pw - qx0 * px - qy0 * py - qz0 * pz;
    rotateComponentsInto(qx0, qy0, qz0, qw0, torso.com[0], torso.com[1], torso.com[2], scratch3);
    const rx = scratch3[0]!, ry = scratch3[1]!, rz = scratch3[2]!;
    const torsoZ = st[2]! + rz;
    this.torsoZ = torsoZ;
    this.torsoX = st[0]! + rx;
    // Velocity of the torso's centre of mass: v + ω × r.
    const vx = st[7]! + st[11]! * rz - st[12]! * ry;
    const vy = st[8]! + st[12]! * rx - st[10]! * rz;
    const vz = st[9]! + st[10]! * ry - st[11]! * rx;
    eulerFromQuaternion(x, y, z, w, rpy);
    const yaw = rpy[2]!;
    this.meanXY();
    const theta = Math.atan2(TARGET_Y - mean2[1]!, TARGET_X - mean2[0]!) - yaw;
    const raw = rawObs;
    raw[0] = torsoZ - this.initialZ;
    raw[1] = Math.sin(theta);
    raw[2] = Math.cos(theta);
    const c = Math.cos(yaw);
    const s = Math.sin(yaw);
    raw[3] = 0.3 * (c * vx + s * vy);
    raw[4] = 0.3 * (-s * vx + c * vy);
    raw[5] = 0.3 * vz;
    raw[6] = rpy[0]!;
    raw[7] = rpy[1]!;
    const joints = this.assembly.joints;
    for (let n = 0; n < joints.length; n++) {
      const j = joints[n]!;
      const mid = (j.lower + j.upper) / 2;
      raw[8 + 2 * n] = (2 * (this.jointAngle[n]! - mid)) / (j.upper - j.lower);
      raw[9 + 2 * n] = 0.1 * this.jointSpeed[n]!;
    }
    const f0 = 8 + 2 * joints.length;
    for (let f = 0; f < this.feetContact.length; f++) raw[f0 + f] = this.feetContact[f]!;
    let finite = true;
    for (let i = 0; i < OBSERVATION_SIZE; i++) {
      const v = raw[i]!;
      if (!Number.isFinite(v)) finite = false;
      obs[i] = v > 5 ? 5 : v < -5 ? -5 : v;
    }
    return finite;
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

const scratch3 = new Float64Array(3);

type WithFunctions = AmmoModule & { addFunction(fn: (world: number, timeStep: number) => void, signature: string): number };
/** One wasm table slot per ammo instance; it dispatches each sub-step to the env owning that world. */
const tickers = new WeakMap<AmmoModule, { readonly pointer: number; readonly worlds: Map<number, () => void> }>();
function ticker(A: AmmoModule): { readonly pointer: number; readonly worlds: Map<number, () => void> } {
  let t = tickers.get(A);
  if (!t) {
    const worlds = new Map<number, () => void>();
    t = { worlds, pointer: (A as WithFunctions).addFunction((world) => worlds.get(world)?.(), 'vif') };
    tickers.set(A, t);
  }
  return t;
}
const mean2 = new Float64Array(2);
const rpy = new Float64Array(3);
const rawObs = new Float64Array(OBSERVATION_SIZE);

function rotateZ(q: readonly number[], v: readonly number[]): number {
  rotateComponentsInto(q[0]!, q[1]!, q[2]!, q[3]!, v[0]!, v[1]!, v[2]!, scratch3);
  return scratch3[2]!;
}

/** pybullet's getEulerFromQuaternion (spec §3.5), written into out as (roll, pitch, yaw). */
export function eulerFromQuaternion(x: number, y: number, z: number, w: number, out: Float64Array): void {
  const s = -2 * (x * z - w * y);
  if (s <= -0.99999) {
    out[0] = 0;
    out[1] = -Math.PI / 2;
    out[2] = 2 * Math.atan2(x, -y);
  } else if (s >= 0.99999) {
    out[0] = 0;
    out[1] = Math.PI / 2;
    out[2] = 2 * Math.atan2(-x, y);
  } else {
    out[0] = Math.atan2(2 * (y * z + w * x), w * w - x * x - y * y + z * z);
    out[1] = Math.asin(s);
    out[2] = Math.atan2(2 * (x * y + w * z), w * w + x * x - y * y - z * z);
  }
}
