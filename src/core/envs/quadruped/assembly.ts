/**
 * From a morphology to the rigid bodies the simulator needs, the way pybullet loads an MJCF (docs/METHOD.md#robot-model):
 * every MJCF body is a link of mass 1000 kg/m³ × geometric volume with the box inertia of its geoms' AABB about
 * its centre of mass; bodies without a joint are fixed to their parent, so they are merged into the parent's
 * rigid body (exactly rigid, as a fixed joint is meant to be). A merged body's inertia tensor is combined by the
 * parallel-axis theorem and diagonalised, because Bullet wants principal axes.
 *
 * Pure data, no physics engine: it is tested on its own against the mass table of docs/METHOD.md#robot-model.
 */
import { bodies, geomVolume, REFERENCE_GEAR, type Body, type Geom, type HingeJoint, type Morphology } from '../../morphology/model';
import { antInterface } from '../../morphology/anatomy';
import {
  add, dot, normalise, quatAxisAngle, quatConj, quatFromMatrix, quatFromTo, quatMul, rotate, scale, sub,
  symmetricEigen, QUAT_IDENTITY, type M3, type Quat, type V3,
} from '../../math/rigid';

/** pybullet ignores MJCF density and uses water's (docs/METHOD.md#robot-model). */
export const DENSITY = 1000;
/** Torque per unit action: power 2.5 × power_coef 100 (docs/METHOD.md#quadruped-actions). */
export const TORQUE_PER_ACTION = 250;

/** A geom placed in its rigid body's principal frame. */
export interface PlacedGeom {
  readonly geom: Geom;
  /** Centre of the geom in the rigid body's frame. */
  readonly position: V3;
  /** Rotation taking the shape's local z axis (capsule axis) to the geom's direction in the rigid body's frame. */
  readonly rotation: Quat;
  /** Cylinder length between the capsule's end caps (0 for a sphere). */
  readonly length: number;
}

export interface RigidPart {
  /** Index of the MJCF body that roots this rigid body (the one carrying the joint, or the root). */
  readonly rootBody: number;
  readonly mass: number;
  /** Principal moments of inertia (kg·m²). */
  readonly inertia: V3;
  /** Centre of mass in the built (zero-joint-angle) pose, world frame. */
  readonly com: V3;
  /** Principal axes in the built pose: world orientation of the rigid body's frame. */
  readonly axes: Quat;
  readonly geoms: readonly PlacedGeom[];
}

/** Where an MJCF body sits inside its rigid part — for poses and the centre-of-mass average. */
export interface LinkPlacement {
  readonly name: string;
  readonly part: number;
  /** The body frame's origin in the part frame. */
  readonly origin: V3;
  /** The body frame's orientation in the part frame. */
  readonly orientation: Quat;
  /** The body's own centre of mass in the part frame. */
  readonly com: V3;
  readonly mass: number;
}

export interface JointAssembly {
  readonly name: string;
  readonly parent: number;
  readonly child: number;
  /** Pivot and hinge axis in each part's frame. */
  readonly pivotInParent: V3;
  readonly pivotInChild: V3;
  readonly axisInParent: V3;
  readonly axisInChild: V3;
  /** Frame orientation (z = hinge axis) in each part's frame, identical in world at the built pose. */
  readonly frameInParent: Quat;
  readonly frameInChild: Quat;
  /** Limits in radians. */
  readonly lower: number;
  readonly upper: number;
  /** Torque (N·m) per unit action. */
  readonly torquePerAction: number;
}

export interface Assembly {
  readonly morphology: Morphology;
  readonly parts: readonly RigidPart[];
  readonly links: readonly LinkPlacement[];
  /** In action order. */
  readonly joints: readonly JointAssembly[];
  /** Part index of each observed foot, in observation order. */
  readonly feet: readonly number[];
  readonly totalMass: number;
  /**
   * Part-frame world poses for given joint angles (forward kinematics), with the root body's frame at `root`
   * (default: where the MJCF puts it, unrotated).
   */
  pose(angles: ArrayLike<number>, root?: { position: V3; orientation: Quat }): { position: V3; orientation: Quat }[];
}

const DEG = Math.PI / 180;

/** Geometric centre and the AABB half-extents of one geom, in its body's frame. */
function geomBox(g: Geom): { centre: V3; min: V3; max: V3 } {
  if (g.type === 'sphere') {
    return { centre: [...g.pos], min: sub(g.pos, [g.radius, g.radius, g.radius]), max: add(g.pos, [g.radius, g.radius, g.radius]) };
  }
  const lo = [0, 1, 2].map((i) => Math.min(g.from[i]!, g.to[i]!) - g.radius) as V3;
  const hi = [0, 1, 2].map((i) => Math.max(g.from[i]!, g.to[i]!) + g.radius) as V3;
  return { centre: scale(add(g.from, g.to), 0.5), min: lo, max: hi };
}

/** Mass, COM (body frame) and box inertia (about the COM) of one MJCF body, as pybullet computes them. */
function linkInertial(b: Body): { mass: number; com: V3; inertia: M3 } {
  if (b.geoms.length === 0) return { mass: 0, com: [0, 0, 0], inertia: [0, 0, 0, 0, 0, 0, 0, 0, 0] };
  let mass = 0;
  let com: V3 = [0, 0, 0];
  const lo: V3 = [Infinity, Infinity, Infinity];
  const hi: V3 = [-Infinity, -Infinity, -Infinity];
  for (const g of b.geoms) {
    const m = DENSITY * geomVolume(g);
    const box = geomBox(g);
    mass += m;
    com = add(com, scale(box.centre, m));
    for (let i = 0; i < 3; i++) {
      lo[i] = Math.min(lo[i]!, box.min[i]!);
      hi[i] = Math.max(hi[i]!, box.max[i]!);
    }
  }
  com = scale(com, 1 / mass);
  const [lx, ly, lz] = sub(hi, lo);
  const k = mass / 12;
  return { mass, com, inertia: [k * (ly * ly + lz * lz), 0, 0, 0, k * (lx * lx + lz * lz), 0, 0, 0, k * (lx * lx + ly * ly)] };
}

/** Adds m·(|d|²E − d dᵀ) to a tensor: the parallel-axis shift of a point mass m at offset d. */
function shifted(i: M3, m: number, d: V3): M3 {
  const d2 = dot(d, d);
  return i.map((v, k) => {
    const r = Math.floor(k / 3);
    const c = k % 3;
    return v + m * ((r === c ? d2 : 0) - d[r]! * d[c]!);
  }) as M3;
}

export class AssemblyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AssemblyError';
  }
}

/** Assembles a morphology that offers the ant's interface (four legs of two motored hinges; anatomy.ts). */
export function assemble(morphology: Morphology): Assembly {
  const { interface: ant, problems } = antInterface(morphology);
  if (!ant) throw new AssemblyError(`morphology '${morphology.name}' cannot run the quadruped: ${problems.join('; ')}`);

  const list = bodies(morphology);
  const parentOf = new Map<Body, number>();
  list.forEach((b, k) => b.children.forEach((c) => parentOf.set(c, k)));
  // World position of each body frame in the built pose (the model has no body rotations).
  const origin: V3[] = [];
  list.forEach((b, k) => (origin[k] = k === 0 ? [...b.pos] : add(origin[parentOf.get(b)!]!, b.pos)));
  // The rigid part each body belongs to: its own if it has a joint (or is the root), else its parent's.
  const partOfBody: number[] = [];
  const roots: number[] = [];
  list.forEach((b, k) => {
    if (k === 0 || b.joint) {
      partOfBody[k] = roots.length;
      roots.push(k);
    } else {
      partOfBody[k] = partOfBody[parentOf.get(b)!]!;
    }
  });

  const inertials = list.map(linkInertial);
  const parts: RigidPart[] = roots.map((rootBody, p) => {
    const members = list.map((_, k) => k).filter((k) => partOfBody[k] === p);
    const mass = members.reduce((s, k) => s + inertials[k]!.mass, 0);
    if (!(mass > 0)) throw new AssemblyError(`body '${list[rootBody]!.name}' and the bodies fixed to it have no geometry, so no mass`);
    const com = scale(members.reduce<V3>((s, k) => add(s, scale(add(origin[k]!, inertials[k]!.com), inertials[k]!.mass)), [0, 0, 0]), 1 / mass);
    let tensor: M3 = [0, 0, 0, 0, 0, 0, 0, 0, 0];
    for (const k of members) {
      const { mass: m, com: c, inertia } = inertials[k]!;
      tensor = shifted(inertia, m, sub(add(origin[k]!, c), com)).map((v, i) => v + tensor[i]!) as M3;
    }
    const { values, vectors } = symmetricEigen(tensor);
    const axes = quatFromMatrix(vectors);
    const toPart = quatConj(axes);
    const geoms: PlacedGeom[] = members.flatMap((k) =>
      list[k]!.geoms.map((g) => {
        const centre = add(origin[k]!, geomBox(g).centre);
        const position = rotate(toPart, sub(centre, com));
        if (g.type === 'sphere') return { geom: g, position, rotation: toPart, length: 0 };
        const dir = normalise(sub(g.to, g.from));
        const length = Math.hypot(...sub(g.to, g.from));
        return { geom: g, position, rotation: quatMul(toPart, quatFromTo([0, 0, 1], dir)), length };
      }),
    );
    return { rootBody, mass, inertia: values, com, axes, geoms };
  });

  const links: LinkPlacement[] = list.map((b, k) => {
    const part = parts[partOfBody[k]!]!;
    const toPart = quatConj(part.axes);
    return {
      name: b.name,
      part: partOfBody[k]!,
      origin: rotate(toPart, sub(origin[k]!, part.com)),
      orientation: toPart,
      com: rotate(toPart, sub(add(origin[k]!, inertials[k]!.com), part.com)),
      mass: inertials[k]!.mass,
    };
  });

  const gearOf = new Map(morphology.motors.map((m) => [m.joint, m.gear]));
  // Action order: the legs in the ant's order, hip then ankle.
  const jointOf = new Map(list.flatMap((b): [string, HingeJoint][] => (b.joint ? [[b.joint.name, b.joint]] : [])));
  const joints: JointAssembly[] = ant.joints.map((name) => {
    const j = jointOf.get(name)!;
    const k = list.findIndex((b) => b.joint === j);
    const parent = parts[partOfBody[parentOf.get(list[k]!)!]!]!;
    const child = parts[partOfBody[k]!]!;
    const axis = normalise(j.axis);
    const frame = quatFromTo([0, 0, 1], axis);
    const inPart = (part: RigidPart): { pivot: V3; axis: V3; frame: Quat } => {
      const toPart = quatConj(part.axes);
      return { pivot: rotate(toPart, sub(origin[k]!, part.com)), axis: rotate(toPart, axis), frame: quatMul(toPart, frame) };
    };
    const a = inPart(parent);
    const c = inPart(child);
    return {
      name: j.name,
      parent: partOfBody[parentOf.get(list[k]!)!]!,
      child: partOfBody[k]!,
      pivotInParent: a.pivot,
      pivotInChild: c.pivot,
      axisInParent: a.axis,
      axisInChild: c.axis,
      frameInParent: a.frame,
      frameInChild: c.frame,
      lower: j.range[0] * DEG,
      upper: j.range[1] * DEG,
      torquePerAction: (TORQUE_PER_ACTION * (gearOf.get(j.name) ?? 0)) / REFERENCE_GEAR,
    };
  });

  const feet = ant.feet.map((name) => partOfBody[list.findIndex((b) => b.name === name)]!);
  const jointOfPart = new Map(joints.map((j, n) => [j.child, n]));

  return {
    morphology,
    parts,
    links,
    joints,
    feet,
    totalMass: parts.reduce((s, p) => s + p.mass, 0),
    pose(angles, root) {
      // Body frames first (rotation about each hinge at the body origin), then each part's COM frame.
      const frames: { position: V3; orientation: Quat }[] = [];
      list.forEach((b, k) => {
        if (k === 0) {
          frames[k] = root ?? { position: [...origin[0]!], orientation: QUAT_IDENTITY };
          return;
        }
        const up = frames[parentOf.get(b)!]!;
        const n = b.joint ? jointOfPart.get(partOfBody[k]!) : undefined;
        const turn = n === undefined ? QUAT_IDENTITY : quatAxisAngle(normalise(b.joint!.axis), angles[n] ?? 0);
        frames[k] = { position: add(up.position, rotate(up.orientation, b.pos)), orientation: quatMul(up.orientation, turn) };
      });
      return parts.map((p) => {
        const f = frames[p.rootBody]!;
        return {
          position: add(f.position, rotate(f.orientation, sub(p.com, origin[p.rootBody]!))),
          orientation: quatMul(f.orientation, p.axes),
        };
      });
    },
  };
}
