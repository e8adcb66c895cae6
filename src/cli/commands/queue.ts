/** `hebb work` trains the queued runs; `hebb pause RUN` and `hebb stop RUN` interrupt a run, here or elsewhere. */
import { runConfig } from '../../core/config';
import { runRuleStages } from '../../core/merge/merge';
import type { Store } from '../../main/store/store';
import { interruptRun, QueueError, TrainingQueue } from '../../main/training/queue';
import { flag, parseArgs, runIdArg, STORE_FLAGS, UsageError, WORKERS_FLAG, type FlagTable, type ParsedArgs } from '../args';
import { reporter, stopSignal } from './train';
import { checkRedis, REDIS_FLAG, redisEngine } from './worker';

export const WORK_FLAGS = { ...STORE_FLAGS, workers: WORKERS_FLAG, ...REDIS_FLAG } as const satisfies FlagTable;
export const INTERRUPT_FLAGS = STORE_FLAGS;

/** Trains queued runs in id order until none is left; Ctrl-C pauses the running one and re-queues it. */
export async function workCommand(argv: readonly string[], open: (args: ParsedArgs) => Store): Promise<void> {
  const args = parseArgs(argv, WORK_FLAGS, 'hebb work');
  if (args.positional.length > 0) throw new UsageError(`hebb work takes no arguments, got "${args.positional[0]}"`);
  const workers = flag(args, 'workers', 'int');
  if (workers !== undefined && (workers < 1 || workers > 256)) throw new UsageError(`--workers must be in [1, 256], got ${workers}`);
  const json = flag(args, 'json', 'boolean');
  const evaluator = redisEngine(args);
  await checkRedis(args);
  const store = open(args);
  const signal = stopSignal({ stopsAtOnce: false });
  try {
    const queue = new TrainingQueue(store, { workers, evaluator });
    const reporters = new Map<number, ReturnType<typeof reporter>>();
    queue.subscribe((e) => {
      if (e.type === 'generation') {
        let report = reporters.get(e.runId);
        if (!report) {
          const config = runConfig(store.getRun(e.runId).config);
          report = reporter(e.runId, json, config.generations, runRuleStages(config));
          reporters.set(e.runId, report);
        }
        report(e.record, e.heldout);
      } else if (!json && e.status !== 'running') {
        process.stdout.write(`${process.stdout.isTTY ? '\n' : ''}run ${e.runId} ${e.status}${e.error ? `: ${e.error}` : ''}\n`);
      }
    });
    const watch = setInterval(() => {
      if (signal.stop()) void queue.close();
    }, 200);
    try {
      queue.start();
      await queue.idle();
    } finally {
      clearInterval(watch);
    }
    if (!json && queue.running === null) process.stdout.write('the queue is empty\n');
  } finally {
    signal.dispose();
    store.close();
  }
}

export function interruptCommand(status: 'paused' | 'stopped'): (argv: readonly string[], open: (args: ParsedArgs) => Store) => void {
  const verb = status === 'paused' ? 'pause' : 'stop';
  return (argv, open) => {
    const args = parseArgs(argv, INTERRUPT_FLAGS, `hebb ${verb}`);
    if (args.positional.length !== 1) throw new UsageError(`usage: hebb ${verb} RUN`);
    const id = runIdArg(args.positional[0], `hebb ${verb} RUN`);
    const store = open(args);
    try {
      const before = store.getRun(id).status;
      try {
        interruptRun(store, id, status);
      } catch (e) {
        throw e instanceof QueueError ? new UsageError(e.message) : e;
      }
      const pending = before === 'running';
      if (flag(args, 'json', 'boolean')) {
        process.stdout.write(`${JSON.stringify({ run: id, status, pending })}\n`);
      } else {
        process.stdout.write(pending ? `run ${id} will be ${status} after its generation in flight\n` : `run ${id} ${status}\n`);
      }
    } finally {
      store.close();
    }
  };
}
