/**
 * Small rigid-body maths on plain number tuples: quaternions (x, y, z, w), 3×3 matrices (row-major), and the
 * principal axes of a symmetric inertia tensor. The tuple forms allocate and serve assembly; the `…Into` forms write
 * into a caller's buffer and serve the per-step paths.
 */

export type V3 = [number, number, number];
/** Quaternion as (x, y, z, w), the order Bullet uses. */
export type Quat = [number, number, number, number];
/** Row-major 3×3 matrix. */
export type M3 = [number, number, number, number, number, number, number, number, number];

export const add = (a: readonly number[], b: readonly number[]): V3 => [a[0]! + b[0]!, a[1]! + b[1]!, a[2]! + b[2]!];
export const sub = (a: readonly number[], b: readonly number[]): V3 => [a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!];
export const scale = (a: readonly number[], k: number): V3 => [a[0]! * k, a[1]! * k, a[2]! * k];
export const dot = (a: readonly number[], b: readonly number[]): number => a[0]! * b[0]! + a[1]! * b[1]! + a[2]! * b[2]!;
export const cross = (a: readonly number[], b: readonly number[]): V3 => [
  a[1]! * b[2]! - a[2]! * b[1]!,
  a[2]! * b[0]! - a[0]! * b[2]!,
  a[0]! * b[1]! - a[1]! * b[0]!,
];
export const norm = (a: readonly number[]): number => Math.hypot(a[0]!, a[1]!, a[2]!);
export const normalise = (a: readonly number[]): V3 => scale(a, 1 / norm(a));

export const QUAT_IDENTITY: Quat = [0, 0, 0, 1];

export function quatMul(a: Quat, b: Quat): Quat {
  const out = [0, 0, 0, 0];
  quatMulComponentsInto(a[0], a[1], a[2], a[3], b[0], b[1], b[2], b[3], out);
  return out as unknown as Quat;
}

/** `quatMul` without allocating, from loose components: a ⊗ b written into `out[o..o+3]` as (x, y, z, w). */
export function quatMulComponentsInto(
  ax: number, ay: number, az: number, aw: number, bx: number, by: number, bz: number, bw: number, out: { [i: number]: number }, o = 0,
): void {
  out[o] = aw * bx + ax * bw + ay * bz - az * by;
  out[o + 1] = aw * by - ax * bz + ay * bw + az * bx;
  out[o + 2] = aw * bz + ax * by - ay * bx + az * bw;
  out[o + 3] = aw * bw - ax * bx - ay * by - az * bz;
}

export const quatConj = (q: Quat): Quat => [-q[0], -q[1], -q[2], q[3]];

/** Rotation by `angle` radians about the unit vector `axis` (right-handed). */
export function quatAxisAngle(axis: readonly number[], angle: number): Quat {
  const s = Math.sin(angle / 2);
  return [axis[0]! * s, axis[1]! * s, axis[2]! * s, Math.cos(angle / 2)];
}

/** Rotates v by the unit quaternion q. */
export function rotate(q: Quat, v: readonly number[]): V3 {
  const out = [0, 0, 0];
  rotateInto(q, 0, v, out);
  return out as unknown as V3;
}

/**
 * `rotate` without allocating, for per-frame use: the quaternion (x, y, z, w) at `q[o..o+3]` (e.g. inside a pose
 * array) applied to `v`, written into `out`.
 */
export function rotateInto(q: ArrayLike<number>, o: number, v: ArrayLike<number>, out: { [i: number]: number }): void {
  rotateComponentsInto(q[o]!, q[o + 1]!, q[o + 2]!, q[o + 3]!, v[0]!, v[1]!, v[2]!, out);
}

/** The same from loose components (the physics step's hot path reads them from Bullet's buffers). */
export function rotateComponentsInto(qx: number, qy: number, qz: number, qw: number, vx: number, vy: number, vz: number, out: { [i: number]: number }): void {
  // v' = v + 2w(u×v) + 2u×(u×v), u = (x, y, z): with t = 2 u×v, v' = v + w t + u×t
  const tx = 2 * (qy * vz - qz * vy);
  const ty = 2 * (qz * vx - qx * vz);
  const tz = 2 * (qx * vy - qy * vx);
  out[0] = vx + qw * tx + (qy * tz - qz * ty);
  out[1] = vy + qw * ty + (qz * tx - qx * tz);
  out[2] = vz + qw * tz + (qx * ty - qy * tx);
}

/** The shortest rotation taking unit vector `from` onto unit vector `to`. */
export function quatFromTo(from: readonly number[], to: readonly number[]): Quat {
  const c = dot(from, to);
  if (c < -1 + 1e-12) {
    // Opposite: any axis perpendicular to `from` will do.
    const helper = Math.abs(from[0]!) < 0.9 ? [1, 0, 0] : [0, 1, 0];
    return quatAxisAngle(normalise(cross(from, helper)), Math.PI);
  }
  const axis = cross(from, to);
  const w = 1 + c;
  const n = Math.hypot(axis[0], axis[1], axis[2], w);
  return [axis[0] / n, axis[1] / n, axis[2] / n, w / n];
}

/** The unit quaternion of a proper rotation matrix (columns are the rotated basis vectors). */
export function quatFromMatrix(m: M3): Quat {
  const [m00, m01, m02, m10, m11, m12, m20, m21, m22] = m;
  const tr = m00 + m11 + m22;
  let q: Quat;
  if (tr > 0) {
    const s = Math.sqrt(tr + 1) * 2;
    q = [(m21 - m12) / s, (m02 - m20) / s, (m10 - m01) / s, s / 4];
  } else if (m00 > m11 && m00 > m22) {
    const s = Math.sqrt(1 + m00 - m11 - m22) * 2;
    q = [s / 4, (m01 + m10) / s, (m02 + m20) / s, (m21 - m12) / s];
  } else if (m11 > m22) {
    const s = Math.sqrt(1 + m11 - m00 - m22) * 2;
    q = [(m01 + m10) / s, s / 4, (m12 + m21) / s, (m02 - m20) / s];
  } else {
    const s = Math.sqrt(1 + m22 - m00 - m11) * 2;
    q = [(m02 + m20) / s, (m12 + m21) / s, s / 4, (m10 - m01) / s];
  }
  return q;
}

/**
 * Eigen-decomposition of a symmetric 3×3 matrix by cyclic Jacobi rotations.
 * Returns the eigenvalues and a proper rotation whose columns are the matching eigenvectors.
 */
export function symmetricEigen(a: M3): { values: V3; vectors: M3 } {
  const m = [...a];
  const v: number[] = [1, 0, 0, 0, 1, 0, 0, 0, 1];
  const at = (r: number, c: number): number => m[3 * r + c]!;
  for (let sweep = 0; sweep < 50; sweep++) {
    const off = Math.abs(at(0, 1)) + Math.abs(at(0, 2)) + Math.abs(at(1, 2));
    const diag = Math.abs(at(0, 0)) + Math.abs(at(1, 1)) + Math.abs(at(2, 2));
    if (off <= 1e-15 * diag || off === 0) break;
    for (const [p, q] of [[0, 1], [0, 2], [1, 2]] as const) {
      const apq = at(p, q);
      if (apq === 0) continue;
      const theta = (at(q, q) - at(p, p)) / (2 * apq);
      const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
      const c = 1 / Math.sqrt(t * t + 1);
      const s = t * c;
      // m ← Jᵀ m J, v ← v J with J the rotation in the (p, q) plane.
      for (let k = 0; k < 3; k++) {
        const mkp = m[3 * k + p]!;
        const mkq = m[3 * k + q]!;
        m[3 * k + p] = c * mkp - s * mkq;
        m[3 * k + q] = s * mkp + c * mkq;
      }
      for (let k = 0; k < 3; k++) {
        const mpk = m[3 * p + k]!;
        const mqk = m[3 * q + k]!;
        m[3 * p + k] = c * mpk - s * mqk;
        m[3 * q + k] = s * mpk + c * mqk;
      }
      for (let k = 0; k < 3; k++) {
        const vkp = v[3 * k + p]!;
        const vkq = v[3 * k + q]!;
        v[3 * k + p] = c * vkp - s * vkq;
        v[3 * k + q] = s * vkp + c * vkq;
      }
    }
  }
  // Jacobi rotations keep det = +1, so the eigenvector matrix is already a proper rotation.
  return { values: [at(0, 0), at(1, 1), at(2, 2)], vectors: v as M3 };
}
