/**
 * Benchmarks of the Redis engine against the thread pool, all on this machine over loopback: what one generation
 * of population 100 costs in coordination (jobs, centre, results through Redis) over the local pool with the same
 * candidates and as many threads, and how a generation's time falls from one `hebb worker` to two. Lifetimes are
 * the real ones (AntBulletEnv's 1000 steps with its early stop): no shorter lifetime exists to ask for.
 *
 * Two private redis-servers keep the 1-worker and 2-worker setups apart, so no worker is started or stopped between
 * measurements (a worker builds its pools on its first job; that cost belongs to no generation).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ask, createNoiseTable, type EsState } from '../../core/es';
import { runConfig } from '../../core/config';
import { QUADRUPED_MLP } from '../../core/nn/mlp';
import { genomeLayout } from '../../core/policy/genome';
import { presetXml, type PresetName } from '../../main/services/presets';
import { initialState } from '../../main/training/coordinator';
import type { Evaluator } from '../../main/training/evaluator';
import { EvaluatorPool } from '../../main/training/evaluator-pool';
import type { WorkerInit } from '../../main/training/protocol';
import { RedisEvaluator } from '../../main/training/redis-evaluator';
import { redisServerMissing, startRedis, type RedisServer } from '../../main/training/redis-server';
import type { Benchmark } from './registry';

export const REDIS_BENCH_KEYS = ['redis_overhead_ms_per_generation', 'redis_speedup_2_workers'] as const;

const HEBB = fileURLToPath(new URL('../../../bin/hebb.mjs', import.meta.url));
const MORPHOLOGY: PresetName = 'standard';
const CONFIG = runConfig({ name: 'bench-redis', es: { popSize: 100, noiseTableSize: 1 << 22 }, generations: 10_000, seed: 1, morphologies: [MORPHOLOGY] });
const READY_MS = 60_000;

/** A one-thread `hebb worker` on `url`, once it says it takes jobs. */
function startWorker(url: string, name: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [HEBB, 'worker', '--redis', url, '--workers', '1', '--name', name, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`hebb worker ${name} did not start within ${READY_MS / 1000} s:\n${output}`)), READY_MS);
    const seen = (d: Buffer): void => {
      output += d.toString();
      if (output.includes('"status":"ready"')) {
        clearTimeout(timer);
        ok(child);
      }
    };
    child.stdout!.on('data', seen);
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      fail(new Error(`hebb worker ${name} exited (${code ?? signal}) before it was ready:\n${output}`));
    });
  });
}

/** One Redis setup: its server, its `hebb worker` processes and the engine that sends them the generations. */
interface RedisSetup {
  readonly server: RedisServer;
  readonly workers: ChildProcess[];
  readonly engine: Evaluator;
}

export function redisBenchmarks(): Benchmark[] {
  const missing = redisServerMissing();
  if (missing) {
    process.stderr.write(`bench: ${missing}; skipping ${REDIS_BENCH_KEYS.join(' and ')}\n`);
    return [];
  }
  // Built on first use: the suite is listed in every bench run, chosen or not.
  let inputs: { state: EsState; init: WorkerInit } | undefined;
  const prepared = (): { state: EsState; init: WorkerInit } => {
    if (inputs) return inputs;
    const state = initialState(CONFIG);
    const noise = createNoiseTable(CONFIG.es.noiseSeed, CONFIG.es.noiseTableSize);
    const init: WorkerInit = {
      runSeed: CONFIG.seed, policy: CONFIG.policy, net: QUADRUPED_MLP, l2Coefficient: state.config.l2Coefficient, physics: CONFIG.physics,
      theta: new SharedArrayBuffer(genomeLayout(QUADRUPED_MLP, CONFIG.policy).size * 4), noise: noise.data.buffer as SharedArrayBuffer,
      morphologies: [{ name: MORPHOLOGY, mjcf: presetXml(MORPHOLOGY) }],
    };
    return (inputs = { state, init });
  };
  let local: Promise<Evaluator> | undefined;
  const setups = new Map<number, Promise<RedisSetup>>();
  /** Every redis-server and worker started, killed on exit: a failed bench leaves none behind. */
  const children: ChildProcess[] = [];
  process.once('exit', () => children.forEach((c) => c.exitCode === null && c.signalCode === null && c.kill('SIGKILL')));

  const localPool = (): Promise<Evaluator> =>
    (local ??= (async () => {
      const pool = new EvaluatorPool(prepared().init, 1);
      await pool.ready();
      return pool;
    })());
  const redisSetup = (workerCount: number): Promise<RedisSetup> => {
    let setup = setups.get(workerCount);
    if (!setup) {
      setup = (async () => {
        const server = await startRedis({
          spawn: (command, args, options) => {
            const child = spawn(command, args, options);
            children.push(child);
            return child;
          },
        });
        const workers = await Promise.all(Array.from({ length: workerCount }, (_, i) => startWorker(server.url, `bench-${workerCount}-${i}`)));
        children.push(...workers);
        const engine = new RedisEvaluator(prepared().init, { id: 1, config: CONFIG }, { url: server.url, checkMs: 200 });
        await engine.ready();
        return { server, workers, engine };
      })();
      setups.set(workerCount, setup);
    }
    return setup;
  };
  /** Wall time of generation `generation` on an engine: centre, candidates, commit, as the coordinator does. */
  const generationMs = async (engine: Evaluator, generation: number): Promise<number> => {
    const { state } = prepared();
    const start = process.hrtime.bigint();
    await engine.setCentre(generation, state.theta);
    await engine.evaluate(generation, state.sigma, ask({ ...state, generation }));
    await engine.committed(generation);
    return Number(process.hrtime.bigint() - start) / 1e6;
  };
  let round = 0;
  /**
   * Times generation `generation` on two engines, in turn; which goes first alternates with the generation, so a
   * load that rises or falls during a measurement (the machine is shared) favours neither.
   */
  const pair = async (a: Evaluator, b: Evaluator, generation: number): Promise<[number, number]> => {
    if (generation % 2 === 0) return [await generationMs(a, generation), await generationMs(b, generation)];
    const bMs = await generationMs(b, generation);
    return [await generationMs(a, generation), bMs];
  };
  /** Per sample of the overhead: the local generation's time and the overhead, for the share printed at the end. */
  const overheads: { localMs: number; overheadMs: number }[] = [];
  const dispose = async (): Promise<void> => {
    for (const [count, setup] of [...setups]) {
      setups.delete(count);
      const { server, workers, engine } = await setup;
      await engine.close();
      await Promise.all(workers.map((w) => new Promise((ok) => (w.exitCode !== null ? ok(null) : (w.once('exit', ok), w.kill('SIGTERM'))))));
      await server.stop();
    }
    await (await local)?.close();
    local = undefined;
  };
  const described = 'pop 100, Hebbian, standard ant, whole lifetimes; one thread per side; same candidates';
  return [
    {
      key: REDIS_BENCH_KEYS[0],
      unit: 'ms',
      description: `one generation's wall time on 1 hebb worker (1 thread) through Redis − on the local pool's 1 thread (${described})`,
      measure: async () => {
        const g = round++; // a fresh generation each time: other candidates, other lifetimes
        const { engine } = await redisSetup(1);
        const [redisMs, localMs] = await pair(engine, await localPool(), g);
        overheads.push({ localMs, overheadMs: redisMs - localMs });
        return redisMs - localMs;
      },
      dispose: async () => {
        const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
        const samples = overheads.slice(1); // without the warm-up
        const localMs = median(samples.map((s) => s.localMs));
        const share = (100 * median(samples.map((s) => s.overheadMs))) / localMs;
        process.stderr.write(`bench: the local pool's generation took ${localMs.toFixed(0)} ms (median): the Redis overhead is ${share.toFixed(1)} % of it\n`);
        await dispose();
      },
    },
    {
      key: REDIS_BENCH_KEYS[1],
      unit: '×',
      description: `one generation's wall time on 1 hebb worker ÷ on 2 (1 thread each, loopback; ${described})`,
      measure: async () => {
        const g = round++;
        const [one, two] = await Promise.all([redisSetup(1), redisSetup(2)]);
        const [oneMs, twoMs] = await pair(one.engine, two.engine, g);
        return oneMs / twoMs;
      },
      dispose,
    },
  ];
}
