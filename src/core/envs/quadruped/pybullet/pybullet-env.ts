/**
 * The quadruped under physics version 3: pybullet 2.6.6's AntBulletEnv-v0 on pybullet's own engine (bullet.ts).
 *
 * The engine loads the body with pybullet's MJCF importer and steps it as pybullet_envs configures it; this file
 * computes what pybullet_envs' Python computes from the state after each step — WalkerBase.calc_state (the 28-d
 * observation), WalkerBaseBulletEnv.step (the five reward terms, `done`) — with numpy's float32 casts and its
 * summation order, so observations and rewards match the reference to the last bit where the engine's state does
 * (test/integration/pybullet-fixtures.test.ts, docs/PHYSICS.md#physics-version-3). Every reset opens a fresh
 * pybullet client, as the reference's fitness function makes a fresh env per lifetime.
 */
import { antInterface } from '../../../morphology/anatomy';
import { serialiseMjcf } from '../../../morphology/mjcf-write';
import type { Morphology } from '../../../morphology/model';
import type { RandomStream } from '../../../random';
import type { Env, StepResult } from '../../env';
import { POSE_FLOATS } from '../../env';
import { quatMulComponentsInto, rotateComponentsInto } from '../../../math/rigid';
import { assemble, type Assembly } from '../assembly';
import { eulerFromQuaternion, OBSERVATION_SIZE } from '../observation';
import { BASE_FLOATS, LINK_FLOATS, type BulletEngine } from './bullet';
import { FALLEN_Z as ALIVE_Z, PROGRESS, RESET_NOISE, REWARD_TERMS } from '../quadruped-env';
import { PYBULLET_SOLVER, validSolverSteps, type SolverSteps } from '../physics';
import { parseStateLog, type StateLog } from './state-log';

/** pybullet_envs' constants for the ant (robot_locomotors.py, gym_locomotion_envs.py, scene_abstract.py). */
const SCENE_DT = (0.0165 / 4) * 4;
const WALK_TARGET_X = 1e3;
const WALK_TARGET_Y = 0;
const ELECTRICITY_COST = -2.0;
const STALL_TORQUE_COST = -0.1;
const JOINTS_AT_LIMIT_COST = -0.1;
const AT_LIMIT = Math.fround(0.99);

const f32 = Math.fround;

/**
 * numpy's float32 mean of n ≤ 128 values as `np.mean` computes it: pairwise_sum's eight accumulators over whole
 * blocks of eight, combined as ((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7)), the rest added in order; then ÷ n in float32.
 * `float64` sums in double instead (numpy's float64 mean, same order).
 */
export function numpyMean(values: ArrayLike<number>, n: number, float64 = false): number {
  const r = float64 ? (x: number): number => x : f32;
  let sum: number;
  if (n < 8) {
    sum = 0;
    for (let i = 0; i < n; i++) sum = r(sum + values[i]!);
  } else {
    const acc = [0, 0, 0, 0, 0, 0, 0, 0];
    for (let k = 0; k < 8; k++) acc[k] = values[k]!;
    const whole = n - (n % 8);
    for (let i = 8; i < whole; i += 8) for (let k = 0; k < 8; k++) acc[k] = r(acc[k]! + values[i + k]!);
    sum = r(r(r(acc[0]! + acc[1]!) + r(acc[2]! + acc[3]!)) + r(r(acc[4]! + acc[5]!) + r(acc[6]! + acc[7]!)));
    for (let i = whole; i < n; i++) sum = r(sum + values[i]!);
  }
  return r(sum / n);
}

export class PybulletQuadrupedEnv implements Env {
  readonly observationSize = OBSERVATION_SIZE;
  readonly actionSize: number;
  readonly rewardTerms: readonly string[] = REWARD_TERMS;
  readonly fitnessTerm = PROGRESS;
  readonly bodyNames: readonly string[];
  readonly actuatorStrength: Float32Array;
  readonly assembly: Assembly;
  /** Solver iterations and sub-steps per control step (pybullet_envs': 5 and 4; the audit's re-runs change them). */
  readonly solver: SolverSteps;
  /** Σ of the links' masses as pybullet's importer made them (kg). */
  readonly mass: number;
  /** pybullet's name of each link (index −1, the base, is `bodyNames[0]`). */
  readonly linkNames: readonly string[];
  /** Per action: where its joint's position sits among the body's movable joints (the generic-robot log's q order). */
  readonly logDofOfAction: Int32Array;

  private readonly mjcfPath: string;
  private world = -1;
  private state: Float64Array = new Float64Array(0);
  private readonly numLinks: number;
  /** Motor (pybullet's ordered_joints) index of each action. */
  private readonly motorOfAction: Int32Array;
  private readonly lower: Float64Array;
  private readonly upper: Float64Array;
  private readonly torqueScale: Float64Array;
  /** pybullet link index of each foot, in the ant's foot order; of each body in `bodyNames` (−1: the base). */
  private readonly footLink: Int32Array;
  private readonly bodyLink: Int32Array;
  /** The base's centre-of-mass frame in its link frame (for the torso's pose). */
  private readonly baseInertial: readonly number[];
  /** The parts pybullet_envs averages for body_xyz, in its dict order: link 0, the base, links 1…, then the floor. */
  private readonly partXs: Float64Array;
  private readonly partYs: Float64Array;

  private readonly observation = new Float32Array(OBSERVATION_SIZE);
  private readonly rewards = new Float64Array(REWARD_TERMS.length);
  private readonly result: { observation: Float32Array; rewards: Float64Array; done: boolean; finite: boolean };
  private readonly torques: Float64Array;
  private readonly angles: Float64Array;
  /** calc_state's float32 joint array j: (relative position, 0.1·speed) per joint, action order. */
  private readonly j: Float32Array;
  private readonly product: Float32Array;
  private readonly feetContact: Float32Array;
  private readonly rpy = new Float64Array(3);
  private readonly raw = new Float64Array(OBSERVATION_SIZE);
  private readonly scratch3 = new Float64Array(3);
  private initialZ = 0;
  private potential = 0;
  private jointsAtLimit = 0;
  /** body_xyz's x and y as of the last calc_state. */
  private bodyX = 0;
  private bodyY = 0;
  private startX = 0;
  private floorAdded = false;
  private disposed = false;

  constructor(
    private readonly engine: BulletEngine,
    morphology: Morphology,
    options: { readonly solver?: SolverSteps } = {},
  ) {
    this.solver = validSolverSteps({ ...(options.solver ?? PYBULLET_SOLVER) });
    const ant = antInterface(morphology).interface;
    if (!ant) throw new RangeError(`body '${morphology.name}' cannot carry the ant's policy`);
    this.assembly = assemble(morphology);
    this.actionSize = ant.joints.length;
    this.bodyNames = this.assembly.links.map((l) => l.name);
    this.actuatorStrength = new Float32Array(this.actionSize).fill(1);
    this.torqueScale = Float64Array.from(this.assembly.joints, (j) => j.torquePerAction);
    this.mjcfPath = engine.writeBody(serialiseMjcf(morphology));

    // Names and limits as pybullet's importer made them, from one world opened for the purpose. A body pybullet
    // makes otherwise than this ant leaves nothing behind in the engine.
    let probe = -1;
    try {
      probe = engine.create(this.mjcfPath);
      this.numLinks = engine.numLinks(probe);
      const infos = Array.from({ length: this.numLinks }, (_, l) => engine.jointInfo(probe, l));
      const motors = Array.from({ length: engine.numMotors(probe) }, (_, m) => infos[engine.motorJoint(probe, m)]!);
      this.motorOfAction = Int32Array.from(ant.joints, (name) => motors.findIndex((m) => m.name === name));
      if (motors.length !== this.actionSize || this.motorOfAction.some((m) => m < 0)) {
        throw new RangeError(`pybullet found motors ${motors.map((m) => m.name).join(', ')}; the ant's are ${ant.joints.join(', ')}`);
      }
      this.lower = Float64Array.from(this.motorOfAction, (m) => motors[m]!.lower);
      this.upper = Float64Array.from(this.motorOfAction, (m) => motors[m]!.upper);
      const linkOf = (name: string): number => {
        const l = infos.findIndex((i) => i.linkName === name);
        if (l < 0) throw new RangeError(`pybullet made no link named '${name}' of body '${morphology.name}'`);
        return l;
      };
      this.footLink = Int32Array.from(ant.feet, linkOf);
      this.bodyLink = Int32Array.from(this.bodyNames, (name, k) => (k === 0 ? -1 : linkOf(name)));
      this.baseInertial = engine.dynamicsInfo(probe, -1).inertialFrame;
      this.linkNames = infos.map((i) => i.linkName);
      let mass = 0;
      for (let l = -1; l < this.numLinks; l++) mass += engine.dynamicsInfo(probe, l).mass;
      this.mass = mass;
      // pybullet's JOINT_REVOLUTE (0) and JOINT_PRISMATIC (1) have a position; the log lists them in link order.
      const movable = infos.map((i, l) => (i.type === 0 || i.type === 1 ? l : -1)).filter((l) => l >= 0);
      this.logDofOfAction = Int32Array.from(this.motorOfAction, (m) => movable.indexOf(engine.motorJoint(probe, m)));
    } catch (e) {
      engine.removeFile(this.mjcfPath);
      throw e;
    } finally {
      if (probe >= 0) engine.destroy(probe);
    }
    this.partXs = new Float64Array(this.numLinks + 2);
    this.partYs = new Float64Array(this.numLinks + 2);
    this.torques = new Float64Array(this.actionSize);
    this.angles = new Float64Array(this.actionSize);
    this.j = new Float32Array(2 * this.actionSize);
    this.product = new Float32Array(this.actionSize);
    this.feetContact = new Float32Array(ant.feet.length);
    this.result = { observation: this.observation, rewards: this.rewards, done: false, finite: true };
  }

  /** The reference's reset: each joint at U(−0.1, 0.1) (pybullet_envs draws them in joint order), at rest. */
  reset(rng: RandomStream): Float32Array {
    const angles = new Float64Array(this.actionSize);
    for (let n = 0; n < angles.length; n++) angles[n] = rng.uniform(-RESET_NOISE, RESET_NOISE);
    return this.resetTo(angles);
  }

  /** Starts an episode from these joint angles (radians, action order) in a fresh pybullet world. */
  resetTo(jointAngles: ArrayLike<number>): Float32Array {
    this.assertLive();
    if (jointAngles.length !== this.actionSize || !Array.from(jointAngles).every(Number.isFinite)) {
      throw new RangeError(`jointAngles must be ${this.actionSize} finite numbers`);
    }
    this.closeWorld();
    this.world = this.engine.create(this.mjcfPath);
    const { solverIterations, subSteps } = this.solver;
    if (solverIterations !== PYBULLET_SOLVER.solverIterations || subSteps !== PYBULLET_SOLVER.subSteps) {
      this.engine.setSolver(this.world, solverIterations, subSteps);
    }
    for (let n = 0; n < this.actionSize; n++) this.angles[this.motorOfAction[n]!] = jointAngles[n]!;
    this.engine.resetJoints(this.world, this.angles);
    this.state = this.engine.stateView(this.world);
    this.actuatorStrength.fill(1);
    this.feetContact.fill(0);
    // robot.reset: calc_state with initial_z unset, then env.reset takes the potential — both before the floor
    // joins the parts body_xyz averages (WalkerBaseBulletEnv.reset adds it afterwards).
    this.floorAdded = false;
    this.initialZ = Number.NaN;
    this.calcState();
    this.potential = this.calcPotential();
    this.floorAdded = true;
    this.startX = this.state[0]!;
    return this.observation;
  }

  step(action: ArrayLike<number>): StepResult {
    this.assertReady();
    const nJ = this.actionSize;
    if (action.length !== nJ) throw new RangeError(`action must have ${nJ} values, got ${action.length}`);
    for (let n = 0; n < nJ; n++) {
      const a = action[n]!;
      if (!Number.isFinite(a)) throw new RangeError(`action[${n}] is not finite`);
      this.torques[this.motorOfAction[n]!] = this.torqueScale[n]! * this.actuatorStrength[n]! * (a > 1 ? 1 : a < -1 ? -1 : a);
    }
    this.engine.step(this.world, this.torques);
    // The view outlives a step unless the engine's memory grew (which detaches the old buffer): no allocation per step.
    if (this.state.byteLength === 0) this.state = this.engine.stateView(this.world);
    const finite = this.calcState();

    const r = this.rewards;
    r[0] = f32(this.observation[0]!) + this.initialZ > ALIVE_Z ? 1 : -1;
    const potentialOld = this.potential;
    this.potential = this.calcPotential();
    r[1] = this.potential - potentialOld;
    // Feet touching the floor after this step; the next observation carries them.
    const contact = BASE_FLOATS + 2 * nJ + LINK_FLOATS * this.numLinks;
    for (let f = 0; f < this.feetContact.length; f++) this.feetContact[f] = this.state[contact + this.footLink[f]!]!;
    // electricity_cost: np.abs(a * joint_speeds).mean() and np.square(a).mean(), in float32 (the policy's actions are).
    const p = this.product;
    for (let n = 0; n < nJ; n++) p[n] = Math.abs(f32(action[n]!) * this.j[2 * n + 1]!);
    const work = numpyMean(p, nJ);
    for (let n = 0; n < nJ; n++) p[n] = f32(action[n]!) * f32(action[n]!);
    r[2] = ELECTRICITY_COST * work + STALL_TORQUE_COST * numpyMean(p, nJ);
    r[3] = JOINTS_AT_LIMIT_COST * this.jointsAtLimit;
    r[4] = 0;
    this.result.done = r[0] < 0 || !finite;
    this.result.finite = finite;
    return this.result;
  }

  /** Torso x now minus at reset (m); the walk target lies along +x. */
  forwardDistance(): number {
    this.assertReady();
    return this.state[0]! - this.startX;
  }

  poses(out: Float32Array, offset = 0): void {
    this.assertReady();
    const st = this.state;
    const links = BASE_FLOATS + 2 * this.actionSize;
    const r = this.scratch3;
    for (let k = 0; k < this.bodyLink.length; k++) {
      const o = offset + k * POSE_FLOATS;
      const l = this.bodyLink[k]!;
      if (l < 0) {
        // The base's link frame: its centre-of-mass frame composed with the inverse of the inertial frame.
        const [ix, iy, iz, qx, qy, qz, qw] = this.baseInertial as [number, number, number, number, number, number, number];
        quatMulComponentsInto(st[3]!, st[4]!, st[5]!, st[6]!, -qx, -qy, -qz, qw, out, o + 3);
        rotateComponentsInto(out[o + 3]!, out[o + 4]!, out[o + 5]!, out[o + 6]!, -ix, -iy, -iz, r);
        out[o] = st[0]! + r[0]!;
        out[o + 1] = st[1]! + r[1]!;
        out[o + 2] = st[2]! + r[2]!;
        continue;
      }
      const b = links + LINK_FLOATS * l + 3;
      for (let i = 0; i < POSE_FLOATS; i++) out[o + i] = st[b + i]!;
    }
  }

  /** Joint angles (radians) in action order, as of the last reset or step. */
  jointAngles(): Float64Array {
    const out = new Float64Array(this.actionSize);
    for (let n = 0; n < this.actionSize; n++) out[n] = this.state[BASE_FLOATS + 2 * this.motorOfAction[n]!]!;
    return out;
  }

  /** Joint speeds (rad/s) in action order. */
  jointSpeeds(): Float64Array {
    const out = new Float64Array(this.actionSize);
    for (let n = 0; n < this.actionSize; n++) out[n] = this.state[BASE_FLOATS + 2 * this.motorOfAction[n]! + 1]!;
    return out;
  }

  /** The engine's state array as of the last reset or step (bullet.ts gives its layout). */
  rawState(): Float64Array {
    this.assertReady();
    return this.state;
  }

  /** Foot contact flags as of the last step (what the next observation carries). */
  currentFeetContact(): Float32Array {
    return this.feetContact;
  }

  /** Joint limits (radians) in action order, as pybullet's importer made them. */
  jointLimits(): { readonly lower: Float64Array; readonly upper: Float64Array } {
    return { lower: this.lower, upper: this.upper };
  }

  /** From the next step on, pybullet's own state loggers record every physics sub-step (the audit's probe). */
  startSubStepLogs(): void {
    this.assertReady();
    this.engine.startSubStepLogs(this.world);
  }

  /** Stops the loggers: per sub-step, the robot's contact points with the floor, and its state. */
  stopSubStepLogs(): { readonly contacts: StateLog; readonly robot: StateLog } {
    this.assertReady();
    const logs = this.engine.stopSubStepLogs(this.world);
    return { contacts: parseStateLog(logs.contacts), robot: parseStateLog(logs.robot) };
  }

  /** Torso height (m) above the floor, the base's centre of mass. */
  torsoZ(): number {
    return this.state[2]!;
  }

  dispose(): void {
    if (this.disposed) return;
    this.closeWorld();
    this.engine.removeFile(this.mjcfPath);
    this.disposed = true;
  }

  /** WalkerBase.calc_state into `observation`; returns false if the unclipped state is not finite. */
  private calcState(): boolean {
    const st = this.state;
    const nJ = this.actionSize;
    const j = this.j;
    let atLimit = 0;
    for (let n = 0; n < nJ; n++) {
      const m = BASE_FLOATS + 2 * this.motorOfAction[n]!;
      const lo = this.lower[n]!;
      const hi = this.upper[n]!;
      const mid = 0.5 * (lo + hi);
      j[2 * n] = (2 * (st[m]! - mid)) / (hi - lo);
      j[2 * n + 1] = 0.1 * st[m + 1]!;
      // numpy compares the float32 array with 0.99 cast to float32.
      if (Math.abs(j[2 * n]!) > AT_LIMIT) atLimit++;
    }
    this.jointsAtLimit = atLimit;
    // body_xyz: x and y averaged over the parts in dict order (link 0, the base, the other links, the floor once
    // added), z the torso's.
    const links = BASE_FLOATS + 2 * nJ;
    const xs = this.partXs;
    const ys = this.partYs;
    xs[0] = this.numLinks > 0 ? st[links]! : st[0]!;
    ys[0] = this.numLinks > 0 ? st[links + 1]! : st[1]!;
    let count = 1;
    if (this.numLinks > 0) {
      xs[1] = st[0]!;
      ys[1] = st[1]!;
      count = 2;
      for (let l = 1; l < this.numLinks; l++, count++) {
        xs[count] = st[links + LINK_FLOATS * l]!;
        ys[count] = st[links + LINK_FLOATS * l + 1]!;
      }
    }
    if (this.floorAdded) {
      xs[count] = 0;
      ys[count++] = 0;
    }
    const x = numpyMean(xs, count, true);
    const y = numpyMean(ys, count, true);
    this.bodyX = x;
    this.bodyY = y;
    const z = st[2]!;
    eulerFromQuaternion(st[3]!, st[4]!, st[5]!, st[6]!, this.rpy);
    if (Number.isNaN(this.initialZ)) this.initialZ = z;
    const yaw = this.rpy[2]!;
    const angleToTarget = Math.atan2(WALK_TARGET_Y - y, WALK_TARGET_X - x) - yaw;
    const c = Math.cos(-yaw);
    const s = Math.sin(-yaw);
    const v0 = st[7]!, v1 = st[8]!, v2 = st[9]!;
    const raw = this.raw;
    raw[0] = z - this.initialZ;
    raw[1] = Math.sin(angleToTarget);
    raw[2] = Math.cos(angleToTarget);
    raw[3] = 0.3 * (c * v0 - s * v1);
    raw[4] = 0.3 * (s * v0 + c * v1);
    raw[5] = 0.3 * v2;
    raw[6] = this.rpy[0]!;
    raw[7] = this.rpy[1]!;
    for (let i = 0; i < 2 * nJ; i++) raw[8 + i] = j[i]!;
    for (let f = 0; f < this.feetContact.length; f++) raw[8 + 2 * nJ + f] = this.feetContact[f]!;
    // np.array(more, dtype=float32), concatenated with j and the contacts, clipped to ±5.
    const obs = this.observation;
    let finite = true;
    for (let i = 0; i < OBSERVATION_SIZE; i++) {
      const w = f32(raw[i]!);
      if (!Number.isFinite(w)) finite = false;
      obs[i] = w > 5 ? 5 : w < -5 ? -5 : w;
    }
    return finite;
  }


  /** −(distance from body_xyz to the walk target) / dt, with np.linalg.norm's sum of squares. */
  private calcPotential(): number {
    const dy = WALK_TARGET_Y - this.bodyY;
    const dx = WALK_TARGET_X - this.bodyX;
    return -Math.sqrt(dy * dy + dx * dx) / SCENE_DT;
  }

  private closeWorld(): void {
    if (this.world < 0) return;
    this.engine.destroy(this.world);
    this.world = -1;
  }

  private assertLive(): void {
    if (this.disposed) throw new Error('quadruped env used after dispose()');
  }

  private assertReady(): void {
    this.assertLive();
    if (this.world < 0) throw new Error('quadruped env stepped before reset()');
  }
}
