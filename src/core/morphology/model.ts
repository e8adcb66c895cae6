/**
 * The morphology model: the subset of MJCF the ant uses — a tree of bodies carrying capsule / sphere geoms,
 * hinge joints (axis, range) and motors (gear). Plain data, so it crosses threads and the IPC boundary as is.
 * Angles are in degrees (MJCF `compiler angle="degree"`), lengths in metres, positions relative to the parent.
 */

export type Vec3 = readonly [number, number, number];

export type Geom =
  | { readonly type: 'capsule'; readonly name: string; readonly radius: number; readonly from: Vec3; readonly to: Vec3 }
  | { readonly type: 'sphere'; readonly name: string; readonly radius: number; readonly pos: Vec3 };

export interface HingeJoint {
  readonly name: string;
  readonly axis: Vec3;
  /** [lower, upper] in degrees. */
  readonly range: readonly [number, number];
}

export interface Body {
  readonly name: string;
  /** Position of the body frame in its parent's frame. */
  readonly pos: Vec3;
  /** The hinge connecting this body to its parent; none = rigidly fixed to the parent. */
  readonly joint: HingeJoint | null;
  readonly geoms: readonly Geom[];
  readonly children: readonly Body[];
}

/** The gear of every motor in ant.xml; a motor's strength is its gear relative to this (pybullet ignores gear). */
export const REFERENCE_GEAR = 150;

export interface Motor {
  readonly joint: string;
  /** Strength relative to the ant's: torque per unit action scales with gear / REFERENCE_GEAR. */
  readonly gear: number;
  readonly ctrlRange: readonly [number, number];
}

export interface Morphology {
  readonly name: string;
  readonly root: Body;
  /** In file order (the env orders actions by joints, not by this list). */
  readonly motors: readonly Motor[];
}

/** Bodies in depth-first document order — the order pybullet creates links in. */
export function bodies(m: Morphology): Body[] {
  const out: Body[] = [];
  const visit = (b: Body): void => {
    out.push(b);
    b.children.forEach(visit);
  };
  visit(m.root);
  return out;
}

/** Hinge joints in link order: the action and observation order (pybullet's `ordered_joints`). */
export function orderedJoints(m: Morphology): HingeJoint[] {
  return bodies(m).flatMap((b) => (b.joint ? [b.joint] : []));
}

export function capsuleLength(g: Extract<Geom, { type: 'capsule' }>): number {
  return Math.hypot(g.to[0] - g.from[0], g.to[1] - g.from[1], g.to[2] - g.from[2]);
}

/** The geometric volume of a geom (pybullet derives masses from it at 1000 kg/m³). */
export function geomVolume(g: Geom): number {
  const sphere = (4 / 3) * Math.PI * g.radius ** 3;
  return g.type === 'sphere' ? sphere : sphere + Math.PI * g.radius ** 2 * capsuleLength(g);
}

/** Returns a copy of the tree with `fn` applied to every body (children first are already mapped). */
export function mapBodies(root: Body, fn: (b: Body) => Body): Body {
  return fn({ ...root, children: root.children.map((c) => mapBodies(c, fn)) });
}
