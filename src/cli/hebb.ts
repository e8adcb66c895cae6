/**
 * `hebb`: the workbench's services from the command line. Exit codes: 0 ok, 2 bad input (the message names the
 * flag or field), 1 failure.
 */
import { ConfigError } from '../core/config';
import { defaultDbPath, Store, StoreError } from '../main/store/store';
import { ensurePresets } from '../main/training/coordinator';
import { flag, UsageError, type ParsedArgs } from './args';
import { compareCommand, evalCommand } from './commands/evaluate';
import { runsCommand } from './commands/runs';
import { resumeCommand, trainCommand } from './commands/train';

const USAGE = `usage: hebb <command> [options]
  train    start a training run   (--name --policy hebbian|static --rule --init --morphologies a,b --pop
                                   --generations --sigma --lr --optimizer sgd|adam --workers --seed)
  resume   continue a run         RUN [--workers]
  runs     list runs, or show one [show RUN]
  eval     test a run's ES centre  RUN [--morphologies a,b] [--episodes N] [--generation G]
  compare  the seen/unseen table   RUN...
every command takes --db PATH (default ${defaultDbPath()}) and --json`;

/** Opens the store named by --db; a path it cannot use is bad input. */
function openStore(args: ParsedArgs): Store {
  const path = flag(args, 'db', 'string') ?? defaultDbPath();
  try {
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
    case 'runs':
      return runsCommand(rest, openStore);
    case 'eval':
      return evalCommand(rest, openStore);
    case 'compare':
      return compareCommand(rest, openStore);
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
}
