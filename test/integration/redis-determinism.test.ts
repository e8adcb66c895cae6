/**
 * The Redis engine gives the thread pool's numbers: the same run trained on this process's threads, on one
 * `hebb worker` and on two gives identical generation records, held-out tests and ES checkpoints (bit for bit),
 * against a real redis-server.
 */
import { Redis } from 'ioredis';
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pkg from '../../package.json' with { type: 'json' };
import { Store } from '../../src/main/store/store';
import { createRun, ensurePresets, train } from '../../src/main/training/coordinator';
import { redisEvaluator } from '../../src/main/training/redis-evaluator';
import { redisOptions, type Heartbeat } from '../../src/main/training/redis-protocol';
import { startWorker, type Child } from '../support/hebb-worker';
import { startRedis, type RedisServer } from '../support/redis';
import { withoutTime } from '../support/runs';

/** Three jobs of two pairs per generation, and a held-out test (one job) every generation. */
const CONFIG = {
  name: 'tiny', es: { popSize: 12, noiseTableSize: 1 << 20 }, generations: 2, seed: 7, morphologies: ['standard'],
  heldout: { morphologies: ['damaged-left'], every: 1, episodes: 2 },
};

const OTHER = { ...CONFIG, seed: 8, heldout: { ...CONFIG.heldout, episodes: 1 } };

let redis: RedisServer;
let store: Store;
/** The runs trained on this process's threads: what every engine must reproduce. */
let local: { config: number; other: number };
const workers: Child[] = [];
beforeAll(async () => {
  redis = await startRedis();
  store = Store.open(':memory:');
  ensurePresets(store);
  local = { config: createRun(store, CONFIG).id, other: createRun(store, OTHER).id };
  expect(await train(store, local.config, { workers: 2 })).toBe('finished');
  expect(await train(store, local.other, { workers: 2 })).toBe('finished');
});
afterAll(async () => {
  await Promise.all(workers.map((w) => w.signal('SIGKILL')));
  store.close();
  await redis.stop();
});

/** Everything a run's training wrote that depends on its evaluations. */
function outcome(id: number): unknown {
  return { records: withoutTime(store.generations(id)), heldout: store.heldout(id), checkpoint: Buffer.from(store.checkpoint(id)!.state).toString('base64') };
}

describe('Redis engine determinism', () => {
  it('the local pool, one worker and two workers give identical records, held-out tests and checkpoints', async () => {
    const reference = outcome(local.config);
    expect(store.generations(local.config)).toHaveLength(2);

    const engine = redisEvaluator({ url: redis.url, checkMs: 200 });
    workers.push(await startWorker(redis.url, 'one'));
    const one = createRun(store, CONFIG);
    expect(await train(store, one.id, { evaluator: engine })).toBe('finished');
    expect(outcome(one.id)).toEqual(reference);

    workers.push(await startWorker(redis.url, 'two'));
    const two = createRun(store, CONFIG);
    expect(await train(store, two.id, { evaluator: engine })).toBe('finished');
    expect(outcome(two.id)).toEqual(reference);
    // Both workers evaluated for it: each built its pools for the run's config.
    for (const w of workers) expect(w.stderr()).toContain('evaluator thread(s) for run config');
    // Each worker's heartbeat says who it is, what it has and what it evaluated.
    const client = new Redis(redisOptions(redis.url));
    try {
      const beat = async (name: string): Promise<Heartbeat | null> => {
        const text = await client.get(`hebb:worker:${name}`);
        return text === null ? null : (JSON.parse(text) as Heartbeat);
      };
      const deadline = Date.now() + 15_000;
      while ((await beat('two'))?.run !== `run ${two.id} (tiny)` && Date.now() < deadline) await new Promise((ok) => setTimeout(ok, 200));
      const heartbeat = (await beat('two'))!;
      expect(heartbeat).toMatchObject({ name: 'two', host: hostname(), threads: 1, version: pkg.version, run: `run ${two.id} (tiny)` });
      expect(heartbeat.lifetimesPerSecond).toBeGreaterThan(0);
      expect(await client.pttl('hebb:worker:two')).toBeGreaterThan(0); // it expires unless refreshed
    } finally {
      client.disconnect();
    }
  });

  it('a car run (env racing) trains on the workers with the local numbers', async () => {
    const car = { name: 'car', env: 'racing', policy: { kind: 'static' }, es: { popSize: 4, noiseTableSize: 1 << 20 }, generations: 1, seed: 3 };
    const here = createRun(store, car);
    expect(await train(store, here.id, { workers: 1 })).toBe('finished');
    if (workers.length === 0) workers.push(await startWorker(redis.url, 'one'));
    const there = createRun(store, car);
    expect(await train(store, there.id, { evaluator: redisEvaluator({ url: redis.url, checkMs: 200 }) })).toBe('finished');
    expect(outcome(there.id)).toEqual(outcome(here.id));
  }, 120_000);

  it('two runs trained at once on the same workers each get their own numbers', async () => {
    if (workers.length === 0) workers.push(await startWorker(redis.url, 'one'), await startWorker(redis.url, 'two'));
    const engine = redisEvaluator({ url: redis.url, checkMs: 200 });
    const a = createRun(store, CONFIG);
    const b = createRun(store, OTHER);
    expect(await Promise.all([train(store, a.id, { evaluator: engine }), train(store, b.id, { evaluator: engine })])).toEqual(['finished', 'finished']);
    expect(outcome(a.id)).toEqual(outcome(local.config));
    expect(outcome(b.id)).toEqual(outcome(local.other));
    expect(outcome(local.other)).not.toEqual(outcome(local.config)); // the runs differ, so a mix-up would show
  });
});
