/**
 * The quadruped's ammo.js world: one btRigidBody per rigid part (torso with its fixed leg stubs, four thighs,
 * four shins) joined by btHingeConstraints built from frames, so a hinge reads angle 0 in the built pose; the
 * ground plane; the solver configured from the physics version; and the per-sub-step callback.
 *
 * A world is built from scratch for every episode (the shapes are kept): the broadphase, pair cache and solver
 * carry history, and only a fresh world makes an episode a pure function of (morphology, seed, actions) whatever
 * ran before it. Rebuilding costs well under a millisecond (see `quadruped_reset_ms`).
 */
import type AmmoNs from 'ammojs-typed/wasm';
import type { AmmoModule } from './ammo';
import type { Assembly } from './assembly';
import { configureSolver, type PhysicsSettings } from './physics';

/** Control step (docs/METHOD.md#quadruped-simulation); the physics version sets how many sub-steps it is simulated in. */
export const CONTROL_DT = 0.0165;
export const GRAVITY = 9.8;

/** Contact properties (docs/METHOD.md#quadruped-simulation): Bullet multiplies the two friction coefficients (1.5 × 0.8 = 1.2). */
const ROBOT_FRICTION = 1.5;
const GROUND_FRICTION = 0.8;
const GROUND_RESTITUTION = 0.5;
const DAMPING = 0.04;
/** Collision groups: robot parts collide with the ground only, never with each other (docs/METHOD.md#quadruped-simulation). */
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

/** A world position and (x, y, z, w) orientation. */
export interface Pose {
  readonly position: readonly number[];
  readonly orientation: readonly number[];
}

/** One episode's world. Bodies carry their part index as user index; the ground carries −1. */
export interface World {
  readonly dispatcher: AmmoNs.btCollisionDispatcher;
  readonly broadphase: AmmoNs.btDbvtBroadphase;
  readonly solver: AmmoNs.btSequentialImpulseConstraintSolver;
  readonly world: AmmoNs.btDiscreteDynamicsWorld;
  readonly parts: AmmoNs.btRigidBody[];
  readonly ground: AmmoNs.btRigidBody;
  /** In action order. */
  readonly hinges: AmmoNs.btHingeConstraint[];
  readonly motionStates: AmmoNs.btDefaultMotionState[];
}

/** One collision configuration per ammo.js instance (3.5 MB each, measured when the stack was chosen). */
const collisionConfigs = new WeakMap<AmmoModule, AmmoNs.btDefaultCollisionConfiguration>();

type WithFunctions = AmmoModule & { addFunction(fn: (world: number, timeStep: number) => void, signature: string): number };
interface Ticker {
  readonly pointer: number;
  readonly worlds: Map<number, () => void>;
}
/** One wasm table slot per ammo instance; it dispatches each sub-step to the callback of the world stepping. */
const tickers = new WeakMap<AmmoModule, Ticker>();
function ticker(A: AmmoModule): Ticker {
  let t = tickers.get(A);
  if (!t) {
    const worlds = new Map<number, () => void>();
    t = { worlds, pointer: (A as WithFunctions).addFunction((world) => worlds.get(world)?.(), 'vif') };
    tickers.set(A, t);
  }
  return t;
}

/** Builds and destroys the worlds of one assembled body; holds the collision shapes they share. */
export class WorldBuilder {
  /** A scratch vector for whoever sets the bodies' velocities and torques (ammo.js objects live in the wasm heap). */
  readonly v: AmmoNs.btVector3;
  private readonly q: AmmoNs.btQuaternion;
  private readonly t: AmmoNs.btTransform;
  private readonly partShapes: AmmoNs.btCompoundShape[];
  private readonly childShapes: AmmoNs.btCollisionShape[] = [];
  private readonly groundShape: AmmoNs.btStaticPlaneShape;

  constructor(
    private readonly A: AmmoModule,
    private readonly assembly: Assembly,
    private readonly physics: PhysicsSettings,
  ) {
    this.v = new A.btVector3(0, 0, 0);
    this.q = new A.btQuaternion(0, 0, 0, 1);
    this.t = new A.btTransform();
    this.partShapes = assembly.parts.map((p) => {
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
  }

  /** A fresh world with the parts at `poses` (part frames, in part order), at rest. */
  build(poses: readonly Pose[]): World {
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
    const addBody = (mass: number, shape: AmmoNs.btCollisionShape, inertia: readonly number[], pose: Pose): AmmoNs.btRigidBody => {
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
    return { dispatcher, broadphase, solver, world, parts, ground, hinges, motionStates };
  }

  /**
   * Calls `tick` after every physics sub-step of `w`, or nothing when undefined: the callback is installed only
   * when something needs it.
   */
  setTick(w: World, tick: (() => void) | undefined): void {
    const t = ticker(this.A);
    const key = this.A.getPointer(w.world);
    if (tick) {
      t.worlds.set(key, tick);
      w.world.setInternalTickCallback(t.pointer);
    } else {
      t.worlds.delete(key);
      w.world.setInternalTickCallback(0);
    }
  }

  destroy(w: World): void {
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
  }

  /** Frees the shapes and scratch objects; destroy every world built first. */
  dispose(): void {
    const A = this.A;
    for (const s of this.partShapes) A.destroy(s);
    for (const s of this.childShapes) A.destroy(s);
    A.destroy(this.groundShape);
    A.destroy(this.v);
    A.destroy(this.q);
    A.destroy(this.t);
  }

  private transform(position: readonly number[], rotation: readonly number[]): AmmoNs.btTransform {
    this.t.setIdentity();
    this.v.setValue(position[0]!, position[1]!, position[2]!);
    this.t.setOrigin(this.v);
    this.q.setValue(rotation[0]!, rotation[1]!, rotation[2]!, rotation[3]!);
    this.t.setRotation(this.q);
    return this.t;
  }
}
