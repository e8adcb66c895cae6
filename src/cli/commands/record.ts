/** `hebb record RUN`: one lifetime of a run's ES centre, stored as an episode for replay. */
import { existsSync } from 'node:fs';
import { readInputFile } from '../input';
import { ConfigError } from '../../core/config';
import { parseDamage, type DamageSchedule } from '../../core/rollout/damage';
import type { Store } from '../../main/store/store';
import { CAR_WEIGHT_STRIDE, DEFAULT_WEIGHT_STRIDE, recordEpisode } from '../../main/services/evaluation';
import { distanceText } from '../output';
import { bodyFlag, flag, parseArgs, runIdArg, STORE_FLAGS, UsageError, type FlagTable, type ParsedArgs } from '../args';

export const RECORD_FLAGS = {
  ...STORE_FLAGS,
  morphology: { kind: 'string', value: 'M', help: 'the body to live on: required for the quadruped, refused for the car' },
  seed: { kind: 'int', help: 'keys the lifetime: the same seed replays the same lifetime', default: 0 },
  generation: { kind: 'int', value: 'G', help: 'the centre that produced generation G (0: the initial one)', absent: 'the latest checkpoint' },
  damage: { kind: 'string', value: 'JSON|FILE', help: 'a damage schedule: JSON text (one event or a list) or a file holding it', absent: 'no damage' },
  'weight-stride': { kind: 'int', help: `keep the weights every N steps for the heat-maps (0: never; the car's default ${CAR_WEIGHT_STRIDE})`, default: DEFAULT_WEIGHT_STRIDE },
  'early-stop': { kind: 'boolean', help: "end the lifetime as training's fitness protocol does (else all 1 000 env steps run)" },
} as const satisfies FlagTable;
const USAGE = 'hebb record RUN [--morphology M (the quadruped)] --seed S [--generation G] [--damage SPEC] [--weight-stride N] [--early-stop]';

/**
 * A damage schedule from the command line: JSON text (a list of events, or one event), or the path of a file
 * holding it. The schedule's own fields are validated by the recording service.
 */
/** A damage schedule holds at most 64 events: 1 MB is far more than any needs. */
const MAX_DAMAGE_FILE_BYTES = 1 << 20;

export function damageArg(spec: string): unknown {
  const inline = /^\s*[[{]/.test(spec);
  if (!inline && !existsSync(spec)) throw new UsageError(`--damage: "${spec}" is neither a JSON schedule nor an existing file`);
  const text = inline ? spec : readInputFile(spec, '--damage', MAX_DAMAGE_FILE_BYTES, (size) => `is ${size} bytes; a damage schedule file is at most ${MAX_DAMAGE_FILE_BYTES}`).toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`--damage: not valid JSON (${(e as Error).message})`);
  }
  return Array.isArray(value) ? value : [value];
}

function damageSchedule(spec: string): DamageSchedule {
  try {
    return parseDamage(damageArg(spec));
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(`--damage: ${e.message}`);
    throw e;
  }
}

export async function recordCommand(argv: readonly string[], open: (args: ParsedArgs) => Store): Promise<void> {
  const args = parseArgs(argv, RECORD_FLAGS, 'hebb record');
  if (args.positional.length !== 1) throw new UsageError(`usage: ${USAGE}`);
  const id = runIdArg(args.positional[0], USAGE);
  const seed = flag(args, 'seed', 'int') ?? RECORD_FLAGS.seed.default;
  if (seed < 0) throw new UsageError(`--seed must be a non-negative integer, got ${seed}`);
  const weightStride = flag(args, 'weight-stride', 'int');
  if (weightStride !== undefined && weightStride < 0) throw new UsageError(`--weight-stride must be ≥ 0, got ${weightStride}`);
  const spec = flag(args, 'damage', 'string');
  const damage = spec === undefined ? [] : damageSchedule(spec); // checked before the DB is opened
  const store = open(args);
  try {
    const morphology = bodyFlag(store, id, flag(args, 'morphology', 'string'), 'morphology');
    const earlyStop = flag(args, 'early-stop', 'boolean') ?? false;
    const e = await recordEpisode(store, id, { morphology, seed, damage, generation: flag(args, 'generation', 'int'), weightStride, earlyStop });
    if (flag(args, 'json', 'boolean')) {
      process.stdout.write(`${JSON.stringify(e)}\n`);
      return;
    }
    process.stdout.write(
      `episode ${e.id}: run ${e.runId} generation ${e.generation} on ${e.morphology}, seed ${e.seed}` +
        `${Array.isArray(e.damage) && e.damage.length > 0 ? `, ${e.damage.length} damage event(s)` : ''}: ` +
        `fitness ${e.fitness.toFixed(1)}, ${distanceText(morphology === undefined, e.distance)} in ${e.steps} steps` +
        `${e.earlyStop ? ' (stopping early as the fitness protocol does)' : ''}\n`,
    );
  } finally {
    store.close();
  }
}
