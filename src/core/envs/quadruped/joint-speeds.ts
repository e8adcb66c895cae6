/**
 * Joint speeds written into the bodies' velocities: the cap pybullet applies to every joint after every physics
 * sub-step, and the joint speeds of a constructed start. The ant is a tree of free bodies held by hinges, so a
 * joint's speed is changed by turning the child's whole subtree about the hinge axis through the pivot, angular
 * and linear velocities together, so the pivots stay together.
 */
import type AmmoNs from 'ammojs-typed/wasm';
import { rotateComponentsInto, type V3 } from '../../math/rigid';
import type { AmmoModule } from './ammo';
import type { Assembly } from './assembly';
import { PART_STATE_FLOATS as S } from './observation';

export class JointSpeeds {
  /** Per joint, the parts that turn with its child (the child and everything below it). */
  private readonly subtree: readonly Int32Array[];
  /** Heap float index of each part's angular and linear velocity and of its world transform, set per world. */
  private readonly omegaSlot: Int32Array;
  private readonly velocitySlot: Int32Array;
  private readonly transformSlot: Int32Array;
  /** Hinge axes in their parent parts' frames, flattened (3 per joint). */
  private readonly axisParent: Float64Array;
  private readonly scratch3 = new Float64Array(3);

  constructor(
    private readonly A: AmmoModule,
    private readonly assembly: Assembly,
  ) {
    const { parts, joints } = assembly;
    this.omegaSlot = new Int32Array(parts.length);
    this.velocitySlot = new Int32Array(parts.length);
    this.transformSlot = new Int32Array(parts.length);
    this.axisParent = Float64Array.from(joints.flatMap((j) => j.axisInParent));
    const below = (part: number): number[] => [part, ...joints.filter((j) => j.parent === part).flatMap((j) => below(j.child))];
    this.subtree = joints.map((j) => Int32Array.from(below(j.child)));
  }

  /** Finds a new world's bodies in the wasm heap (their velocity and transform members stay put while they live). */
  locate(parts: readonly AmmoNs.btRigidBody[]): void {
    const A = this.A;
    parts.forEach((body, i) => {
      this.omegaSlot[i] = A.getPointer(body.getAngularVelocity()) >> 2;
      this.velocitySlot[i] = A.getPointer(body.getLinearVelocity()) >> 2;
      this.transformSlot[i] = A.getPointer(body.getWorldTransform()) >> 2;
    });
  }

  /**
   * pybullet clamps every joint's speed to ±max (btMultiBody's max coordinate velocity, 100 rad/s) with the other
   * joints' speeds and the base's held, i.e. the joint's subtree is turned back about the hinge axis through the
   * pivot. The same here on the bodies of the world last `locate`d, written straight into their velocities as
   * setAngularVelocity / setLinearVelocity would.
   */
  cap(max: number): void {
    const heap = this.A.HEAPF32;
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

  /**
   * Sets the bodies moving with the given joint speeds (rad/s, action order) on top of a common linear velocity
   * `v0`, from their poses in `state` (as the observation read them). Joints in action order come parent first,
   * so each child's velocity follows from its parent's already set: ω_c = ω_p + q̇·axis, and
   * v_c = v_p + ω_p × (pivot − x_p) + ω_c × (x_c − pivot) keeps the pivot together. `scratch` carries the values
   * into the engine.
   */
  set(speeds: ArrayLike<number>, v0: V3, state: Float64Array, parts: readonly AmmoNs.btRigidBody[], scratch: AmmoNs.btVector3): void {
    const st = state;
    const omega = new Float64Array(parts.length * 3);
    const vel = Float64Array.from({ length: parts.length * 3 }, (_, i) => v0[i % 3]!);
    const cross = (a: ArrayLike<number>, ao: number, b: readonly number[]): V3 => [a[ao + 1]! * b[2]! - a[ao + 2]! * b[1]!, a[ao + 2]! * b[0]! - a[ao]! * b[2]!, a[ao]! * b[1]! - a[ao + 1]! * b[0]!];
    const r = this.scratch3;
    this.assembly.joints.forEach((j, n) => {
      const p = j.parent;
      const c = j.child;
      const at = (part: number): V3 => [st[part * S]!, st[part * S + 1]!, st[part * S + 2]!];
      rotateComponentsInto(st[p * S + 3]!, st[p * S + 4]!, st[p * S + 5]!, st[p * S + 6]!, j.pivotInParent[0], j.pivotInParent[1], j.pivotInParent[2], r);
      const xp = at(p);
      const xc = at(c);
      const toPivot: V3 = [r[0]!, r[1]!, r[2]!];
      const pivot: V3 = [xp[0] + toPivot[0], xp[1] + toPivot[1], xp[2] + toPivot[2]];
      rotateComponentsInto(st[p * S + 3]!, st[p * S + 4]!, st[p * S + 5]!, st[p * S + 6]!, this.axisParent[3 * n]!, this.axisParent[3 * n + 1]!, this.axisParent[3 * n + 2]!, r);
      for (let i = 0; i < 3; i++) omega[3 * c + i] = omega[3 * p + i]! + speeds[n]! * r[i]!;
      const a = cross(omega, 3 * p, toPivot);
      const b = cross(omega, 3 * c, [xc[0] - pivot[0], xc[1] - pivot[1], xc[2] - pivot[2]]);
      for (let i = 0; i < 3; i++) vel[3 * c + i] = vel[3 * p + i]! + a[i]! + b[i]!;
    });
    parts.forEach((body, i) => {
      scratch.setValue(omega[3 * i]!, omega[3 * i + 1]!, omega[3 * i + 2]!);
      body.setAngularVelocity(scratch);
      scratch.setValue(vel[3 * i]!, vel[3 * i + 1]!, vel[3 * i + 2]!);
      body.setLinearVelocity(scratch);
    });
  }
}
