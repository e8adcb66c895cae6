/**
 * The ant's anatomy found in any body tree, whatever its bodies and joints are called: the root is the torso; a
 * leg is a hinge fixed to the torso (the hip) with one more hinge below it (the ankle). Legs are named by where the
 * ankle sits relative to the torso and the walking direction +x, and taken in the ant's order — front left, back
 * left, back right, front right (ant.xml's legs 1–4, counter-clockwise seen from above) — which is the order of
 * the policy's actions (hip, then ankle, per leg) and of its foot contacts (docs/METHOD.md#quadruped-actions, docs/METHOD.md#quadruped-observation).
 */
import { bodies, type Body, type Morphology } from './model';

export type LegLabel = 'front left' | 'back left' | 'back right' | 'front right';
export const LEG_ORDER: readonly LegLabel[] = ['front left', 'back left', 'back right', 'front right'];

export interface LegBodies {
  readonly label: LegLabel;
  /** The body the hip hinge moves (the thigh). */
  readonly hip: Body;
  /** The body the ankle hinge moves (the lower leg): its contacts are the foot's. */
  readonly foot: Body;
}

/** World position of each body's origin at rest (the model's body frames are unturned). */
export function restPositions(m: Morphology): Map<Body, [number, number, number]> {
  const out = new Map<Body, [number, number, number]>();
  const visit = (b: Body, at: readonly number[]): void => {
    const p: [number, number, number] = [at[0]! + b.pos[0], at[1]! + b.pos[1], at[2]! + b.pos[2]];
    out.set(b, p);
    b.children.forEach((c) => visit(c, p));
  };
  visit(m.root, [0, 0, 0]);
  return out;
}

const hingeName = (b: Body): string => `hinge '${b.joint!.name}' (body '${b.name}')`;

/** The legs in the ant's order, and every reason the tree is not four of them around a torso. */
export function findLegs(m: Morphology): { legs: LegBodies[]; problems: string[] } {
  const problems: string[] = [];
  const ankles = new Map<Body, Body[]>();
  const visit = (b: Body, hip: Body | null, depth: number): void => {
    let nextHip = hip;
    if (b.joint) {
      if (b === m.root) problems.push(`the root body '${b.name}' has a hinge; the torso must be free`);
      else if (depth === 0) ankles.set((nextHip = b), []);
      else if (depth === 1) ankles.get(hip!)!.push(b);
      else problems.push(`${hingeName(b)} is a third hinge in a leg; a leg is a hip and an ankle`);
    }
    b.children.forEach((c) => visit(c, nextHip, depth + (b.joint && b !== m.root ? 1 : 0)));
  };
  visit(m.root, null, 0);
  const rest = restPositions(m);
  const centre = rest.get(m.root)!;
  const legs: LegBodies[] = [];
  for (const [hip, below] of ankles) {
    if (below.length !== 1) {
      problems.push(`${hingeName(hip)} has ${below.length === 0 ? 'no hinge' : `${below.length} hinges`} below it; a leg has one ankle`);
      continue;
    }
    const foot = below[0]!;
    const p = rest.get(foot)!;
    legs.push({ label: `${p[0] >= centre[0] ? 'front' : 'back'} ${p[1] >= centre[1] ? 'left' : 'right'}` as LegLabel, hip, foot });
  }
  if (ankles.size !== 4) problems.push(`found ${ankles.size} leg${ankles.size === 1 ? '' : 's'} (a hinge fixed to the torso); the ant has 4`);
  for (const label of LEG_ORDER) {
    const here = legs.filter((l) => l.label === label);
    if (here.length > 1) problems.push(`${here.length} legs stand ${label} of the torso (ankles '${here.map((l) => l.foot.joint!.name).join("', '")}'); the ant has one leg per quadrant`);
  }
  legs.sort((a, b) => LEG_ORDER.indexOf(a.label) - LEG_ORDER.indexOf(b.label));
  return { legs, problems };
}

/** What the 28 → 8 ant policy needs from a body: its hinges in action order and its feet in contact order. */
export interface AntInterface {
  readonly joints: readonly string[];
  readonly feet: readonly string[];
}

/** The body's ant interface, or the reasons it has none (a leg short, a hinge without a motor, …). */
export function antInterface(m: Morphology): { interface: AntInterface | null; problems: string[] } {
  const { legs, problems } = findLegs(m);
  const driven = new Set(m.motors.map((mo) => mo.joint));
  for (const b of bodies(m)) if (b.joint && !driven.has(b.joint.name)) problems.push(`hinge '${b.joint.name}' has no motor`);
  if (problems.length > 0) return { interface: null, problems };
  return {
    interface: { joints: legs.flatMap((l) => [l.hip.joint!.name, l.foot.joint!.name]), feet: legs.map((l) => l.foot.name) },
    problems,
  };
}
