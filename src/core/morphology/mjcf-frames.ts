/**
 * MJCF's spatial quantities, bounded: positions, directions and the five ways of writing an orientation (quat,
 * axisangle, euler, xyaxes, zaxis; MuJoCo's XML reference, "Frame orientations"), with compiler angle and eulerseq.
 */
import { cross, dot, norm, quatAxisAngle, quatFromMatrix, quatMul, rotate, scale, sub, add, QUAT_IDENTITY, type Quat, type V3 } from '../math/rigid';
import { LIMITS, withinPlusMinus } from './limits';
import type { Attrs } from './mjcf-attrs';

export interface Compiler {
  /** compiler angle: degree (MuJoCo's default for MJCF) or radian. */
  readonly degrees: boolean;
  /** compiler eulerseq: lower case rotates with the frame (intrinsic), upper case about the parent's axes. */
  readonly eulerseq: string;
  readonly autolimits: boolean;
  /** compiler inertiafromgeom = "true": MuJoCo itself ignores <inertial>. */
  readonly inertiaFromGeom: boolean;
  readonly groupRange: readonly [number, number];
}

/** A rigid transform: where a frame's origin is and how it is turned, in its parent's frame. */
export interface Frame {
  readonly pos: V3;
  readonly rot: Quat;
}

export const IDENTITY: Frame = { pos: [0, 0, 0], rot: QUAT_IDENTITY };

/** `outer` followed by `inner` (inner given in outer's frame). */
export const compose = (outer: Frame, inner: Frame): Frame => ({ pos: apply(outer, inner.pos), rot: quatMul(outer.rot, inner.rot) });
export const apply = (f: Frame, p: readonly number[]): V3 => add(f.pos, rotate(f.rot, p));

/** Rounding residue of turned frames (cos 90° = 6e-17) is not geometry: anything under a picometre is zero. */
export const clean = (v: readonly number[]): V3 => v.map((x) => (Math.abs(x) < 1e-12 ? 0 : x)) as V3;

/** A position attribute (3 numbers, each within ±maxCoordinate m), or undefined when absent. */
export function position(a: Attrs, attr: string): V3 | undefined {
  const v = a.numbers(attr, 3);
  if (v) coordinates(a, attr, v);
  return v as V3 | undefined;
}

export function coordinates(a: Attrs, attr: string, v: readonly number[]): void {
  if (v.some((x) => Math.abs(x) > LIMITS.maxCoordinate)) {
    a.fail(attr, `each coordinate must be ${withinPlusMinus(LIMITS.maxCoordinate, 'm')}, got ${v.join(' ')}`);
  }
}

/** Checks a direction-like vector (components bounded, length not degenerate); returns its length. */
export function direction(a: Attrs, attr: string, v: readonly number[], what = 'vector'): number {
  if (v.some((x) => Math.abs(x) > LIMITS.maxComponent)) a.fail(attr, `each component must be ${withinPlusMinus(LIMITS.maxComponent)}, got ${v.join(' ')}`);
  const length = Math.hypot(...v);
  if (!(length >= LIMITS.minDirection)) a.fail(attr, `the ${what} must have a length of at least ${LIMITS.minDirection.toExponential()}, got ${length}`);
  return length;
}

const DEG = Math.PI / 180;

/** Angle attribute values in radians, each within ±360° (±2π rad). */
function angles(a: Attrs, attr: string, v: readonly number[], c: Compiler): number[] {
  const bound = c.degrees ? LIMITS.maxAngle : LIMITS.maxAngle * DEG;
  if (v.some((x) => Math.abs(x) > bound)) {
    a.fail(attr, `each angle must be within ±${c.degrees ? `${LIMITS.maxAngle} degrees` : `${Number(bound.toFixed(5))} radians`} (compiler angle="${c.degrees ? 'degree' : 'radian'}"), got ${v.join(' ')}`);
  }
  return v.map((x) => (c.degrees ? x * DEG : x));
}

const ORIENTATIONS = ['quat', 'axisangle', 'euler', 'xyaxes', 'zaxis'] as const;

/** The element's orientation as a unit quaternion (x, y, z, w); identity when none is given. */
export function orientation(a: Attrs, c: Compiler): Quat {
  const present = ORIENTATIONS.filter((k) => a.has(k));
  // An element's own orientation replaces one set by its default class.
  const chosen = present.length > 1 ? present.filter((k) => a.own(k)) : present;
  if (chosen.length > 1) a.fail(chosen[1]!, `only one orientation may be given, but ${chosen.join(' and ')} are`);
  switch (chosen[0]) {
    case 'quat': {
      // MJCF writes (w, x, y, z).
      const [w, x, y, z] = a.numbers('quat', 4)!;
      const n = direction(a, 'quat', [w!, x!, y!, z!], 'quaternion');
      return [x! / n, y! / n, z! / n, w! / n];
    }
    case 'axisangle': {
      const v = a.numbers('axisangle', 4)!;
      const n = direction(a, 'axisangle', v.slice(0, 3), 'rotation axis');
      return quatAxisAngle(scale(v, 1 / n), angles(a, 'axisangle', [v[3]!], c)[0]!);
    }
    case 'euler': {
      const rad = angles(a, 'euler', a.numbers('euler', 3)!, c);
      let q: Quat = QUAT_IDENTITY;
      [...c.eulerseq].forEach((axis, i) => {
        const unit: V3 = [axis.toLowerCase() === 'x' ? 1 : 0, axis.toLowerCase() === 'y' ? 1 : 0, axis.toLowerCase() === 'z' ? 1 : 0];
        const r = quatAxisAngle(unit, rad[i]!);
        q = axis === axis.toLowerCase() ? quatMul(q, r) : quatMul(r, q);
      });
      return q;
    }
    case 'zaxis': {
      const v = a.numbers('zaxis', 3)!;
      return zAxisQuat(scale(v, 1 / direction(a, 'zaxis', v, 'z axis')));
    }
    case 'xyaxes': {
      const v = a.numbers('xyaxes', 6)!;
      const x = scale(v.slice(0, 3), 1 / direction(a, 'xyaxes', v.slice(0, 3), 'x axis'));
      direction(a, 'xyaxes', v.slice(3), 'y axis');
      // y is made orthogonal to x; what is left must still be a direction.
      const yRaw = sub(v.slice(3), scale(x, dot(x, v.slice(3))));
      const y = scale(yRaw, 1 / direction(a, 'xyaxes', yRaw, 'y axis made orthogonal to x'));
      const z = cross(x, y);
      return quatFromMatrix([x[0], y[0], z[0], x[1], y[1], z[1], x[2], y[2], z[2]]);
    }
    default:
      return QUAT_IDENTITY;
  }
}

/** The minimal rotation taking +z onto unit `v`; a half turn about x when v is −z (MuJoCo's choice). */
export function zAxisQuat(v: V3): Quat {
  const axis = cross([0, 0, 1], v);
  const s = norm(axis);
  const angle = Math.atan2(s, v[2]);
  return quatAxisAngle(s < 1e-10 ? [1, 0, 0] : scale(axis, 1 / s), angle);
}
