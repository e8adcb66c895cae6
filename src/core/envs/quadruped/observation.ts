/**
 * What the quadruped observes (docs/METHOD.md#quadruped-observation): the parts' state read from the world after a step, and from it the
 * 28-d observation as AntBulletEnv-v0 computes it — torso height, the angle to the walk target, the torso's
 * velocity in its yaw frame, roll and pitch, joint positions and speeds, and foot contacts — with the potential
 * the progress reward is the change of. Every buffer is this instance's: two envs in one thread share nothing.
 */
import { quatMulComponentsInto, rotate, rotateComponentsInto } from '../../math/rigid';
import type { Assembly } from './assembly';
import { CONTROL_DT, type World } from './world';

export const OBSERVATION_SIZE = 28;
/** The walk target (docs/METHOD.md#quadruped-observation). */
export const TARGET_X = 1000;
export const TARGET_Y = 0;
/** Per part, the state floats read after each step: position, orientation (x, y, z, w), linear and angular velocity. */
export const PART_STATE_FLOATS = 13;
const S = PART_STATE_FLOATS;

export class QuadrupedObservation {
  /** Per part, `PART_STATE_FLOATS` floats as of the last `read`. */
  readonly state: Float64Array;
  /** Joint angles (radians) and speeds (rad/s) in action order, as of the last `read`. */
  readonly jointAngle: Float64Array;
  readonly jointSpeed: Float64Array;
  /** The observation, clipped to ±5. */
  readonly observation = new Float32Array(OBSERVATION_SIZE);
  /** The same before the clip (the electricity and joints-at-limit rewards are computed from it, docs/METHOD.md#quadruped-rewards). */
  readonly raw = new Float64Array(OBSERVATION_SIZE);
  /** Height and x of the torso's centre of mass, as of the last `compute`. */
  torsoZ = 0;
  torsoX = 0;
  private readonly initialZ: number;
  /** Hinge axes in their parent parts' frames, flattened (3 per joint). */
  private readonly axisParent: Float64Array;
  private readonly scratch3 = new Float64Array(3);
  /** x̄, ȳ of the last `compute`. */
  private readonly mean2 = new Float64Array(2);
  /** Torso base frame orientation and its roll, pitch, yaw. */
  private readonly torsoQuat = new Float64Array(4);
  private readonly rpy = new Float64Array(3);

  constructor(private readonly assembly: Assembly) {
    const { parts, joints, links } = assembly;
    this.state = new Float64Array(parts.length * S);
    this.jointAngle = new Float64Array(joints.length);
    this.jointSpeed = new Float64Array(joints.length);
    this.axisParent = Float64Array.from(joints.flatMap((j) => j.axisInParent));
    const built = assembly.pose(new Float64Array(joints.length))[0]!;
    this.initialZ = built.position[2] + rotate(built.orientation, links[0]!.com)[2];
  }

  /** Reads every part's pose and velocities, and the joint angles and speeds, from `w`. */
  read(w: World): void {
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
    const axis = this.scratch3;
    for (let n = 0; n < joints.length; n++) {
      const j = joints[n]!;
      this.jointAngle[n] = w.hinges[n]!.getHingeAngle();
      // q̇ = (ω_child − ω_parent) · axis, the axis taken in world through the parent's orientation.
      const p = j.parent * S;
      const c = j.child * S;
      rotateComponentsInto(st[p + 3]!, st[p + 4]!, st[p + 5]!, st[p + 6]!, this.axisParent[3 * n]!, this.axisParent[3 * n + 1]!, this.axisParent[3 * n + 2]!, axis);
      this.jointSpeed[n] = (st[c + 10]! - st[p + 10]!) * axis[0]! + (st[c + 11]! - st[p + 11]!) * axis[1]! + (st[c + 12]! - st[p + 12]!) * axis[2]!;
    }
  }

  /**
   * Fills the observation from the last `read` and the foot contact flags (observed one step late); returns false
   * if the unclipped state is not finite.
   */
  compute(feetContact: Float32Array): boolean {
    const st = this.state;
    const torso = this.assembly.links[0]!;
    // Torso base frame: the root body's pose (its part may hold more than the torso sphere).
    const qx0 = st[3]!, qy0 = st[4]!, qz0 = st[5]!, qw0 = st[6]!;
    const [px, py, pz, pw] = torso.orientation;
    const q = this.torsoQuat;
    quatMulComponentsInto(qx0, qy0, qz0, qw0, px, py, pz, pw, q);
    const r = this.scratch3;
    rotateComponentsInto(qx0, qy0, qz0, qw0, torso.com[0], torso.com[1], torso.com[2], r);
    const rx = r[0]!, ry = r[1]!, rz = r[2]!;
    const torsoZ = st[2]! + rz;
    this.torsoZ = torsoZ;
    this.torsoX = st[0]! + rx;
    // Velocity of the torso's centre of mass: v + ω × r.
    const vx = st[7]! + st[11]! * rz - st[12]! * ry;
    const vy = st[8]! + st[12]! * rx - st[10]! * rz;
    const vz = st[9]! + st[10]! * ry - st[11]! * rx;
    const rpy = this.rpy;
    eulerFromQuaternion(q[0]!, q[1]!, q[2]!, q[3]!, rpy);
    const yaw = rpy[2]!;
    this.meanXY();
    const theta = Math.atan2(TARGET_Y - this.mean2[1]!, TARGET_X - this.mean2[0]!) - yaw;
    const raw = this.raw;
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
    for (let f = 0; f < feetContact.length; f++) raw[f0 + f] = feetContact[f]!;
    const obs = this.observation;
    let finite = true;
    for (let i = 0; i < OBSERVATION_SIZE; i++) {
      const v = raw[i]!;
      if (!Number.isFinite(v)) finite = false;
      obs[i] = v > 5 ? 5 : v < -5 ? -5 : v;
    }
    return finite;
  }

  /** Potential of the state the last `compute` saw (its x̄, ȳ): minus the distance to the target per control step. */
  potential(): number {
    return -Math.hypot(TARGET_X - this.mean2[0]!, TARGET_Y - this.mean2[1]!) / CONTROL_DT;
  }

  /** x̄, ȳ: mean over the parts' centres of mass and the floor at the origin (docs/METHOD.md#quadruped-observation). */
  private meanXY(): void {
    const st = this.state;
    const com = this.scratch3;
    let sx = 0;
    let sy = 0;
    for (const l of this.assembly.links) {
      const b = l.part * S;
      rotateComponentsInto(st[b + 3]!, st[b + 4]!, st[b + 5]!, st[b + 6]!, l.com[0], l.com[1], l.com[2], com);
      sx += st[b]! + com[0]!;
      sy += st[b + 1]! + com[1]!;
    }
    const count = this.assembly.links.length + 1;
    this.mean2[0] = sx / count;
    this.mean2[1] = sy / count;
  }
}

/** pybullet's getEulerFromQuaternion (docs/METHOD.md#quadruped-observation), written into out as (roll, pitch, yaw). */
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
