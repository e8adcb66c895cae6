/**
 * `hebb`: the workbench's services from the command line. Exit codes: 0 ok, 2 bad input (the message names the
 * flag or field), 1 failure.
 */
import { existsSync, rmSync } from 'node:fs';
import { ConfigError } from '../core/config';
import { defaultDbPath, Store, StoreError } from '../main/store/store';
import { ensurePresets } from '../main/training/coordinator';
import { flag, UsageError, type ParsedArgs } from './args';
import { commandHelp, overview, type CommandInfo } from './help';
import { ANALYSE_FLAGS, analyseCommand } from './commands/analyse';
import { AUDIT_FLAGS, auditCommand } from './commands/audit';
import { BENCH_FLAGS, benchCommand } from './commands/bench';
import { damageCommand, DAMAGE_FLAGS } from './commands/damage';
import { COMPARE_FLAGS, compareCommand, EVAL_FLAGS, evalCommand } from './commands/evaluate';
import { exportCommand, EXPORT_FLAGS } from './commands/export';
import { morphologyCommand, MORPHOLOGY_FLAGS } from './commands/morphology';
import { INTERRUPT_FLAGS, interruptCommand, WORK_FLAGS, workCommand } from './commands/queue';
import { recordCommand, RECORD_FLAGS } from './commands/record';
import { reportCommand, REPORT_FLAGS } from './commands/report';
import { reproduceCommand, REPRODUCE_FLAGS } from './commands/reproduce';
import { RULES_FLAGS, rulesCommand } from './commands/rules';
import { RUNS_FLAGS, runsCommand } from './commands/runs';
import { serveCommand, SERVE_FLAGS } from './commands/serve';
import { RESUME_FLAGS, resumeCommand, TRAIN_FLAGS, trainCommand } from './commands/train';
import { WORKER_FLAGS, workerCommand } from './commands/worker';

/** A store file this invocation created: a command that then fails leaves no new store behind. */
let created: string | undefined;

/** Opens the store named by --db; a path it cannot use is bad input. */
function openStore(args: ParsedArgs): Store {
  const path = flag(args, 'db', 'string') ?? defaultDbPath();
  try {
    if (path !== ':memory:' && !existsSync(path)) created = path;
    const store = Store.open(path);
    ensurePresets(store);
    return store;
  } catch (e) {
    throw e instanceof StoreError ? new UsageError(`--db: ${e.message}`) : e;
  }
}

type Open = (args: ParsedArgs) => Store;

/** Every command: its help (help.ts renders it from the flag table) and how to run it. */
const COMMANDS: readonly (CommandInfo & { run(argv: readonly string[], open: Open): void | Promise<void> })[] = [
  {
    name: 'train', usage: '[options]', flags: TRAIN_FLAGS, run: trainCommand, docs: 'README.md#training-from-the-command-line',
    summary: 'start a training run (Ctrl-C pauses it after the generation in flight; twice, at once)',
    examples: [
      'hebb train --name ant-hebbian --policy hebbian --rule ABCD_lr --morphologies standard,damaged-right --pop 100 --generations 150 --workers 2 --seed 1',
      'hebb train --name held --heldout damaged-left --heldout-every 10 --heldout-episodes 5 --queue',
      'hebb train --name car --env racing --policy hebbian --pop 8 --generations 2 --workers 2',
      'hebb train --name car-held --env racing --heldout-tracks --heldout-every 10 --heldout-episodes 5 --queue',
    ],
  },
  { name: 'resume', usage: 'RUN [options]', flags: RESUME_FLAGS, run: resumeCommand, summary: 'continue a run from its last checkpoint', examples: ['hebb resume 1 --workers 2'], docs: 'README.md#training-from-the-command-line' },
  {
    name: 'reproduce', usage: '[options]', flags: REPRODUCE_FLAGS, run: reproduceCommand, summary: "queue the paper's experiment: Hebbian and static runs per seed, the quadruped's and/or the car's",
    examples: ['hebb reproduce --tasks racing --seeds 1,2,3 --estimate', 'hebb reproduce --seeds 1-3'], docs: 'docs/USER-GUIDE.md#runs',
  },
  { name: 'work', usage: '[options]', flags: WORK_FLAGS, run: workCommand, summary: 'train the queued runs one after another', examples: ['hebb work --workers 2'], docs: 'README.md#training-from-the-command-line' },
  { name: 'pause', usage: 'RUN [options]', flags: INTERRUPT_FLAGS, run: interruptCommand('paused'), summary: 'pause a run after its generation in flight (from any shell)', examples: ['hebb pause 2'], docs: 'README.md#training-from-the-command-line' },
  { name: 'stop', usage: 'RUN [options]', flags: INTERRUPT_FLAGS, run: interruptCommand('stopped'), summary: 'stop a run after its generation in flight (from any shell)', examples: ['hebb stop 2'], docs: 'README.md#training-from-the-command-line' },
  { name: 'runs', usage: '[show RUN] [options]', flags: RUNS_FLAGS, run: runsCommand, summary: 'list the runs, or show one with its generations', examples: ['hebb runs', 'hebb runs show 1 --json'], docs: 'docs/USER-GUIDE.md#runs' },
  {
    name: 'eval', usage: 'RUN [options]', flags: EVAL_FLAGS, run: evalCommand, summary: "test a run's ES centre on bodies seen and unseen in training (a racing run: on unseen tracks)",
    examples: ['hebb eval 1 --episodes 20 --morphologies standard,damaged-right,damaged-left', 'hebb eval 1 --generation 0 --episodes 5'], docs: 'docs/USER-GUIDE.md#compare',
  },
  { name: 'compare', usage: 'RUN... [options]', flags: COMPARE_FLAGS, run: compareCommand, summary: 'the seen/unseen table of evaluated runs, grouped by config', examples: ['hebb compare 1 2 3'], docs: 'docs/USER-GUIDE.md#compare' },
  {
    name: 'record', usage: 'RUN [--morphology M] [options]', flags: RECORD_FLAGS, run: recordCommand, summary: 'store one lifetime for the 3-D replay',
    examples: [`hebb record 1 --morphology damaged-left --seed 3 --damage '{"kind":"freezeActuators","from":300,"to":400}'`], docs: 'docs/USER-GUIDE.md#watching-a-lifetime-in-3-d',
  },
  {
    name: 'damage', usage: 'RUN... --recipe freeze|zero|plasticity [options]', flags: DAMAGE_FLAGS, run: damageCommand, summary: "one of the paper's damage experiments over seeds",
    examples: ['hebb damage 1 2 --recipe zero --at 300 --fraction 0.333 --seeds 1-10', 'hebb damage 1 2 --recipe freeze --seeds 1-10 --json'], docs: 'docs/USER-GUIDE.md#damage-experiments',
  },
  { name: 'audit', usage: 'RUN [options]', flags: AUDIT_FLAGS, run: auditCommand, summary: 'does a gait rest on a solver artefact? (the physics audit)', examples: ['hebb audit 2 --morphology damaged-right'], docs: 'docs/PHYSICS.md#auditing-a-gait-hebb-audit' },
  {
    name: 'report', usage: 'RUN... [options]', flags: REPORT_FLAGS, run: reportCommand, summary: 'the paper report of some runs: one self-contained HTML file',
    examples: ['hebb report 1 2 3 4 5 6 --out report.html'], docs: 'docs/USER-GUIDE.md#the-paper-report',
  },
  {
    name: 'analyse', usage: 'pca RUN | rules RUN [RUN] [options]', flags: ANALYSE_FLAGS, run: analyseCommand,
    summary: "weight trajectories on principal components (pca), or a run's evolved rules per layer (rules)",
    examples: ['hebb analyse pca 1 --lifetimes 5 --stride 10 --svg attractor.svg --csv attractor.csv', 'hebb analyse rules 1 2 --off-threshold 0.01'],
    docs: 'docs/USER-GUIDE.md#weight-trajectories-and-rules',
  },
  { name: 'export', usage: 'RUN [options]', flags: EXPORT_FLAGS, run: exportCommand, summary: "a run's learning curve as CSV or JSON", examples: ['hebb export 1 --format csv --out curve.csv'], docs: 'README.md#training-from-the-command-line' },
  {
    name: 'morphology', usage: 'list | show NAME | import FILE | export NAME [options]', flags: MORPHOLOGY_FLAGS, run: morphologyCommand, summary: 'list, show, import or export bodies (MJCF)',
    examples: ['hebb morphology export standard --out ant.xml', 'hebb morphology import ant.xml --name long-legs'], docs: 'docs/USER-GUIDE.md#importing-mjcf-from-other-tools',
  },
  {
    name: 'rules', usage: 'import FILE | export RUN --out FILE [options]', flags: RULES_FLAGS, run: rulesCommand,
    summary: "import or export evolved rules in the reference code's files (torch.save, .npy)",
    examples: [
      'hebb rules import HEBcoeffs__AntBulletEnv-v0__rew_1234__ABCD_lr__init_uni__pop_200__coeffs__100.dat --name paper-ant',
      'hebb rules import coeffs.npy --rule ABCD_lr --indexing original',
      'hebb rules export 1 --out coeffs.dat', 'hebb rules export 1 --generation 0 --format npy --out initial.npy',
    ],
    docs: 'docs/USER-GUIDE.md#rules-from-and-for-the-reference-code',
  },
  { name: 'bench', usage: '[options]', flags: BENCH_FLAGS, run: (argv) => benchCommand(argv), summary: 'the benchmark figures', examples: ['hebb bench --only pool_speedup_2_workers'], docs: 'docs/BENCHMARKS.md' },
  { name: 'serve', usage: '[options]', flags: SERVE_FLAGS, run: serveCommand, summary: 'the workbench in a browser (web mode); prints the URL to open', examples: ['hebb serve --port 8080 --workers 2'], docs: 'README.md#use-it' },
  {
    name: 'worker', usage: '--redis URL [options]', flags: WORKER_FLAGS, run: (argv) => workerCommand(argv), docs: 'docs/DISTRIBUTED.md',
    summary: 'evaluate, on this machine, for the runs trained with --redis URL (until Ctrl-C)',
    examples: ["hebb worker --redis 'rediss://:PASSWORD@redis.lab:6380' --workers 8 --name lab-03"],
  },
];

const wantsHelp = (argv: readonly string[]): boolean => argv.includes('--help') || argv.includes('-h');

async function main(argv: readonly string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || (name === 'help' && rest.length === 0)) {
    process.stdout.write(`${overview(COMMANDS)}\n`);
    return;
  }
  const asked = name === 'help' ? rest[0]! : name;
  const command = COMMANDS.find((c) => c.name === asked);
  if (!command) throw new UsageError(`unknown command "${asked}"; the commands: ${COMMANDS.map((c) => c.name).join(', ')} (hebb --help says what each does)`);
  if (name === 'help' || wantsHelp(rest)) {
    process.stdout.write(`${commandHelp(command)}\n`);
    return;
  }
  return command.run(rest, openStore);
}

try {
  await main(process.argv.slice(2));
} catch (e) {
  const bad = e instanceof UsageError || e instanceof ConfigError;
  const notFound = e instanceof StoreError;
  process.stderr.write(`hebb: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = bad || notFound ? 2 : 1;
  if (created !== undefined) removeIfUnused(created);
}

/** Removes a store this invocation created if the failed command left nothing of the user's in it. */
function removeIfUnused(path: string): void {
  try {
    const store = Store.open(path);
    const used = store.holdsUserData();
    store.close();
    if (!used) for (const p of [path, `${path}-wal`, `${path}-shm`]) rmSync(p, { force: true });
  } catch {
    // It could not be opened: then it is not a store we made; leave it.
  }
}
