/**
 * The quadruped's physics, versioned. A run records the physics version it was trained with (`RunConfig.physics`),
 * and everything that replays it (evaluation, recording, damage, audit) builds its world with that version, so a
 * result stays tied to the physics that produced it (docs/PHYSICS.md). Versions 1 and 2 are the ammo.js world with
 * the solver settings below; version 3 is pybullet 2.6.6's own engine (pybullet/), which has no settings of ours.
 *
 * ammo.js's bindings expose only a few btContactSolverInfo fields; the others are written into the struct in
 * the wasm heap at the offsets of the Bullet 2.82 layout this build has, after checking that the defaults sit
 * where that layout puts them (an ammo build with another layout fails loudly instead of writing elsewhere).
 */
import type AmmoNs from 'ammojs-typed/wasm';
import type { AmmoModule } from './ammo';

export interface PhysicsSettings {
  /** Sub-steps per 0.0165 s control step (pybullet: 4). A power of two, so the step divides exactly in float32. */
  readonly subSteps: number;
  /** Constraint solver iterations per sub-step (pybullet: 5). */
  readonly solverIterations: number;
  /** Baumgarte ERP: contacts shallower than the split-impulse threshold (all contacts if split impulse is off), and the hinges' own rows. */
  readonly erp: number;
  /** ERP of the split-impulse pass (contacts deeper than 4 cm while split impulse is on). */
  readonly erp2: number;
  /** Whether deep contacts are pushed out by a separate position pass instead of through the velocity. */
  readonly splitImpulse: boolean;
  /** Contacts deeper than this (m, negative) take the split pass while split impulse is on (Bullet: −0.04). */
  readonly splitThreshold: number;
  /** Share of the last sub-step's contact impulse the solver starts from. */
  readonly warmStarting: number;
  /** Penetration the contact solver tolerates before it pushes back (m). */
  readonly linearSlop: number;
  /** Joint speed cap (rad/s), enforced after every sub-step; Infinity for none. */
  readonly maxJointSpeed: number;
  /** Joint limits: ERP of the push back out of a limit, and the restitution of a joint arriving at one. */
  readonly limitErp: number;
  readonly limitBounce: number;
}

/**
 * 1: Bullet 2.82's solver defaults with 10 iterations, limits with stop ERP 0.9 and bounce 1 (every run trained
 *    before the parity work).
 * 2: pybullet's values where docs/METHOD.md#quadruped-simulation names one: contact ERP 0.9 through the velocity as pybullet's
 *    multibody solver applies it, warm starting 0.1, slop 1e-5, joint speeds capped at 100 rad/s; and its joint
 *    limits inelastic as pybullet's, pushed back with ERP 0.5 (version 1's bounced elastically; see PHYSICS.md).
 */
export const PHYSICS_VERSIONS = {
  1: { subSteps: 4, solverIterations: 10, erp: 0.2, erp2: 0.8, splitImpulse: true, splitThreshold: -0.04, warmStarting: 0.85, linearSlop: 0, maxJointSpeed: Infinity, limitErp: 0.9, limitBounce: 1 },
  2: { subSteps: 4, solverIterations: 10, erp: 0.9, erp2: 0.9, splitImpulse: false, splitThreshold: -0.04, warmStarting: 0.1, linearSlop: 1e-5, maxJointSpeed: 100, limitErp: 0.5, limitBounce: 0 },
} as const satisfies Record<number, PhysicsSettings>;

/** The ammo.js versions (settings above); an ammo.js world built without a version gets the latest. */
export type AmmoPhysicsVersion = keyof typeof PHYSICS_VERSIONS;
export const LATEST_AMMO_PHYSICS: AmmoPhysicsVersion = 2;
/** 3: pybullet 2.6.6's engine, the reference's world (docs/PHYSICS.md#physics-version-3). */
export const PYBULLET_PHYSICS = 3;
export type PhysicsVersion = AmmoPhysicsVersion | typeof PYBULLET_PHYSICS;
export const PHYSICS_VERSION_NUMBERS: readonly PhysicsVersion[] = [1, 2, PYBULLET_PHYSICS];
export const isPhysicsVersion = (n: number): n is PhysicsVersion => (PHYSICS_VERSION_NUMBERS as number[]).includes(n);
const isAmmoVersion = (n: number): n is AmmoPhysicsVersion => n in PHYSICS_VERSIONS;

/** The version, checked: throws naming the versions there are. */
export function physicsVersion(version: number): PhysicsVersion {
  if (!isPhysicsVersion(version)) throw new RangeError(`physics version must be one of ${PHYSICS_VERSION_NUMBERS.join(', ')}, got ${version}`);
  return version;
}
/** The fields of Bullet's solver info the settings write. */
export type SolverInfo = Pick<PhysicsSettings, 'solverIterations' | 'erp' | 'erp2' | 'splitImpulse' | 'splitThreshold' | 'warmStarting' | 'linearSlop'>;
/** The version new runs are trained with. */
export const CURRENT_PHYSICS: PhysicsVersion = PYBULLET_PHYSICS;

/** The two solver knobs every version has (the audit's re-runs turn them). */
export type SolverSteps = Pick<PhysicsSettings, 'solverIterations' | 'subSteps'>;
/** What pybullet_envs sets for the ant (scene_abstract.py: numSolverIterations 5, numSubSteps 4). */
export const PYBULLET_SOLVER: SolverSteps = { solverIterations: 5, subSteps: 4 };

/** The ammo.js solver settings of version 1 or 2 (version 3 is pybullet's engine and has none). */
export function physicsSettings(version: number, overrides: Partial<PhysicsSettings> = {}): PhysicsSettings {
  if (!isAmmoVersion(physicsVersion(version))) throw new RangeError(`physics version ${version} is pybullet's own engine; it has no ammo.js solver settings`);
  return validPhysics({ ...PHYSICS_VERSIONS[version as AmmoPhysicsVersion], ...overrides });
}

/** Checks sub-steps and solver iterations; returns them unchanged, or throws naming the field. */
export function validSolverSteps<T extends SolverSteps>(s: T): T {
  if (![1, 2, 4, 8, 16].includes(s.subSteps)) throw new RangeError(`physics.subSteps must be 1, 2, 4, 8 or 16, got ${s.subSteps}`);
  if (!Number.isInteger(s.solverIterations) || s.solverIterations < 1 || s.solverIterations > 1000) {
    throw new RangeError(`physics.solverIterations must be an integer in [1, 1000], got ${s.solverIterations}`);
  }
  return s;
}

/** Checks every field of a settings object; returns it unchanged, or throws naming the field. */
export function validPhysics(s: PhysicsSettings): PhysicsSettings {
  const bad = (field: string, rule: string): never => {
    throw new RangeError(`physics.${field} ${rule}`);
  };
  validSolverSteps(s);
  for (const f of ['erp', 'erp2', 'warmStarting', 'limitErp', 'limitBounce'] as const) if (!(s[f] >= 0 && s[f] <= 1)) bad(f, `must be in [0, 1], got ${s[f]}`);
  if (!(s.linearSlop >= 0 && s.linearSlop < 0.1)) bad('linearSlop', `must be in [0, 0.1), got ${s.linearSlop}`);
  if (!(s.maxJointSpeed > 0)) bad('maxJointSpeed', `must be positive (Infinity for no cap), got ${s.maxJointSpeed}`);
  return s;
}

/** btContactSolverInfoData float/int slots (Bullet 2.82, float build) and the defaults that identify the layout. */
const SLOT = { tau: 0, numIterations: 5, maxErrorReduction: 6, sor: 7, erp: 8, erp2: 9, globalCfm: 10, splitImpulse: 11, splitThreshold: 12, linearSlop: 14, warmStarting: 15 } as const;
const LAYOUT_DEFAULTS: readonly [number, number][] = [[SLOT.tau, 0.6], [SLOT.maxErrorReduction, 20], [SLOT.sor, 1], [SLOT.erp, 0.2], [SLOT.erp2, 0.8], [SLOT.splitThreshold, -0.04], [SLOT.warmStarting, 0.85]];

const checked = new WeakSet<AmmoModule>();

/** Writes the settings into a fresh world's solver info. */
export function configureSolver(A: AmmoModule, info: AmmoNs.btContactSolverInfo, s: PhysicsSettings): void {
  const base = A.getPointer(info) >> 2;
  if (!checked.has(A)) {
    const f = A.HEAPF32;
    const wrong = LAYOUT_DEFAULTS.find(([slot, value]) => Math.abs(f[base + slot]! - value) > 1e-6);
    if (wrong || info.get_m_numIterations() !== A.HEAP32[base + SLOT.numIterations]) {
      throw new Error('this ammo.js build does not have the Bullet 2.82 solver-info layout the physics settings are written into');
    }
    checked.add(A);
  }
  info.set_m_numIterations(s.solverIterations);
  info.set_m_splitImpulse(s.splitImpulse);
  const f = A.HEAPF32;
  f[base + SLOT.erp] = s.erp;
  f[base + SLOT.erp2] = s.erp2;
  f[base + SLOT.warmStarting] = s.warmStarting;
  f[base + SLOT.linearSlop] = s.linearSlop;
  f[base + SLOT.splitThreshold] = s.splitThreshold;
}

/** The solver info as the engine holds it (for tests and the audit's report). */
export function readSolver(A: AmmoModule, info: AmmoNs.btContactSolverInfo): SolverInfo {
  const base = A.getPointer(info) >> 2;
  const f = A.HEAPF32;
  return {
    solverIterations: info.get_m_numIterations(),
    erp: f[base + SLOT.erp]!,
    erp2: f[base + SLOT.erp2]!,
    splitImpulse: info.get_m_splitImpulse(),
    splitThreshold: f[base + SLOT.splitThreshold]!,
    warmStarting: f[base + SLOT.warmStarting]!,
    linearSlop: f[base + SLOT.linearSlop]!,
  };
}
