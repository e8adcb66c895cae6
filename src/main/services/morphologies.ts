/**
 * Morphologies as the CLI and the GUI handle them: validated before they are stored (it must parse, assemble into
 * rigid parts, and offer the ant's joints and feet, since every policy here is the 28 → 8 ant network), and
 * summarised for display.
 */
import { assemble } from '../../core/envs/quadruped/assembly';
import { compatibilityProblems } from '../../core/morphology/edit';
import { parseMjcf } from '../../core/morphology/mjcf';
import { capsuleLength, orderedJoints, bodies, type Morphology } from '../../core/morphology/model';
import type { MorphologySummary } from '../../common/model';
import type { Store } from '../store/store';

export class MorphologyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MorphologyError';
  }
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** Parses and checks MJCF text; every problem is a MorphologyError saying what is wrong. */
export function checkMorphology(name: string, mjcf: string): Morphology {
  if (!NAME.test(name)) throw new MorphologyError(`name '${name}' must be 1–64 letters, digits, '_', '.' or '-', starting with a letter or digit`);
  let m: Morphology;
  try {
    m = parseMjcf(mjcf, name);
    assemble(m);
  } catch (e) {
    throw new MorphologyError(`${name}: ${(e as Error).message}`);
  }
  const problems = compatibilityProblems(m);
  if (problems.length > 0) throw new MorphologyError(`${name} cannot run the ant policies: ${problems.join('; ')}`);
  return m;
}

/** Validates and stores a user morphology (built-in names cannot be replaced). */
export function importMorphology(store: Store, name: string, mjcf: string): void {
  checkMorphology(name, mjcf);
  store.saveMorphology(name, mjcf);
}

/** A summary for listing: a stored body the reader now refuses is listed with the reason instead of failing the list. */
export function listedMorphology(entry: { name: string; mjcf: string; builtin: boolean }): MorphologySummary {
  try {
    return summariseMorphology(entry);
  } catch (e) {
    return { name: entry.name, builtin: entry.builtin, mass: 0, joints: [], segments: [], problem: (e as Error).message };
  }
}

export function summariseMorphology(entry: { name: string; mjcf: string; builtin: boolean }): MorphologySummary {
  const m = parseMjcf(entry.mjcf, entry.name);
  const gear = new Map(m.motors.map((mo) => [mo.joint, mo.gear]));
  const assembly = assemble(m);
  const joints = new Map(orderedJoints(m).map((j) => [j.name, j]));
  return {
    name: entry.name,
    builtin: entry.builtin,
    mass: assembly.totalMass,
    // In action order (the legs front left, back left, back right, front right; hip then ankle).
    joints: assembly.joints.map(({ name }) => ({ name, range: joints.get(name)!.range, gear: gear.get(name) ?? null })),
    segments: bodies(m).flatMap((b) => b.geoms.flatMap((g) => (g.type === 'capsule' ? [{ name: g.name, length: capsuleLength(g), radius: g.radius }] : []))),
  };
}
