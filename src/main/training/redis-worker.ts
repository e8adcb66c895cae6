/**
 * The worker side of the Redis engine (`hebb worker`): a BullMQ worker that takes jobs of any run, evaluates them
 * on this machine's threads through the same evaluator pool as local training, and returns results by candidate
 * index. It keeps one set of pools per run config (hash), built from the config the job carries, and reads each
 * generation's centre from Redis once. A job it cannot honour (another version, a config that does not match its
 * hash) fails for good with the reason, so the coordinator reports it instead of training on wrong numbers.
 */
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { hostname } from 'node:os';
import { mlpSpecSchema, parseConfig, policySpecSchema } from '../../core/config';
import { CURRENT_PHYSICS, physicsVersion } from '../../core/envs/quadruped/physics';
import { fillNoise, type NoiseTable } from '../../core/es';
import { parseMjcf } from '../../core/morphology/mjcf';
import { ruleGeometry, tableRules } from '../../core/merge/merge';
import { synapseCount } from '../../core/nn/mlp';
import { genomeLayout } from '../../core/policy/genome';
import { EvaluatorPool } from './evaluator-pool';
import type { CandidateResult, TestResult } from './protocol';
import {
  centreKey, heartbeatKey, jobLifetimes, noiseDigest, QUEUE_NAME, readCentre, redisOptions, refusal, WORKBENCH_VERSION,
  type EvaluateJob, type Heartbeat, type JobResult, type RunSpec,
} from './redis-protocol';

export interface RedisWorkerOptions {
  readonly url: string;
  /** Evaluator threads, and jobs taken at once (one thread each). */
  readonly threads: number;
  /** Shown in heartbeats (default host-pid). */
  readonly name?: string;
  /** How long a job's lock lasts without renewal: a worker that died loses its job to another after about this. */
  readonly lockMs?: number;
  /** Heartbeat period; the key lives three periods. */
  readonly heartbeatMs?: number;
  readonly log?: (line: string) => void;
  /** How this worker fills noise tables (default: core's fillNoise). Tests pass another to be a worker of another build. */
  readonly fillNoise?: typeof fillNoise;
}

/**
 * Why this machine cannot build a run's worlds and policy from `spec`, or null. The coordinator checked the config
 * already; this guards the threads against a job someone else wrote (a thread that cannot start would be replaced
 * for ever).
 */
function unbuildable(spec: RunSpec): string | null {
  try {
    parseConfig(policySpecSchema, spec.policy, 'policy');
    parseConfig(mlpSpecSchema, spec.net, 'net');
    physicsVersion(spec.physics ?? CURRENT_PHYSICS);
    for (const m of [...spec.morphologies, ...(spec.heldout ?? [])]) {
      try {
        parseMjcf(m.mjcf, m.name);
      } catch (e) {
        return `body "${m.name}": ${e instanceof Error ? e.message : String(e)}`;
      }
    }
    // The car lives on tracks its seed draws, not on bodies.
    if (spec.morphologies.length === 0 && (spec.env ?? 'quadruped') === 'quadruped') return 'the run has no training morphologies';
    const size = genomeLayout(spec.net, spec.policy).size;
    if (spec.merging) ruleGeometry(spec.net, spec.policy); // throws for a static policy
    if (!Number.isInteger(spec.noise.size) || spec.noise.size < size || spec.noise.size > 2 ** 28) return `noise table size ${spec.noise.size} is not an integer in [genome size ${size}, 2^28]`;
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/** The pools of one run config: one single-thread pool per job slot, each with its own centre buffer. */
interface PoolSet {
  readonly hash: string;
  readonly free: EvaluatorPool[];
  readonly all: EvaluatorPool[];
  readonly ready: Promise<void>;
}

/** Run configs whose pools are kept at once (each pool holds its worlds and network in memory). */
const MAX_POOL_SETS = 2;
/** Centres kept (a generation's jobs arrive together; a stale one may straggle). */
const MAX_CENTRES = 4;
/** Noise values filled between two turns of the event loop (about 80 ms here). */
const NOISE_SLICE = 1 << 20;

export class RedisWorker {
  readonly name: string;
  private readonly worker: Worker;
  private readonly redis: Redis;
  private readonly sets = new Map<string, PoolSet>();
  private readonly noise = new Map<string, Promise<{ table: NoiseTable; digest: string }>>();
  private readonly centres = new Map<string, Promise<Uint8Array | null>>();
  private readonly done: { at: number; lifetimes: number }[] = [];
  private readonly started = Date.now();
  private currentRun: string | null = null;
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(private readonly options: RedisWorkerOptions) {
    if (!Number.isInteger(options.threads) || options.threads < 1) throw new RangeError(`threads must be a positive integer, got ${options.threads}`);
    const connection = redisOptions(options.url);
    this.name = options.name ?? `${hostname()}-${process.pid}`;
    const lockMs = options.lockMs ?? 30_000;
    this.redis = new Redis(connection);
    this.redis.on('error', () => undefined); // reconnects; a heartbeat missed meanwhile is harmless
    this.worker = new Worker(QUEUE_NAME, (job: Job) => this.process(job), {
      connection,
      concurrency: options.threads,
      lockDuration: lockMs,
      stalledInterval: lockMs,
      // A job whose worker died is re-run; one that kills its workers three times fails.
      maxStalledCount: 3,
      autorun: false,
    });
    // While Redis is down every reconnect attempt fails the same way: say it once.
    let lastError = '';
    this.worker.on('error', (e) => {
      if (e.message !== lastError) this.log(`redis: ${e.message}`);
      lastError = e.message;
    });
    this.worker.on('completed', () => (lastError = ''));
    this.worker.on('failed', (job, e) => this.log(`job ${job?.id ?? '?'} failed: ${e.message}`));
  }

  /** Connects, starts the heartbeat and takes jobs until close(). */
  async start(): Promise<void> {
    await this.worker.waitUntilReady();
    await this.beat();
    this.heartbeat = setInterval(() => void this.beat().catch(() => undefined), this.options.heartbeatMs ?? 5000);
    void this.worker.run();
  }

  /** Stops taking jobs, lets the ones in flight finish, removes the heartbeat and the pools. */
  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    await this.worker.close();
    await this.redis.del(heartbeatKey(this.name)).catch(() => 0);
    this.redis.disconnect();
    await Promise.all([...this.sets.values()].flatMap((s) => s.all.map((p) => p.close())));
  }

  private log(line: string): void {
    this.options.log?.(line);
  }

  private async process(job: Job): Promise<JobResult> {
    const data = job.data as EvaluateJob;
    const why = refusal(data);
    if (why !== null) throw new UnrecoverableError(`worker ${this.name} refused job ${job.id ?? '?'}: ${why}`);
    this.currentRun = data.runLabel;
    const head = { run: data.run, generation: data.generation, chunk: data.chunk };
    const bytes = await this.centre(data.run, data.generation);
    if (!bytes) return { ...head, stale: true };
    if (!this.sets.has(data.configHash)) {
      const why = unbuildable(data.config);
      if (why !== null) throw new UnrecoverableError(`worker ${this.name} cannot build ${data.runLabel}: ${why}`);
    }
    const set = this.poolSet(data.configHash, data.config);
    await set.ready;
    const { theta: centre, assignment } = readCentre(bytes, data.config.merging ? synapseCount(data.config.net) : null);
    const size = genomeLayout(data.config.net, data.config.policy).size;
    if (data.config.merging) tableRules(ruleGeometry(data.config.net, data.config.policy), centre.length); // throws naming the sizes
    else if (centre.length !== size) throw new Error(`the centre of generation ${data.generation} has ${centre.length} parameters; the run's genome has ${size}`);
    // As many jobs run at once as there are threads, so a free pool is there unless the set was just rebuilt.
    const pool = set.free.pop() ?? (await this.spare(set, data.config));
    let results: (CandidateResult | TestResult)[];
    try {
      await pool.setCentre(data.generation, centre, assignment);
      results = data.kind === 'candidates' ? await pool.evaluate(data.generation, data.sigma, data.candidates) : await pool.test(data.generation, data.tests);
    } finally {
      set.free.push(pool);
    }
    // JSON carries finite doubles exactly; anything else would arrive as null.
    const bad = results.find((r) => !Number.isFinite(r.fitness) || ('perMorphology' in r && r.perMorphology.some((f) => !Number.isFinite(f))));
    if (bad) throw new Error(`candidate ${bad.index} of generation ${data.generation} has a non-finite fitness`);
    this.done.push({ at: Date.now(), lifetimes: jobLifetimes(data) });
    return { ...head, results };
  }

  /**
   * The centre of (run, generation), read once and shared by its jobs; null when Redis has none — the generation
   * was committed (its jobs are stale) or Redis lost it. Each job still asks whether the key exists (one EXISTS),
   * so a cached centre never revives a committed generation.
   */
  private async centre(run: string, generation: number): Promise<Uint8Array | null> {
    const key = centreKey(run, generation);
    if ((await this.redis.exists(key)) === 0) {
      this.centres.delete(key);
      return null;
    }
    let centre = this.centres.get(key);
    if (!centre) {
      // Copied into aligned arrays by readCentre: a Buffer may start anywhere in the socket's memory.
      centre = this.redis.getBuffer(key);
      this.centres.set(key, centre);
      while (this.centres.size > MAX_CENTRES) this.centres.delete(this.centres.keys().next().value!);
    }
    // A missing centre is not kept: it may be written again (after a Redis restart).
    return centre.then((c) => {
      if (c === null) this.centres.delete(key);
      return c;
    });
  }

  private poolSet(hash: string, spec: RunSpec): PoolSet {
    let set = this.sets.get(hash);
    if (set) return set;
    // Drop idle pools of other runs beyond the limit.
    for (const [other, s] of this.sets) {
      if (this.sets.size < MAX_POOL_SETS) break;
      if (s.free.length === s.all.length) {
        this.sets.delete(other);
        void Promise.all(s.all.map((p) => p.close()));
      }
    }
    const free: EvaluatorPool[] = [];
    const all: EvaluatorPool[] = [];
    const ready = this.noiseTable(spec.noise).then(async ({ table: noise, digest }) => {
      if (digest !== spec.noise.digest) {
        throw new UnrecoverableError(
          `worker ${this.name}'s noise table (seed ${spec.noise.seed}, ${spec.noise.size} values) has SHA-256 ${digest.slice(0, 12)}…, the coordinator's ${String(spec.noise.digest).slice(0, 12)}…: ` +
            'this worker fills the table differently (another build or a modified copy), so its candidates would not be the ones the coordinator sampled; run the same build on every machine',
        );
      }
      for (let i = 0; i < this.options.threads; i++) all.push(this.newPool(spec, noise));
      free.push(...all);
      await Promise.all(all.map((p) => p.ready()));
      this.log(`built ${this.options.threads} evaluator thread(s) for run config ${hash.slice(0, 12)}…`);
    });
    set = { hash, free, all, ready };
    this.sets.set(hash, set);
    return set;
  }

  private async spare(set: PoolSet, spec: RunSpec): Promise<EvaluatorPool> {
    const pool = this.newPool(spec, (await this.noiseTable(spec.noise)).table);
    set.all.push(pool);
    return pool;
  }

  /**
   * The noise table (seed, size), built once per machine in slices between which the event loop runs: a 2^25 table
   * takes seconds, and the job locks must be renewed meanwhile.
   */
  private noiseTable({ seed, size }: RunSpec['noise']): Promise<{ table: NoiseTable; digest: string }> {
    const key = `${seed}:${size}`;
    let table = this.noise.get(key);
    if (!table) {
      table = (async () => {
        const data = new Float32Array(new SharedArrayBuffer(size * 4));
        for (let start = 0; start < size; start += NOISE_SLICE) {
          (this.options.fillNoise ?? fillNoise)(data, seed, start, Math.min(size, start + NOISE_SLICE));
          await new Promise((ok) => setImmediate(ok));
        }
        return { table: { seed, size, data }, digest: noiseDigest(data) };
      })();
      this.noise.set(key, table);
    }
    return table;
  }

  /** A one-thread pool for the run config `spec`: its own centre buffer, the machine's noise table. */
  private newPool(spec: RunSpec, noise: NoiseTable): EvaluatorPool {
    const size = genomeLayout(spec.net, spec.policy).size;
    const { merging, ...init } = spec;
    const assignment = merging ? { assignment: new SharedArrayBuffer(synapseCount(spec.net) * 4) } : {};
    return new EvaluatorPool({ ...init, ...assignment, noise: noise.data.buffer as SharedArrayBuffer, theta: new SharedArrayBuffer(size * 4) }, 1);
  }

  private async beat(): Promise<void> {
    const now = Date.now();
    while (this.done.length > 0 && this.done[0]!.at < now - 60_000) this.done.shift();
    const seconds = Math.max(1, Math.min(60, (now - this.started) / 1000));
    const beat: Heartbeat = {
      name: this.name, host: hostname(), pid: process.pid, threads: this.options.threads, version: WORKBENCH_VERSION,
      lifetimesPerSecond: this.done.reduce((s, d) => s + d.lifetimes, 0) / seconds, run: this.currentRun, at: now,
    };
    await this.redis.set(heartbeatKey(this.name), JSON.stringify(beat), 'PX', 3 * (this.options.heartbeatMs ?? 5000));
  }
}
