/**
 * The Redis engine: a generation's candidates go out as BullMQ jobs of a few mirrored pairs each, to `hebb worker`
 * processes on any machine. Job ids are (run, generation, chunk), so adding one again is harmless; the centre θ is
 * one Redis key per generation, deleted once the generation is committed. Results are placed by candidate index,
 * so the records equal the thread pool's for any number of workers.
 *
 * Nothing here trusts Redis to keep what it was given: every second the pending jobs are checked, and a job Redis
 * lost (a restart without persistence) is added again with its centre; a job a worker found without its centre
 * comes back `stale` and is re-added the same way. BullMQ re-runs jobs whose worker died (stalled locks) and
 * retries failures with backoff; a job that fails for good (a worker refused it) fails the generation with the
 * worker's message.
 */
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import type { Candidate } from '../../core/es/openai-es';
import type { Evaluator, EvaluatorFactory, RunIdentity } from './evaluator';
import type { CandidateResult, TestLifetime, TestResult, WorkerInit } from './protocol';
import {
  centreBytes, centreKey, centrePattern, HEARTBEAT_PATTERN, jobId, noiseDigest, PROTOCOL, QUEUE_NAME, redisOptions, sha256, WORKBENCH_VERSION,
  type EvaluateJob, type JobResult, type RunSpec,
} from './redis-protocol';

export interface RedisEngineOptions {
  /** redis:// or rediss:// URL (user and password in it). */
  readonly url: string;
  /** Mirrored pairs per job (default 2): small enough to spread a generation, large enough to amortise a job. */
  readonly pairsPerJob?: number;
  /** How often the pending jobs, the centre and the workers' heartbeats are checked (default 1000 ms). */
  readonly checkMs?: number;
  /** Told, with the run it concerns, when the engine waits for workers or for Redis, and when they are back. */
  readonly onStatus?: (status: RedisStatus, run: RunIdentity) => void;
}

export type RedisStatus =
  | { readonly kind: 'waiting for workers' }
  | { readonly kind: 'workers'; readonly count: number }
  /** The connection dropped; ioredis reconnects and commands wait meanwhile. */
  | { readonly kind: 'reconnecting' }
  | { readonly kind: 'reconnected' };

/** A status in words, for the CLI's status line and the run page. */
export function describeRedisStatus(s: RedisStatus, where: string): string {
  switch (s.kind) {
    case 'waiting for workers':
      return `waiting for workers: no hebb worker is connected to ${where} (start one with: hebb worker --redis URL)`;
    case 'workers':
      return `${s.count} worker${s.count === 1 ? '' : 's'} connected to ${where}`;
    case 'reconnecting':
      return `lost the connection to ${where}; reconnecting (the generation continues once it is back)…`;
    case 'reconnected':
      return `reconnected to ${where}`;
  }
}

/** Makes each run's engine a RedisEvaluator on `options.url`. */
export function redisEvaluator(options: RedisEngineOptions): EvaluatorFactory {
  return (init, _workers, run) => new RedisEvaluator(init, run, options);
}

/** Digests of this process's noise tables (immutable once filled), so a run's start does not hash 128 MiB again. */
const digests = new WeakMap<SharedArrayBuffer, string>();

/** The part of a run's config the workers need, from what the coordinator gives the thread pool. */
function runSpec(init: WorkerInit, run: RunIdentity): RunSpec {
  const { noise: buffer, theta: _centre, assignment, ...rest } = init;
  let digest = digests.get(buffer);
  if (digest === undefined) digests.set(buffer, (digest = noiseDigest(new Float32Array(buffer))));
  const noise = { seed: run.config.es.noiseSeed, size: run.config.es.noiseTableSize, digest };
  return { ...rest, noise, ...(assignment ? { merging: true as const } : {}) };
}

/** The run key in job and centre names: the run id, then a digest of everything its numbers depend on. */
function runKey(run: RunIdentity, configHash: string): string {
  return `${run.id}-${sha256({ config: run.config, configHash }).slice(0, 12)}`;
}

interface Pending {
  readonly data: EvaluateJob;
  /** The candidate or test indices this job covers. */
  readonly size: number;
}

interface Collection {
  readonly generation: number;
  readonly pending: Map<string, Pending>;
  readonly results: (CandidateResult | TestResult | undefined)[];
  readonly ok: (r: (CandidateResult | TestResult)[]) => void;
  readonly fail: (e: Error) => void;
}

const JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 1000 },
  // Collected within a second of finishing; kept a while longer for whoever inspects the queue.
  removeOnComplete: { age: 3600 },
  removeOnFail: { age: 24 * 3600 },
} as const;
/** A centre key outlives a coordinator that died holding it by at most this long. */
const CENTRE_TTL_S = 24 * 3600;
const CLOSE_WAIT_MS = 3000;
const delay = (ms: number): Promise<void> => new Promise((ok) => setTimeout(ok, ms).unref());

export class RedisEvaluator implements Evaluator {
  readonly engine = 'redis';
  private readonly spec: RunSpec;
  private readonly configHash: string;
  private readonly run: string;
  private readonly runLabel: string;
  private readonly queue: Queue;
  private readonly events: QueueEvents;
  private readonly redis: Redis;
  private readonly pairsPerJob: number;
  private centre: { generation: number; bytes: Buffer } | undefined;
  private collection: Collection | undefined;
  private timer: NodeJS.Timeout | undefined;
  private checking = false;
  private cleaned = false;
  private closed = false;
  private lastStatus = '';
  /** Job ids added per generation, removed when it is committed. */
  private readonly added = new Map<number, Set<string>>();

  constructor(init: WorkerInit, private readonly identity: RunIdentity, private readonly options: RedisEngineOptions) {
    const connection = redisOptions(options.url);
    this.spec = runSpec(init, identity);
    this.configHash = sha256(this.spec);
    this.run = runKey(identity, this.configHash);
    this.runLabel = `run ${identity.id} (${identity.config.name})`;
    this.pairsPerJob = options.pairsPerJob ?? 2;
    this.queue = new Queue(QUEUE_NAME, { connection });
    this.events = new QueueEvents(QUEUE_NAME, { connection });
    this.redis = new Redis(connection);
    // Connection errors are retried by ioredis; without listeners they would be thrown as uncaught.
    const ignore = (): void => undefined;
    this.queue.on('error', ignore);
    this.events.on('error', ignore);
    this.redis.on('error', ignore);
    let lost = false;
    this.redis.on('reconnecting', () => {
      if (!lost && !this.closed) this.options.onStatus?.({ kind: 'reconnecting' }, identity);
      lost = true;
    });
    this.redis.on('ready', () => {
      if (lost && !this.closed) this.options.onStatus?.({ kind: 'reconnected' }, identity);
      lost = false;
    });
    this.events.on('completed', ({ jobId: id }) => void this.checkJob(id));
    this.events.on('failed', ({ jobId: id }) => void this.checkJob(id));
  }

  async ready(): Promise<void> {
    await Promise.all([this.queue.waitUntilReady(), this.events.waitUntilReady()]);
  }

  async setCentre(generation: number, theta: Float32Array, assignment?: Int32Array): Promise<void> {
    if ((assignment !== undefined) !== (this.spec.merging === true)) throw new Error(assignment ? 'the run does not merge rules, but the centre has a rule assignment' : 'the run merges rules: the centre needs its rule assignment');
    const bytes = centreBytes(theta, assignment);
    this.centre = { generation, bytes };
    if (!this.cleaned) {
      await this.discardStale(generation);
      this.cleaned = true;
    }
    await this.redis.set(centreKey(this.run, generation), bytes, 'EX', CENTRE_TTL_S);
  }

  evaluate(generation: number, sigma: number, candidates: readonly Candidate[]): Promise<CandidateResult[]> {
    const per = 2 * this.pairsPerJob;
    const jobs: Pending[] = [];
    for (let i = 0; i < candidates.length; i += per) {
      const items = candidates.slice(i, i + per);
      jobs.push({ data: { ...this.header(generation, `c${i / per}`), kind: 'candidates', sigma, candidates: items }, size: items.length });
    }
    return this.collect(generation, jobs) as Promise<CandidateResult[]>;
  }

  test(generation: number, tests: readonly TestLifetime[]): Promise<TestResult[]> {
    const jobs: Pending[] = [];
    for (let i = 0; i < tests.length; i += 2) {
      const items = tests.slice(i, i + 2);
      jobs.push({ data: { ...this.header(generation, `t${i / 2}`), kind: 'tests', tests: items }, size: items.length });
    }
    return this.collect(generation, jobs) as Promise<TestResult[]>;
  }

  async committed(generation: number): Promise<void> {
    await this.redis.del(centreKey(this.run, generation));
    const ids = this.added.get(generation) ?? new Set<string>();
    this.added.delete(generation);
    // An active job cannot be removed (its worker holds the lock); it ends stale or unread and expires.
    await Promise.all([...ids].map((id) => this.queue.remove(id).catch(() => 0)));
  }

  /** Ends this engine; a generation left uncommitted (the run failed or stopped) leaves no centre or job behind. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.collection?.fail(new Error('the Redis evaluator was closed'));
    this.collection = undefined;
    // Commands wait for Redis while it is unreachable: closing gives up on the clean-up after a while.
    await Promise.race([Promise.allSettled([...this.added.keys()].map((g) => this.committed(g))), delay(CLOSE_WAIT_MS)]);
    await Promise.race([Promise.allSettled([this.events.close(), this.queue.close()]), delay(CLOSE_WAIT_MS)]);
    this.redis.disconnect();
  }

  private header(generation: number, chunk: string): Omit<EvaluateJob, 'kind' | 'sigma' | 'candidates' | 'tests'> {
    return { version: WORKBENCH_VERSION, protocol: PROTOCOL, run: this.run, runLabel: this.runLabel, generation, chunk, configHash: this.configHash, config: this.spec };
  }

  /** A new coordinator of this run drops what an earlier one left of other generations (centres, unread jobs). */
  private async discardStale(generation: number): Promise<void> {
    const keep = centreKey(this.run, generation);
    for (const key of await this.scan(centrePattern(this.run))) if (key !== keep) await this.redis.del(key);
    const mine = `${this.run}-g`;
    const jobs = await this.queue.getJobs(['waiting', 'delayed', 'prioritized', 'completed', 'failed']);
    for (const job of jobs) {
      if (job.id?.startsWith(mine) && job.id !== undefined && !job.id.startsWith(`${mine}${generation}-`)) await this.queue.remove(job.id).catch(() => 0);
    }
  }

  private async scan(pattern: string): Promise<string[]> {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await this.redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    return keys;
  }

  private collect(generation: number, jobs: readonly Pending[]): Promise<(CandidateResult | TestResult)[]> {
    if (this.closed) return Promise.reject(new Error('the Redis evaluator is closed'));
    if (this.collection) return Promise.reject(new Error('a generation is already being evaluated'));
    if (this.centre?.generation !== generation) return Promise.reject(new Error(`generation ${generation} has no centre (setCentre first)`));
    const size = jobs.reduce((n, j) => n + j.size, 0);
    return new Promise((ok, fail) => {
      const pending = new Map(jobs.map((j) => [j.data.chunk, j]));
      this.collection = { generation, pending, results: new Array<CandidateResult | TestResult | undefined>(size), ok, fail };
      if (pending.size === 0) {
        this.finish();
        return;
      }
      this.add(jobs).then(() => this.tick(), (e: unknown) => this.abort(e instanceof Error ? e : new Error(String(e))));
    });
  }

  private async add(jobs: readonly Pending[]): Promise<void> {
    const generation = jobs[0]!.data.generation;
    const ids = this.added.get(generation) ?? new Set<string>();
    this.added.set(generation, ids);
    for (const j of jobs) ids.add(jobId(this.run, generation, j.data.chunk));
    await this.queue.addBulk(jobs.map((j) => ({ name: j.data.kind, data: j.data, opts: { ...JOB_OPTIONS, jobId: jobId(this.run, generation, j.data.chunk) } })));
  }

  /** Checks every pending job and the workers, then again after checkMs, until the collection ends. */
  private tick(): void {
    clearTimeout(this.timer);
    if (!this.collection || this.closed) return;
    void this.checkAll().finally(() => {
      if (this.collection && !this.closed) this.timer = setTimeout(() => this.tick(), this.options.checkMs ?? 1000);
    });
  }

  private async checkAll(): Promise<void> {
    const c = this.collection;
    if (!c || this.checking) return;
    this.checking = true;
    try {
      const ids = [...c.pending.keys()].map((chunk) => jobId(this.run, c.generation, chunk));
      for (const id of ids) await this.checkJob(id);
      if (this.collection === c) await this.reportWorkers();
    } catch {
      // Redis unreachable: the next tick tries again (ioredis reconnects meanwhile).
    } finally {
      this.checking = false;
    }
  }

  /** Takes a finished job's results, surfaces its failure, or re-adds it when Redis lost it or found it stale. */
  private async checkJob(id: string): Promise<void> {
    const c = this.collection;
    const chunk = c && id.startsWith(`${this.run}-g${c.generation}-`) ? id.slice(`${this.run}-g${c.generation}-`.length) : undefined;
    const pending = chunk === undefined ? undefined : c!.pending.get(chunk);
    if (!c || chunk === undefined || !pending) return; // another run's or generation's job, or taken already
    const job = await this.queue.getJob(id);
    const state = job ? await job.getState() : 'unknown';
    // An event and the periodic check may look at the same job at once: only the first takes it.
    if (this.collection !== c || !c.pending.has(chunk)) return;
    if (state === 'unknown') return this.readd(pending);
    if (state === 'failed') {
      this.abort(new Error(`generation ${c.generation}: a worker could not evaluate job ${chunk}: ${job!.failedReason}`));
      return;
    }
    if (state !== 'completed') return;
    const result = job!.returnvalue as JobResult | null;
    // Results for another run or generation than the id says are dropped, like a job that found no centre.
    if (!result || result.run !== this.run || result.generation !== c.generation || result.chunk !== chunk || 'stale' in result) {
      await this.queue.remove(id).catch(() => 0);
      return this.readd(pending);
    }
    if (!this.place(c, pending, result.results)) return;
    c.pending.delete(chunk);
    if (c.pending.size === 0) this.finish();
  }

  /** Places a job's results by index; false (and the job re-run) when they are not the ones it asked for. */
  private place(c: Collection, pending: Pending, results: readonly (CandidateResult | TestResult)[]): boolean {
    const wanted = pending.data.kind === 'candidates' ? pending.data.candidates : pending.data.tests;
    if (results.length !== wanted.length || results.some((r, i) => r.index !== wanted[i]!.index)) {
      this.abort(new Error(`generation ${c.generation}: job ${pending.data.chunk} came back with other indices than it was given`));
      return false;
    }
    for (const r of results) c.results[r.index] = r;
    return true;
  }

  /** Adds a job again (its centre first, in case Redis lost that too). */
  private async readd(pending: Pending): Promise<void> {
    const centre = this.centre!;
    await this.redis.set(centreKey(this.run, centre.generation), centre.bytes, 'EX', CENTRE_TTL_S);
    await this.add([pending]);
  }

  private async reportWorkers(): Promise<void> {
    const count = (await this.scan(HEARTBEAT_PATTERN)).length;
    const status: RedisStatus = count === 0 ? { kind: 'waiting for workers' } : { kind: 'workers', count };
    const text = JSON.stringify(status);
    if (text === this.lastStatus) return;
    this.lastStatus = text;
    this.options.onStatus?.(status, this.identity);
  }

  private finish(): void {
    const c = this.collection!;
    this.collection = undefined;
    clearTimeout(this.timer);
    c.ok(c.results as (CandidateResult | TestResult)[]);
  }

  private abort(error: Error): void {
    const c = this.collection;
    this.collection = undefined;
    clearTimeout(this.timer);
    c?.fail(error);
  }
}
