/**
 * `hebb reproduce`: queues the paper's experiment — per task (the quadruped, the car or both) a Hebbian and a static
 * run for each seed, the same runs as the GUI's "Reproduce the paper" (services/estimate paperConfigs) — or with
 * --estimate only says what they would cost here. `hebb work` trains the queue.
 */
import { PAPER_TASKS, REQUESTS, type PaperTask } from '../../common/api';
import { peopleErrors } from '../../core/config';
import { parseSeedList } from '../../core/rollout/recipes';
import { estimate, paperConfigs } from '../../main/services/estimate';
import type { Store } from '../../main/store/store';
import { createRun } from '../../main/training/coordinator';
import { flag, parseArgs, STORE_FLAGS, UsageError, type FlagTable, type ParsedArgs } from '../args';

export const REPRODUCE_FLAGS = {
  ...STORE_FLAGS,
  tasks: { kind: 'list', value: PAPER_TASKS.join(','), help: 'which of the paper\'s tasks: the quadruped, the car (racing) or both', default: [...PAPER_TASKS] },
  seeds: { kind: 'string', value: '1,2,3', help: 'training seeds: a Hebbian and a static run each, per task (at most 10; ranges like 1-5)', default: '1,2,3' },
  generations: { kind: 'int', help: 'shorten every run to this many generations', absent: "the paper's 300" },
  estimate: { kind: 'boolean', help: 'only print what the runs would cost on this machine; queue nothing' },
  json: { kind: 'boolean', help: 'print JSON instead of text' },
} as const satisfies FlagTable;

export function reproduceCommand(argv: readonly string[], open: (args: ParsedArgs) => Store): void {
  const args = parseArgs(argv, REPRODUCE_FLAGS, 'hebb reproduce');
  if (args.positional.length > 0) throw new UsageError(`hebb reproduce takes no arguments, got "${args.positional[0]}"`);
  const seeds = parseSeedList(flag(args, 'seeds', 'string') ?? REPRODUCE_FLAGS.seeds.default);
  if (typeof seeds === 'string') throw new UsageError(`--seeds: ${seeds}`);
  // The API's own request schema, so the CLI accepts exactly what runs.reproducePaper does.
  const request = REQUESTS['runs.reproducePaper'].safeParse({ seeds, tasks: flag(args, 'tasks', 'list'), generations: flag(args, 'generations', 'int') }, { error: peopleErrors });
  if (!request.success) {
    const issue = request.error.issues[0]!;
    throw new UsageError(`--${String(issue.path[0] ?? 'tasks')}: ${issue.message}`);
  }
  const { tasks, generations } = request.data as { tasks: PaperTask[]; generations?: number };
  const configs = paperConfigs(request.data.seeds, generations, tasks);
  const json = flag(args, 'json', 'boolean');
  const store = open(args);
  try {
    const cost = estimate(store, configs);
    const ids = flag(args, 'estimate', 'boolean') ? [] : configs.map((c) => createRun(store, c).id);
    if (json) {
      process.stdout.write(`${JSON.stringify({ runs: configs.map((c, i) => ({ id: ids[i] ?? null, name: c.name, env: c.env })), estimate: cost })}\n`);
      return;
    }
    for (const [i, c] of configs.entries()) process.stdout.write(`${ids[i] !== undefined ? `run ${ids[i]} queued: ` : ''}${c.name}\n`);
    const time = cost.seconds === null ? `time unknown: ${cost.basis}` : `about ${(cost.seconds / 3600).toFixed(1)} h on this machine (${cost.basis})`;
    process.stdout.write(`${configs.length} runs, ${cost.lifetimes.toLocaleString('en')} lifetimes, ${time}\n`);
    if (ids.length > 0) process.stdout.write('train the queue with: hebb work\n');
  } finally {
    store.close();
  }
}
