/** `hebb damage RUN...`: one of the paper's damage experiments over seeds, stored and printed as a table. */
import { ConfigError } from '../../core/config';
import { HEBBIAN_SEES } from '../../core/rollout/damage';
import { parseRecipe, parseSeedList, recipeSchema, type Recipe } from '../../core/rollout/recipes';
import { RECOVERY_THRESHOLD, recoveryWords } from '../../core/rollout/recovery';
import type { ExperimentCondition, ExperimentRow } from '../../common/model';
import { shareOf } from '../../common/tables';
import { summarise } from '../../core/stats';
import { runExperiment } from '../../main/services/experiments';
import type { Store } from '../../main/store/store';
import { distanceText } from '../output';
import { bodyFlag, flag, parseArgs, runIdArg, STORE_FLAGS, UsageError, type FlagTable, type ParsedArgs } from '../args';

/** Each recipe with every field left out: the defaults the recipe schema fills in (core/rollout/recipes). */
const FREEZE = recipeSchema.parse({ kind: 'freezeActuators' }) as Extract<Recipe, { kind: 'freezeActuators' }>;
const ZERO = recipeSchema.parse({ kind: 'zeroWeights' }) as Extract<Recipe, { kind: 'zeroWeights' }>;
const STOP = recipeSchema.parse({ kind: 'stopPlasticity' }) as Extract<Recipe, { kind: 'stopPlasticity' }>;

export const DAMAGE_FLAGS = {
  ...STORE_FLAGS,
  recipe: { kind: 'string', value: 'freeze|zero|plasticity', help: 'required: actuators held at a value, weights zeroed, or plasticity stopped' },
  from: { kind: 'int', value: 'T', help: 'freeze: the first policy step held', default: FREEZE.from },
  to: { kind: 'int', value: 'T', help: 'freeze: the step the actuators are released at', default: FREEZE.to },
  value: { kind: 'number', value: 'V', help: 'freeze: the value the actuators are held at (−1 … 1)', default: FREEZE.value },
  'hebbian-sees': { kind: 'string', value: HEBBIAN_SEES.join('|'), help: "freeze: the post activity the output layer's update uses while held", default: FREEZE.hebbianSees },
  at: { kind: 'int', value: 'T', help: 'zero: the policy step the weights are zeroed at', default: ZERO.at },
  fraction: { kind: 'number', value: 'F', help: "zero: the share of each layer's weights zeroed (0 < F ≤ 1)", default: ZERO.fraction },
  times: { kind: 'string', value: 'T,T', help: 'plasticity: the steps plasticity is stopped at, one condition each', default: STOP.times },
  morphology: { kind: 'string', value: 'M', help: 'the body every lifetime lives on (the quadruped only)', default: 'standard' },
  seeds: { kind: 'string', value: 'LIST', help: 'lifetime seeds, as 1-5 or 1,3,7; seed s is the lifetime `hebb record --seed s` stores', default: '1-5' },
  generation: { kind: 'int', value: 'G', help: "each run's centre that produced generation G (0: the initial one)", absent: "each run's latest checkpoint" },
  'recovery-threshold': { kind: 'number', help: 'share of the speed before the damage that counts as recovered (0 < X ≤ 1)', default: RECOVERY_THRESHOLD },
} as const satisfies FlagTable;
const USAGE =
  'hebb damage RUN... --recipe freeze|zero|plasticity [--from T --to T --value V --hebbian-sees network|applied | --at T --fraction F | --times 0,50,100] [--morphology M] [--seeds 1-5] [--generation G] [--recovery-threshold 0.8]';
const RECIPES = { freeze: 'freezeActuators', zero: 'zeroWeights', plasticity: 'stopPlasticity' } as const;

/** The flag a recipe field comes from (`recipe.to` → `--to`, `recipe.hebbianSees` → `--hebbian-sees`). */
function flagOf(path: string): string {
  const field = path.replace(/^recipe\.?/, '');
  return field === '' ? '--recipe' : `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** The recipe from the flags; its own checks speak in flag names (`recipe.to` → `--to`). */
function recipeArg(args: ParsedArgs): Recipe {
  const name = flag(args, 'recipe', 'string');
  if (name === undefined || !(name in RECIPES)) throw new UsageError(`--recipe must be one of ${Object.keys(RECIPES).join(', ')} (usage: ${USAGE})`);
  const kind = RECIPES[name as keyof typeof RECIPES];
  const input: Record<string, unknown> = { kind };
  const use = (key: 'from' | 'to' | 'value' | 'at' | 'fraction' | 'hebbian-sees', kinds: readonly string[]): void => {
    const v = key === 'hebbian-sees' ? flag(args, key, 'string') : flag(args, key, key === 'fraction' || key === 'value' ? 'number' : 'int');
    if (v === undefined) return;
    if (!kinds.includes(kind)) throw new UsageError(`--${key} does not apply to --recipe ${name}`);
    input[key === 'hebbian-sees' ? 'hebbianSees' : key] = v;
  };
  use('from', ['freezeActuators']);
  use('to', ['freezeActuators']);
  use('value', ['freezeActuators']);
  use('hebbian-sees', ['freezeActuators']);
  use('at', ['zeroWeights']);
  use('fraction', ['zeroWeights']);
  const times = flag(args, 'times', 'string');
  if (times !== undefined) {
    if (kind !== 'stopPlasticity') throw new UsageError(`--times does not apply to --recipe ${name}`);
    const list = parseSeedList(times);
    if (typeof list === 'string') throw new UsageError(`--times: ${list}`);
    input['times'] = list;
  }
  try {
    return parseRecipe(input);
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(e.issues.map((i) => `${flagOf(i.path)}: ${i.message}`).join('; '));
    throw e;
  }
}

/** "  recovered to 80% 3 of 4 walking (75%), steps 106 50 never –": per seed in seed order (core/rollout/recovery). */
export function recoveryText(c: ExperimentCondition): string {
  const r = c.recovery;
  if (r === undefined) return '  recovery not stored (experiment run before it was measured)';
  if (r === null) return '';
  const each = recoveryWords(r).join(' ');
  const share = r.share === null ? 'none walking before' : `${Math.round(100 * r.share)}%`;
  return `  recovered to ${Math.round(100 * r.threshold)}% ${r.recovered} of ${r.walking} walking (${share}), steps ${each}`;
}

function print(row: ExperimentRow, racing: boolean): void {
  const out: string[] = [`experiment ${row.id} on ${row.morphology}, seeds ${row.seeds.join(',')} (${(row.wallMs / 1000).toFixed(1)} s)`];
  for (const r of row.results) {
    out.push(`run ${r.runId} ${r.name} (${r.policy}, generation ${r.generation})`);
    for (const c of r.conditions) {
      const f = summarise(c.fitness);
      const d = summarise(c.distance);
      const late = c.speed && shareOf(c.speed.late, c.speed.before, 'the speed before');
      const speed = c.speed && late
        ? `  speed before ${c.speed.before.toFixed(3)} after ${c.speed.after.toFixed(3)} late ${c.speed.late.toFixed(3)} (${late.why ?? `${late.text} of before`})`
        : '';
      out.push(`  ${c.label.padEnd(34)} fitness ${f.mean.toFixed(1)} ± ${f.std.toFixed(1)}  ${distanceText(racing, d.mean)}${speed}${recoveryText(c)}`);
    }
  }
  for (const s of row.skipped) out.push(`run ${s.runId} skipped: ${s.reason}`);
  process.stdout.write(`${out.join('\n')}\n`);
}

function thresholdArg(args: ParsedArgs): number | undefined {
  const v = flag(args, 'recovery-threshold', 'number');
  if (v !== undefined && !(v > 0 && v <= 1)) throw new UsageError(`--recovery-threshold must be in (0, 1] (a share of the speed before), got ${v}`);
  return v;
}

export async function damageCommand(argv: readonly string[], open: (args: ParsedArgs) => Store): Promise<void> {
  const args = parseArgs(argv, DAMAGE_FLAGS, 'hebb damage');
  if (args.positional.length === 0) throw new UsageError(`usage: ${USAGE}`);
  const runIds = args.positional.map((p) => runIdArg(p, USAGE));
  const recipe = recipeArg(args);
  const seeds = parseSeedList(flag(args, 'seeds', 'string') ?? DAMAGE_FLAGS.seeds.default);
  if (typeof seeds === 'string') throw new UsageError(`--seeds: ${seeds}`);
  const recoveryThreshold = thresholdArg(args);
  const store = open(args);
  try {
    const morphology = bodyFlag(store, runIds[0]!, flag(args, 'morphology', 'string'), 'morphology', 'standard');
    const row = await runExperiment(store, { recipe, runIds, morphology, seeds, generation: flag(args, 'generation', 'int'), recoveryThreshold });
    if (flag(args, 'json', 'boolean')) process.stdout.write(`${JSON.stringify(row)}\n`);
    else print(row, morphology === undefined);
  } finally {
    store.close();
  }
}
