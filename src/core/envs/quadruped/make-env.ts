/**
 * The one place a physics version becomes a quadruped world: ammo.js with the version's solver settings for 1 and
 * 2, pybullet 2.6.6's own engine for 3 (docs/PHYSICS.md). Each engine is loaded once per thread.
 */
import type { Morphology } from '../../morphology/model';
import { loadAmmo } from './ammo';
import { physicsSettings, physicsVersion, PYBULLET_PHYSICS, PYBULLET_SOLVER, type SolverSteps } from './physics';
import { loadBullet } from './pybullet/bullet';
import { PybulletQuadrupedEnv } from './pybullet/pybullet-env';
import { QuadrupedEnv } from './quadruped-env';

export type QuadrupedWorld = QuadrupedEnv | PybulletQuadrupedEnv;

export async function makeQuadrupedEnv(morphology: Morphology, version: number): Promise<QuadrupedWorld> {
  const worlds = await quadrupedWorlds(morphology, version);
  return worlds.make(worlds.solver);
}

/**
 * Worlds of one body under one physics version, with the version's solver iterations and sub-steps or others
 * (the audit's re-runs): `solver` is the version's own, `make` builds a world synchronously once the engine is loaded.
 */
export async function quadrupedWorlds(morphology: Morphology, version: number): Promise<{ readonly solver: SolverSteps; make(solver: SolverSteps): QuadrupedWorld }> {
  const v = physicsVersion(version);
  if (v === PYBULLET_PHYSICS) {
    const engine = await loadBullet();
    return { solver: PYBULLET_SOLVER, make: (solver) => new PybulletQuadrupedEnv(engine, morphology, { solver }) };
  }
  const ammo = await loadAmmo();
  const settings = physicsSettings(v);
  return { solver: settings, make: (solver) => new QuadrupedEnv(ammo, morphology, { physics: physicsSettings(v, solver) }) };
}
