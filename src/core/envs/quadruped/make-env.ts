/**
 * The one place a physics version becomes a quadruped world: ammo.js with the version's solver settings for 1 and
 * 2, pybullet 2.6.6's own engine for 3 (docs/PHYSICS.md). Each engine is loaded once per thread.
 */
import type { Morphology } from '../../morphology/model';
import { loadAmmo } from './ammo';
import { physicsSettings, physicsVersion, PYBULLET_PHYSICS } from './physics';
import { loadBullet } from './pybullet/bullet';
import { PybulletQuadrupedEnv } from './pybullet/pybullet-env';
import { QuadrupedEnv } from './quadruped-env';

export type QuadrupedWorld = QuadrupedEnv | PybulletQuadrupedEnv;

export async function makeQuadrupedEnv(morphology: Morphology, version: number): Promise<QuadrupedWorld> {
  const v = physicsVersion(version);
  if (v === PYBULLET_PHYSICS) return new PybulletQuadrupedEnv(await loadBullet(), morphology);
  return new QuadrupedEnv(await loadAmmo(), morphology, { physics: physicsSettings(v) });
}
