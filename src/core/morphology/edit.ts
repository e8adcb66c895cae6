/**
 * Editing operations on a morphology (the damage-morphology editor's verbs), each returning a new, validated
 * morphology, and the compatibility check between a morphology and the interface a policy was trained on.
 */
import { antInterface } from './anatomy';
import { LIMITS, within } from './limits';
import { MjcfError } from './mjcf-xml';
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
  if (!(length >= LIMITS.minLength && length <= LIMITS.maxLength)) throw new MjcfError(`segment length must be ${within(LIMITS.minLength, LIMITS.maxLength, 'm')}, got ${length}`);
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
  if (!(radius >= LIMITS.minRadius && radius <= LIMITS.maxRadius)) throw new MjcfError(`radius must be ${within(LIMITS.minRadius, LIMITS.maxRadius, 'm')}, got ${radius}`);
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
  const m360 = LIMITS.maxAngle;
  if (!(lower < upper && lower >= -m360 && upper <= m360)) throw new MjcfError(`joint range must satisfy -${m360} ≤ lower < upper ≤ ${m360}, got ${lower} ${upper}`);
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

/** Reasons a morphology cannot run the 28 → 8 ant policies (anatomy.ts); empty when it can. */
export function compatibilityProblems(m: Morphology): string[] {
  return antInterface(m).problems;
}
