/**
 * Faults the Redis engine survives, on a real redis-server and real `hebb worker` processes: a worker killed
 * mid-job, no worker at all, Redis restarted mid-generation, the coordinator killed, and jobs a worker must refuse.
 * Each run's records are compared with the same run trained undisturbed on this process's threads.
 */
import { Queue, QueueEvents, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Store, type GenerationRecord } from '../../src/main/store/store';
import { createRun, ensurePresets, train } from '../../src/main/training/coordinator';
import { redisEvaluator } from '../../src/main/training/redis-evaluator';
import { RedisWorker } from '../../src/main/training/redis-worker';
import { fillNoise } from '../../src/core/es';
import { QUEUE_NAME, redisOptions, sha256, type EvaluateJob } from '../../src/main/training/redis-protocol';
import { HEBB } from '../support/cli';
import { hebbChild, startWorker, type Child } from '../support/hebb-worker';
import { startRedis, type RedisServer } from '../support/redis';
import { withoutTime } from '../support/runs';

/** Two jobs of two pairs per generation. */
const CONFIG = { name: 'tiny', es: { popSize: 8, noiseTableSize: 1 << 20 }, generations: 2, seed: 11, morphologies: ['standard'] };
/** The same kind of run from the command line (the CLI keeps the default noise table). */
const CLI_TRAIN = ['--pop', '8', '--generations', '2', '--morphologies', 'standard', '--seed', '12', '--json'];
const CLI_CONFIG = { name: 'cli', es: { popSize: 8 }, generations: 2, seed: 12, morphologies: ['standard'] };
/** Short job locks: a dead worker's job is re-run within seconds. */
const FAST_LOCKS = ['--lock-ms', '2000'];

const until = async (what: string, test: () => Promise<boolean> | boolean, ms = 60_000): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!(await test())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((ok) => setTimeout(ok, 50));
  }
};

let redis: RedisServer;
let store: Store;
let dir: string;
let queue: Queue;
let client: Redis;
let reference: Omit<GenerationRecord, 'wallMs'>[];
let cliReference: Omit<GenerationRecord, 'wallMs'>[];
let workers: Child[] = [];

beforeAll(async () => {
  redis = await startRedis();
  dir = mkdtempSync(join(tmpdir(), 'hebb-redis-faults-'));
  store = Store.open(':memory:');
  ensurePresets(store);
  const local = createRun(store, CONFIG);
  await train(store, local.id, { workers: 2 });
  reference = withoutTime(store.generations(local.id));
  const cli = createRun(store, CLI_CONFIG);
  await train(store, cli.id, { workers: 2 });
  cliReference = withoutTime(store.generations(cli.id));
  queue = new Queue(QUEUE_NAME, { connection: redisOptions(redis.url) });
  queue.on('error', () => undefined);
  client = new Redis(redisOptions(redis.url));
  client.on('error', () => undefined);
});
beforeEach(async () => {
  await client.flushall();
});
afterEach(async () => {
  await Promise.all(workers.map((w) => w.signal('SIGKILL')));
  workers = [];
});
afterAll(async () => {
  await queue.close();
  client.disconnect();
  store.close();
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
});

const engine = (): ReturnType<typeof redisEvaluator> => redisEvaluator({ url: redis.url, checkMs: 200 });
const recordsOf = (db: string): unknown[] =>
  (JSON.parse(spawnSync(process.execPath, [HEBB, 'runs', 'show', '1', '--db', db, '--json'], { encoding: 'utf8' }).stdout) as { generations: GenerationRecord[] }).generations.map(({ wallMs: _w, ...g }) => g);
/** The jobs of a generation (of one store run id, when given: job ids start with it). */
const jobsOf = async (generation: number, runId?: number): Promise<Job[]> =>
  (await queue.getJobs(['waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed']))
    .filter((j) => j.id?.includes(`-g${generation}-`) && (runId === undefined || j.id.startsWith(`${runId}-`)));

describe('Redis engine faults', () => {
  it('a worker whose noise table differs (another build) is refused before it evaluates, naming both digests', async () => {
    // The tester's case: a worker filling the table from seed + 1 under the same version string.
    const foreign = new RedisWorker({ url: redis.url, threads: 1, name: 'foreign', fillNoise: (data, seed, start, end) => fillNoise(data, seed + 1, start, end) });
    await foreign.start();
    try {
      const run = createRun(store, CONFIG);
      const outcome = await train(store, run.id, { evaluator: engine() }).catch((e: unknown) => e);
      const message = outcome instanceof Error ? outcome.message : `${String(outcome)}: ${store.getRun(run.id).error ?? ''}`;
      expect(message).toMatch(/worker foreign's noise table \(seed 0, 1048576 values\) has SHA-256 [0-9a-f]{12}…, the coordinator's [0-9a-f]{12}…: this worker fills the table differently/);
      expect(store.generations(run.id)).toEqual([]); // nothing it computed was committed
    } finally {
      await foreign.close();
    }
  });

  it('a worker SIGKILLed mid-job: its job stalls, another worker re-runs it, the records are the undisturbed ones', async () => {
    const stalled: string[] = [];
    const events = new QueueEvents(QUEUE_NAME, { connection: redisOptions(redis.url) });
    events.on('stalled', ({ jobId }) => stalled.push(jobId));
    await events.waitUntilReady();
    const doomed = await startWorker(redis.url, 'doomed', FAST_LOCKS);
    workers.push(doomed);
    const run = createRun(store, CONFIG);
    const training = train(store, run.id, { evaluator: engine() });
    await until('the worker to take a job', async () => (await queue.getActiveCount()) > 0);
    await doomed.signal('SIGKILL');
    workers.push(await startWorker(redis.url, 'rescuer', FAST_LOCKS));
    expect(await training).toBe('finished');
    expect(withoutTime(store.generations(run.id))).toEqual(reference);
    expect(stalled.length).toBeGreaterThanOrEqual(1);
    await events.close();
  });

  it('no worker: `hebb train --redis` waits and says so, then trains when a worker comes', async () => {
    const db = join(dir, 'waiting.db');
    const coordinator = hebbChild(['train', '--db', db, ...CLI_TRAIN, '--redis', redis.url]);
    await coordinator.waitFor('run 1: waiting for workers: no hebb worker is connected to redis://127.0.0.1:', 'stderr');
    await new Promise((ok) => setTimeout(ok, 1500));
    expect(coordinator.child.exitCode).toBeNull(); // still waiting, not failed
    expect(coordinator.stdout()).toBe('');
    workers.push(await startWorker(redis.url, 'late'));
    expect(await coordinator.exited).toBe(0);
    expect(coordinator.stderr()).toContain('run 1: 1 worker connected');
    expect(recordsOf(db)).toEqual(cliReference);
  });

  it('Redis restarted mid-generation (every key lost): coordinator and worker reconnect, the run continues', async () => {
    workers.push(await startWorker(redis.url, 'steady', FAST_LOCKS));
    const run = createRun(store, CONFIG);
    const statuses: string[] = [];
    const training = train(store, run.id, { evaluator: redisEvaluator({ url: redis.url, checkMs: 200, onStatus: (s) => statuses.push(s.kind) }) });
    await until('the worker to take a job', async () => (await queue.getActiveCount()) > 0);
    await redis.restart();
    expect(await training).toBe('finished');
    expect(statuses).toEqual(expect.arrayContaining(['reconnecting', 'reconnected']));
    expect(statuses.indexOf('reconnecting')).toBeLessThan(statuses.lastIndexOf('reconnected'));
    expect(withoutTime(store.generations(run.id))).toEqual(reference);
    // The worker is still there: its heartbeat came back after the restart.
    await until('the heartbeat', async () => (await client.exists('hebb:worker:steady')) === 1, 20_000);
  });

  it('the coordinator killed: `hebb resume --redis` continues from the last commit and stale jobs are discarded', async () => {
    workers.push(await startWorker(redis.url, 'survivor'));
    const db = join(dir, 'killed.db');
    const first = hebbChild(['train', '--db', db, ...CLI_TRAIN, '--redis', redis.url]);
    await first.waitFor('"generation":0', 'stdout');
    await until('generation 1 in flight', async () => (await jobsOf(1)).length > 0);
    await first.signal('SIGKILL');
    expect(recordsOf(db)).toHaveLength(1);
    // A job of generation 0, committed already (its centre deleted), as a coordinator killed before its clean-up
    // would leave it: the worker does not evaluate it.
    const left = (await jobsOf(1))[0]!;
    // (lifo: the worker takes it next, after the job it may still be running)
    const stale = await queue.add('candidates', { ...left.data, generation: 0 }, { jobId: left.id!.replace('-g1-', '-g0-'), lifo: true });
    const events = new QueueEvents(QUEUE_NAME, { connection: redisOptions(redis.url) });
    expect(await stale.waitUntilFinished(events, 60_000)).toEqual({ run: left.data.run, generation: 0, chunk: left.data.chunk, stale: true });
    await events.close();

    const resumed = hebbChild(['resume', '1', '--db', db, '--redis', redis.url, '--json']);
    expect(await resumed.exited, resumed.stderr()).toBe(0);
    expect(recordsOf(db)).toEqual(cliReference);
    // Nothing of the run is left: no centre, no job; the new coordinator discarded the stale one.
    expect(await client.keys('hebb:centre:*')).toEqual([]);
    expect(await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed')).toEqual({ waiting: 0, active: 0, delayed: 0, prioritized: 0, completed: 0, failed: 0 });
  }, 180_000); // three CLI processes, each building the default 128 MiB noise table

  it('jobs of another version, with a config that does not match its hash, or whose bodies cannot be built are refused, and the run fails saying why', async () => {
    workers.push(await startWorker(redis.url, 'strict'));
    const broken = (data: EvaluateJob): EvaluateJob['config'] => ({ ...data.config, morphologies: [{ name: 'standard', mjcf: '<mujoco><worldbody>' }] });
    const cases: { tamper: (data: EvaluateJob) => Partial<EvaluateJob>; message: RegExp }[] = [
      { tamper: () => ({ version: '0.0.0-other' }), message: /refused job .*made by workbench 0\.0\.0-other .*this worker is \d/ },
      { tamper: () => ({ configHash: '0'.repeat(64) }), message: /refused job .*hashes to [0-9a-f]{12}… here but the coordinator sent 000000000000…/ },
      // A consistent job whose body is not MJCF: refused before any thread tries to build it.
      { tamper: (data) => ({ config: broken(data), configHash: sha256(broken(data)) }), message: /cannot build run \d+ \(tiny\): body "standard": MJCF: malformed XML/ },
    ];
    for (const { tamper, message } of cases) {
      await queue.pause(); // the jobs wait while they are altered, as if another coordinator had made them
      const run = createRun(store, CONFIG);
      const training = train(store, run.id, { evaluator: engine() });
      const rejected = expect(training).rejects.toThrow(message);
      // (a job of the previous case may outlive its run: one its worker held when the run failed)
      await until('the jobs', async () => (await jobsOf(0, run.id)).length === 2);
      for (const job of await jobsOf(0, run.id)) await job.updateData({ ...job.data, ...tamper(job.data as EvaluateJob) });
      await queue.resume();
      await rejected;
      expect(store.getRun(run.id).status).toBe('failed');
      expect(store.getRun(run.id).error).toMatch(message);
      expect(store.generations(run.id)).toEqual([]);
    }
  });
});
