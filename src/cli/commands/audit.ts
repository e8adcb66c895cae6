/** `hebb audit RUN`: the physics audit of a run's gait (docs/PHYSICS.md, "Auditing a gait"). */
import { isPhysicsVersion, PHYSICS_VERSION_NUMBERS } from '../../core/envs/quadruped/physics';
import { shareOf } from '../../common/tables';
import type { Store } from '../../main/store/store';
import { auditRun, type RunAudit } from '../../main/services/audit';
import { flag, parseArgs, requireMorphologies, runIdArg, STORE_FLAGS, UsageError, type FlagTable, type ParsedArgs } from '../args';

export const AUDIT_FLAGS = {
  ...STORE_FLAGS,
  morphology: { kind: 'string', value: 'M', help: 'the body to audit the gait on', absent: "the run's first training body" },
  generation: { kind: 'int', value: 'G', help: 'the centre that produced generation G (0: the initial one)', absent: 'the latest checkpoint' },
  seed: { kind: 'int', help: 'the first lifetime seed (lifetimes use seeds S, S+1, …)', default: 1 },
  episodes: { kind: 'int', help: 'lifetimes audited (1–100)', default: 5 },
  physics: { kind: 'int', value: PHYSICS_VERSION_NUMBERS.join('|'), help: 'the physics version to audit with', absent: 'the version the run was trained with' },
} as const satisfies FlagTable;
const USAGE = 'hebb audit RUN [--morphology M] [--generation G] [--seed S] [--episodes N] [--physics V] [--json]';

export async function auditCommand(argv: readonly string[], open: (args: ParsedArgs) => Store): Promise<void> {
  const args = parseArgs(argv, AUDIT_FLAGS, 'hebb audit');
  if (args.positional.length !== 1) throw new UsageError(`usage: ${USAGE}`);
  const id = runIdArg(args.positional[0], USAGE);
  const seed = flag(args, 'seed', 'int') ?? AUDIT_FLAGS.seed.default;
  if (seed < 0) throw new UsageError(`--seed must be a non-negative integer, got ${seed}`);
  const episodes = flag(args, 'episodes', 'int') ?? AUDIT_FLAGS.episodes.default;
  if (episodes < 1 || episodes > 100) throw new UsageError(`--episodes must be in [1, 100], got ${episodes}`);
  const generation = flag(args, 'generation', 'int');
  if (generation !== undefined && generation < 0) throw new UsageError(`--generation must be ≥ 0, got ${generation}`);
  const physics = flag(args, 'physics', 'int');
  if (physics !== undefined && !isPhysicsVersion(physics)) {
    throw new UsageError(`--physics must be one of ${PHYSICS_VERSION_NUMBERS.join(', ')}, got ${physics}`);
  }
  const morphology = flag(args, 'morphology', 'string');
  const store = open(args);
  try {
    if (morphology !== undefined) requireMorphologies(store, [morphology], 'morphology');
    const audit = await auditRun(store, id, { morphology, seed, episodes, generation, physics });
    process.stdout.write(flag(args, 'json', 'boolean') ? `${JSON.stringify(audit)}\n` : report(audit));
  } finally {
    store.close();
  }
}

const mm = (m: number): string => `${(m * 1000).toFixed(1)} mm`;
const spread = (xs: readonly number[]): string => {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const std = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length);
  return `${mean.toFixed(2)} ± ${std.toFixed(2)} m`;
};

/** A re-run's distance as a share of the audited lifetimes' (none when they did not walk forward). */
function rerunShare(distance: number, a: RunAudit): string {
  const share = shareOf(distance, a.summary.distance, 'the audited distance');
  return share.why ?? `${share.text} of the audited distance`;
}

function report(a: RunAudit): string {
  const l = a.summary;
  const physics = `physics ${a.physicsVersion}${a.physicsVersion === a.trainedPhysics ? '' : ` (trained with ${a.trainedPhysics})`}`;
  const seeds = a.episodes === 1 ? `seed ${a.seed}` : `seeds ${a.seed}–${a.seed + a.episodes - 1}`;
  const worst = [...l.overshoot].sort((x, y) => Math.max(y.belowDeg, y.aboveDeg) - Math.max(x.belowDeg, x.aboveDeg));
  const lines = [
    `run ${a.runId} generation ${a.generation} on ${a.morphology}, ${seeds}, ${physics}: ${spread(a.lifetimes.map((x) => x.distance))} in ${l.steps.toFixed(0)} steps on average (fitness ${l.fitness.toFixed(1)})`,
    `  penetration        max ${mm(l.maxPenetration)}${l.deepestPart ? ` (${l.deepestPart})` : ''}, mean ${mm(l.meanPenetration)}; ${(100 * l.deepShare).toFixed(2)} % of contact points deeper than 1 cm`,
    `  joint limits       max ${l.maxOvershootDeg.toFixed(2)}° past a limit; worst: ${worst.slice(0, 3).map((o) => `${o.joint} ${Math.max(o.belowDeg, o.aboveDeg).toFixed(2)}°`).join(', ')}`,
    `  contact impulse    max ${l.maxContactImpulse.toFixed(1)} N·s per contact point, ${l.maxSubStepImpulse.toFixed(1)} N·s per sub-step; peak ground force ${l.peakForceBodyWeights.toFixed(2)} body weights (mean over a step)`,
    `  joint speed        max ${l.maxJointSpeed.toFixed(1)} rad/s`,
    `  electricity        ${l.electricity.toFixed(1)} per lifetime, ${Number.isFinite(l.electricityPerMetre) ? l.electricityPerMetre.toFixed(1) : '—'} per metre`,
    ...a.reruns.map((r) => `  ${r.label.padEnd(34)} ${spread(r.distances)} (${rerunShare(r.meanDistance, a)})`),
  ];
  return `${lines.join('\n')}\n`;
}
