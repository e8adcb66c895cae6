/**
 * `hebb`: the workbench's services from the command line. Exit codes: 0 ok, 2 bad input (the message names the
 * flag or field), 1 failure.
 */
import { existsSync, rmSync } from 'node:fs';
import { ConfigError } from '../core/config';
import { defaultDbPath, Store, StoreError } from '../main/store/store';
import { ensurePresets } from '../main/training/coordinator';
import { flag, UsageError, type ParsedArgs } from './args';
import { auditCommand } from './commands/audit';
import { benchCommand } from './commands/bench';
import { compareCommand, evalCommand } from './commands/evaluate';
import { exportCommand } from './commands/export';
import { morphologyCommand } from './commands/morphology';
import { interruptCommand, workCommand } from './commands/queue';
import { recordCommand } from './commands/record';
import { damageCommand } from './commands/damage';
import { serveCommand } from './commands/serve';
import { runsCommand } from './commands/runs';
import { resumeCommand, trainCommand } from './commands/train';

const USAGE = `usage: hebb <command> [options]
  train       start a training run: --name --env quadruped|racing --policy hebbian|static --rule --init --morphologies a,b --pop
              --generations --sigma --lr --optimizer sgd|adam --workers --seed [--queue: queue it for hebb work]
              [--heldout a,b --heldout-every N --heldout-episodes N: test the centre on bodies it does not train on]
  resume      continue a run: RUN [--workers]
  work        train the queued runs one after another [--workers]
  pause       pause a run after its generation in flight: RUN
  stop        stop a run after its generation in flight: RUN
  runs        list runs, or show one: [show RUN]
  eval        test a run's ES centre: RUN [--morphologies a,b] [--episodes N] [--generation G]
  compare     the seen/unseen table: RUN...
  record      store one lifetime for replay: RUN --morphology M --seed S [--generation G] [--damage JSON|FILE] [--early-stop]
              [--weight-stride N]
  damage      a damage experiment over seeds (spec §6.4): RUN... --recipe freeze|zero|plasticity [--from T --to T]
              [--value V (default 1.0)] [--hebbian-sees network|applied] [--at T --fraction F] [--times 0,50,100]
              [--morphology M] [--seeds 1-5] [--generation G]
  audit       the physics audit of a run's gait: RUN [--morphology M] [--generation G] [--seed S] [--episodes N]
              [--physics V]
  export      a run's learning curve: RUN [--format csv|json] [--out FILE]
  morphology  list | show NAME | import FILE [--name N] | export NAME [--out FILE]
  bench       the benchmarks: [--only key,key] [--repetitions N]
  serve       the workbench in a browser (web mode): [--port N] [--workers N]; prints the URL to open
every command takes --db PATH (default ${defaultDbPath()}) and --json`;

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

async function main(argv: readonly string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'train':
      return trainCommand(rest, openStore);
    case 'resume':
      return resumeCommand(rest, openStore);
    case 'work':
      return workCommand(rest, openStore);
    case 'pause':
      return interruptCommand('paused')(rest, openStore);
    case 'stop':
      return interruptCommand('stopped')(rest, openStore);
    case 'runs':
      return runsCommand(rest, openStore);
    case 'eval':
      return evalCommand(rest, openStore);
    case 'compare':
      return compareCommand(rest, openStore);
    case 'record':
      return recordCommand(rest, openStore);
    case 'damage':
      return damageCommand(rest, openStore);
    case 'audit':
      return auditCommand(rest, openStore);
    case 'export':
      return exportCommand(rest, openStore);
    case 'morphology':
      return morphologyCommand(rest, openStore);
    case 'bench':
      return benchCommand(rest);
    case 'serve':
      return serveCommand(rest, openStore);
    case undefined:
    case 'help':
    case '--help':
      process.stdout.write(`${USAGE}\n`);
      return;
    default:
      throw new UsageError(`unknown command "${command}"\n${USAGE}`);
  }
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
