/**
 * Editing operations on a morphology (the damage-morphology editor's verbs), each returning a new, validated
 * morphology, and the compatibility check between a morphology and the interface a policy was trained on.
 */
import { LIMITS, MjcfError } from './mjcf';
import { bodies, capsuleLength, mapBodies, orderedJoints, type Body, type Geom, type Morphology, type Vec3 } from './model';

const same = (a: Vec3, b: Vec3): boolean => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]) < 1e-9;

function findGeom(m: Morphology, geomName: string): { body: Body; geom: Geom } {
  for (const body of bodies(m)) {
    const geom = body.geoms.find((g) => g.name === geomName);
    if (geom) return { body, geom };
  }
  throw new MjcfError(`no geom named '${geomName}'`);
}

/**
 * Sets a capsule segment's length, keeping its start and direction. Child bodies attached at the segment's old
 * end move with it, so the rest of the limb stays connected.
 */
export function setSegmentLength(m: Morphology, geomName: string, length: number): Morphology {
  if (!(length > 0) || length > LIMITS.maxLength) throw new MjcfError(`segment length must be in (0, ${LIMITS.maxLength}] m, got ${length}`);
  const { body, geom } = findGeom(m, geomName);
  if (geom.type !== 'capsule') throw new MjcfError(`geom '${geomName}' is a ${geom.type}; only capsule segments have a length`);
  const k = length / capsuleLength(geom);
  const to: Vec3 = [0, 1, 2].map((i) => geom.from[i]! + (geom.to[i]! - geom.from[i]!) * k) as unknown as Vec3;
  const root = mapBodies(m.root, (b) =>
    b.name !== body.name
      ? b
      : {
          ...b,
          geoms: b.geoms.map((g) => (g.name === geomName ? { ...geom, to } : g)),
          children: b.children.map((c) => (same(c.pos, geom.to) ? { ...c, pos: to } : c)),
        },
  );
  return { ...m, root };
}

/** Sets a capsule's or sphere's radius. */
export function setRadius(m: Morphology, geomName: string, radius: number): Morphology {
  if (!(radius > 0) || radius > LIMITS.maxRadius) throw new MjcfError(`radius must be in (0, ${LIMITS.maxRadius}] m, got ${radius}`);
  const { body } = findGeom(m, geomName);
  const root = mapBodies(m.root, (b) => (b.name !== body.name ? b : { ...b, geoms: b.geoms.map((g) => (g.name === geomName ? { ...g, radius } : g)) }));
  return { ...m, root };
}

/** Sets a motor's gear (its strength; the ant's motors have gear 150). */
export function setGear(m: Morphology, jointName: string, gear: number): Morphology {
  if (!(gear > 0) || gear > LIMITS.maxGear) throw new MjcfError(`motor gear must be in (0, ${LIMITS.maxGear}], got ${gear}`);
  if (!m.motors.some((mo) => mo.joint === jointName)) throw new MjcfError(`no motor drives joint '${jointName}'`);
  return { ...m, motors: m.motors.map((mo) => (mo.joint === jointName ? { ...mo, gear } : mo)) };
}

/** Changes a hinge's range (degrees). */
export function setJointRange(m: Morphology, jointName: string, lower: number, upper: number): Morphology {
  if (!(lower < upper) || lower < -360 || upper > 360) throw new MjcfError(`joint range must satisfy -360 ≤ lower < upper ≤ 360, got ${lower} ${upper}`);
  if (!orderedJoints(m).some((j) => j.name === jointName)) throw new MjcfError(`no joint named '${jointName}'`);
  const root = mapBodies(m.root, (b) => (b.joint?.name === jointName ? { ...b, joint: { ...b.joint, range: [lower, upper] } } : b));
  return { ...m, root };
}

/** Multiplies a motor's gear (its strength) by `factor`. */
export function scaleMotor(m: Morphology, jointName: string, factor: number): Morphology {
  if (!(factor > 0) || !Number.isFinite(factor)) throw new MjcfError(`motor scale must be a positive number, got ${factor}`);
  const motor = m.motors.find((mo) => mo.joint === jointName);
  if (!motor) throw new MjcfError(`no motor drives joint '${jointName}'`);
  const gear = motor.gear * factor;
  // The parser's bound: an edit must never produce a morphology that fails to load once saved.
  if (gear > LIMITS.maxGear) throw new MjcfError(`motor gear for '${jointName}' would be ${gear}, above ${LIMITS.maxGear}`);
  return { ...m, motors: m.motors.map((mo) => (mo === motor ? { ...mo, gear } : mo)) };
}

/**
 * Amputates a lower leg: the foot body's capsules become a sphere of the same radius at the ankle. The ankle
 * joint and the foot stay, so the morphology keeps the interface the policy expects.
 */
export function removeLowerLeg(m: Morphology, footBody: string): Morphology {
  const foot = bodies(m).find((b) => b.name === footBody);
  if (!foot) throw new MjcfError(`no body named '${footBody}'`);
  if (foot.children.length > 0) throw new MjcfError(`body '${footBody}' is not a lower leg (it has child bodies)`);
  const capsule = foot.geoms.find((g) => g.type === 'capsule');
  if (!capsule) throw new MjcfError(`body '${footBody}' has no segment to remove`);
  const stump: Geom = { type: 'sphere', name: capsule.name, radius: capsule.radius, pos: capsule.from };
  const root = mapBodies(m.root, (b) => (b.name === footBody ? { ...b, geoms: [stump] } : b));
  return { ...m, root };
}

/** What a policy needs from a body: its joints in action order and the bodies whose contacts it observes. */
export interface MorphologyInterface {
  readonly joints: readonly string[];
  readonly feet: readonly string[];
}

/** The interface of AntBulletEnv-v0: 8 actions, 4 foot-contact observations (spec §3.3, §3.5). */
export const ANT_INTERFACE: MorphologyInterface = {
  joints: ['hip_1', 'ankle_1', 'hip_2', 'ankle_2', 'hip_3', 'ankle_3', 'hip_4', 'ankle_4'],
  feet: ['front_left_foot', 'front_right_foot', 'left_back_foot', 'right_back_foot'],
};

/** Reasons a morphology cannot run a policy built for `expected`; empty when compatible. */
export function compatibilityProblems(m: Morphology, expected: MorphologyInterface = ANT_INTERFACE): string[] {
  const problems: string[] = [];
  const joints = orderedJoints(m).map((j) => j.name);
  if (joints.join(',') !== expected.joints.join(',')) {
    problems.push(`joints in link order are [${joints.join(', ')}], the policy expects [${expected.joints.join(', ')}]`);
  }
  const driven = new Set(m.motors.map((mo) => mo.joint));
  for (const j of expected.joints) if (joints.includes(j) && !driven.has(j)) problems.push(`joint '${j}' has no motor`);
  const names = new Set(bodies(m).map((b) => b.name));
  for (const f of expected.feet) if (!names.has(f)) problems.push(`foot body '${f}' is missing`);
  return problems;
}
