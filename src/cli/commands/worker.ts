/**
 * `hebb worker --redis URL [--workers N] [--name NAME]`: evaluates, on this machine's threads, the jobs of
 * whichever run trains with `--redis URL`, until Ctrl-C (which lets the jobs in flight finish). And `--redis URL`
 * for train, resume, work and serve: the engine those runs evaluate on.
 */
import { availableParallelism } from 'node:os';
import type { EvaluatorFactory } from '../../main/training/evaluator';
import { describeRedisStatus, redisEvaluator } from '../../main/training/redis-evaluator';
import { probeRedis, redactUrl, redisOptions, RedisUrlError } from '../../main/training/redis-protocol';
import { RedisWorker } from '../../main/training/redis-worker';
import { flag, parseArgs, UsageError, type FlagTable, type ParsedArgs } from '../args';

const URL_VALUE = 'redis[s]://[user:password@]host[:port][/db]';
const DEFAULT_LOCK_MS = 30_000;

/** The flag train, resume, work and serve add to their own tables. */
export const REDIS_FLAG = {
  redis: { kind: 'string', value: 'URL', help: `evaluate on \`hebb worker\` processes through Redis (${URL_VALUE}; rediss: TLS)`, absent: "this machine's threads" },
} as const satisfies FlagTable;

export const WORKER_FLAGS = {
  redis: { kind: 'string', value: 'URL', help: `required: the Redis the runs are trained with (${URL_VALUE}; rediss: TLS)` },
  workers: { kind: 'int', help: 'evaluator threads (1–256): jobs taken at once', absent: `one per core, ${availableParallelism()} here` },
  name: { kind: 'string', help: "this worker's name in heartbeats (letters, digits, . _ @ -)", absent: 'HOST-PID' },
  'lock-ms': { kind: 'int', help: "how long a job's lock lasts unrenewed: a dead worker's job is re-run after about this (1000–3600000)", default: DEFAULT_LOCK_MS },
  json: { kind: 'boolean', help: 'print JSON lines ({ worker, threads, status }) instead of text' },
} as const satisfies FlagTable;

/** The --redis URL, checked; undefined when the flag is absent. */
/** --redis's URL, checked (bad input names the flag), or undefined without the flag. */
export function redisUrl(args: ParsedArgs): string | undefined {
  const url = flag(args, 'redis', 'string');
  if (url === undefined) return undefined;
  try {
    redisOptions(url);
  } catch (e) {
    throw e instanceof RedisUrlError ? new UsageError(`--redis: ${e.message}`) : e;
  }
  return url;
}

/**
 * The engine --redis selects, or undefined (this process's threads). Its waits for workers are told on stderr,
 * so --json output stays one object per generation.
 */
export function redisEngine(args: ParsedArgs): EvaluatorFactory | undefined {
  const url = redisUrl(args);
  if (url === undefined) return undefined;
  if (args.flags.has('workers')) throw new UsageError('--workers sets this machine\'s threads; with --redis the threads are the workers\' (hebb worker --workers N)');
  const where = redactUrl(url);
  return redisEvaluator({
    url,
    onStatus: (s, run) => process.stderr.write(`run ${run.id}: ${describeRedisStatus(s, where)}\n`),
  });
}

/** Checks that the --redis server answers (when the flag is given) before anything is created or trained. */
export async function checkRedis(args: ParsedArgs): Promise<void> {
  const url = redisUrl(args);
  if (url !== undefined) await probeRedis(url);
}

export async function workerCommand(argv: readonly string[]): Promise<void> {
  const args = parseArgs(argv, WORKER_FLAGS, 'hebb worker');
  if (args.positional.length > 0) throw new UsageError(`hebb worker takes no arguments, got "${args.positional[0]}"`);
  const url = redisUrl(args);
  if (url === undefined) throw new UsageError('hebb worker needs --redis URL (redis://[user:password@]host[:port][/db], rediss:// for TLS)');
  const threads = flag(args, 'workers', 'int') ?? availableParallelism();
  if (threads < 1 || threads > 256) throw new UsageError(`--workers must be in [1, 256], got ${threads}`);
  const lockMs = flag(args, 'lock-ms', 'int') ?? DEFAULT_LOCK_MS;
  if (lockMs < 1000 || lockMs > 3_600_000) throw new UsageError(`--lock-ms must be in [1000, 3600000], got ${lockMs}`);
  const name = flag(args, 'name', 'string');
  if (name !== undefined && !/^[\w.@-]{1,100}$/.test(name)) throw new UsageError(`--name must be 1–100 letters, digits or . _ @ -, got "${name}"`);
  const json = flag(args, 'json', 'boolean');
  await probeRedis(url);
  const say = (line: string, fields: Record<string, unknown>): void => {
    process.stdout.write(json ? `${JSON.stringify(fields)}\n` : `${line}\n`);
  };
  const worker = new RedisWorker({ url, threads, ...(name !== undefined ? { name } : {}), lockMs, log: (line) => process.stderr.write(`${line}\n`) });
  await worker.start();
  say(`worker ${worker.name}: ${threads} thread${threads === 1 ? '' : 's'}, taking jobs from ${redactUrl(url)} (Ctrl-C stops after the jobs in flight)`, { worker: worker.name, threads, status: 'ready' });
  await new Promise<void>((done) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      process.stderr.write('stopping after the jobs in flight…\n');
      void worker.close().finally(done);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  say(`worker ${worker.name} stopped`, { worker: worker.name, status: 'stopped' });
}
