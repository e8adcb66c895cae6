/** `hebb eval RUN` and `hebb compare RUN...`. */
import { bodyColumn } from '../../common/tables';
import { summarise } from '../../core/stats';
import type { Store } from '../../main/store/store';
import { compareRuns, evaluateRun } from '../../main/services/evaluation';
import { runConfig } from '../../core/config';
import { UNSEEN_TRACKS } from '../../core/tasks';
import { flag, parseArgs, requireMorphologies, runIdArg, STORE_FLAGS, UsageError, type FlagTable, type ParsedArgs } from '../args';
import { distanceUnit } from '../output';

export const EVAL_FLAGS = {
  ...STORE_FLAGS,
  morphologies: { kind: 'list', value: 'A,B', help: 'bodies to test on (seen or unseen in training; a racing run is tested on unseen tracks instead)', default: ['standard', 'damaged-right', 'damaged-left'] },
  episodes: { kind: 'int', help: 'test lifetimes per body (1–10000)', default: 20 },
  generation: { kind: 'int', value: 'G', help: 'test the centre that produced generation G (0: the initial one)', absent: 'the latest checkpoint' },
} as const satisfies FlagTable;
export const COMPARE_FLAGS = STORE_FLAGS;

export async function evalCommand(argv: readonly string[], open: (args: ParsedArgs) => Store): Promise<void> {
  const args = parseArgs(argv, EVAL_FLAGS, 'hebb eval');
  if (args.positional.length !== 1) throw new UsageError('usage: hebb eval RUN [--morphologies a,b (the quadruped)] --episodes N [--generation G]');
  const id = runIdArg(args.positional[0], 'hebb eval RUN');
  const episodes = flag(args, 'episodes', 'int') ?? EVAL_FLAGS.episodes.default;
  if (episodes < 1 || episodes > 10_000) throw new UsageError(`--episodes must be in [1, 10000], got ${episodes}`);
  const given = flag(args, 'morphologies', 'list');
  const store = open(args);
  try {
    // A racing run is evaluated on unseen tracks (test streams no training lifetime draws), never on bodies.
    const racing = runConfig(store.getRun(id).config).env === 'racing';
    if (racing && given) throw new UsageError(`--morphologies: run ${id} is a racing run; it is evaluated on ${UNSEEN_TRACKS} (leave --morphologies out)`);
    const morphologies = racing ? [] : (given ?? [...EVAL_FLAGS.morphologies.default]);
    requireMorphologies(store, morphologies, 'morphologies');
    const rows = await evaluateRun(store, id, { morphologies, episodes, generation: flag(args, 'generation', 'int') });
    if (flag(args, 'json', 'boolean')) {
      process.stdout.write(`${JSON.stringify(rows)}\n`);
      return;
    }
    for (const r of rows) {
      const d = summarise(r.distance);
      process.stdout.write(
        `${r.morphology.padEnd(16)} ${r.seen ? 'seen  ' : 'unseen'}  fitness ${r.mean.toFixed(1)} ± ${r.std.toFixed(1)}  distance ${d.mean.toFixed(2)} ± ${d.std.toFixed(2)} ${distanceUnit(racing)}  (${r.episodes} lifetimes, generation ${r.generation})\n`,
      );
    }
  } finally {
    store.close();
  }
}

export function compareCommand(argv: readonly string[], open: (args: ParsedArgs) => Store): void {
  const args = parseArgs(argv, COMPARE_FLAGS, 'hebb compare');
  if (args.positional.length === 0) throw new UsageError('usage: hebb compare RUN...');
  const ids = args.positional.map((p) => runIdArg(p, 'hebb compare RUN...'));
  const store = open(args);
  try {
    const table = compareRuns(store, ids);
    if (flag(args, 'json', 'boolean')) {
      process.stdout.write(`${JSON.stringify(table)}\n`);
      return;
    }
    const width = 34;
    process.stdout.write(`${'network'.padEnd(30)}${table.morphologies.map((m) => bodyColumn(table, m).label.padStart(width)).join('')}\n`);
    for (const row of table.rows) {
      const cells = table.morphologies.map((m) => {
        const c = row.cells[m];
        const metres = c?.distance ? ` (${c.distance.mean.toFixed(2)} ± ${c.distance.std.toFixed(2)} ${distanceUnit(m === UNSEEN_TRACKS)})` : '';
        const mark = c && !c.seen && bodyColumn(table, m).markUnseen ? ' *' : '';
        return (c ? `${c.mean.toFixed(1)} ± ${c.std.toFixed(1)}${metres}${mark}` : '—').padStart(width);
      });
      process.stdout.write(`${`${row.label} (runs ${row.runs.join(',')})`.padEnd(30)}${cells.join('')}\n`);
    }
    process.stdout.write('fitness (distance walked or driven) as mean ± std over all lifetimes of the runs in the row; seen / unseen: trained on the body or not (* marks the rows that did not)\n');
  } finally {
    store.close();
  }
}
