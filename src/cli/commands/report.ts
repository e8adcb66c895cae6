/** `hebb report RUN... --out FILE`: the paper report of some runs as one self-contained HTML file. */
import { paperReport, sourceCommit } from '../../main/services/report';
import type { Store } from '../../main/store/store';
import { flag, parseArgs, runIdArg, STORE_FLAGS, UsageError, type FlagTable, type ParsedArgs } from '../args';
import { writeOut } from '../output';

export const REPORT_FLAGS = {
  db: STORE_FLAGS.db,
  out: { kind: 'string', value: 'FILE', help: 'write the HTML there (replaced whole, never half-written)', absent: 'standard output' },
  'attractor-lifetimes': { kind: 'int', value: 'N', help: "lifetimes of the weight-trajectory plot, lived now on the first Hebbian run's centre (0 leaves it out)", default: 5 },
} as const satisfies FlagTable;
const USAGE = 'hebb report RUN... [--out report.html]';

export async function reportCommand(argv: readonly string[], open: (args: ParsedArgs) => Store): Promise<void> {
  const args = parseArgs(argv, REPORT_FLAGS, 'hebb report');
  if (args.positional.length === 0) throw new UsageError(`usage: ${USAGE}`);
  const ids = [...new Set(args.positional.map((p) => runIdArg(p, USAGE)))];
  const store = open(args);
  try {
    const lifetimes = flag(args, 'attractor-lifetimes', 'int') ?? REPORT_FLAGS['attractor-lifetimes'].default;
    if (lifetimes < 0 || lifetimes > 50) throw new UsageError(`--attractor-lifetimes must be in [0, 50], got ${lifetimes}`);
    const html = await paperReport(store, { runIds: ids, commit: sourceCommit(), generatedAt: new Date(), attractorLifetimes: lifetimes });
    writeOut(html, flag(args, 'out', 'string'), flag(args, 'db', 'string'));
  } finally {
    store.close();
  }
}
