/**
 * An Evolve & Merge run on `hebb worker` processes through Redis gives the thread pool's records and checkpoints:
 * the centre key carries the merged table with its assignment (redis-protocol.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../src/main/store/store';
import { createRun, ensurePresets, train } from '../../src/main/training/coordinator';
import { redisEvaluator } from '../../src/main/training/redis-evaluator';
import { startWorker, type Child } from '../support/hebb-worker';
import { startRedis, type RedisServer } from '../support/redis';
import { withoutTime } from '../support/runs';

/** One merge, after generation 1 (12 288 → 6 144 rules); the held-out test runs on the merged centre too. */
const CONFIG = {
  name: 'merging', es: { popSize: 8, noiseTableSize: 1 << 20 }, generations: 3, seed: 9, morphologies: ['standard'],
  heldout: { morphologies: ['damaged-left'], every: 2, episodes: 1 }, checkpoints: { keep: 'all' }, merge: { every: 2, floor: 6144 },
};

let redis: RedisServer;
let store: Store;
const workers: Child[] = [];
beforeAll(async () => {
  redis = await startRedis();
  store = Store.open(':memory:');
  ensurePresets(store);
});
afterAll(async () => {
  await Promise.all(workers.map((w) => w.signal('SIGKILL')));
  store.close();
  await redis.stop();
});

describe('Evolve & Merge on the Redis engine', () => {
  it('two workers give the local pool\'s records, held-out tests and checkpoints, before and after the merge', async () => {
    const local = createRun(store, CONFIG).id;
    expect(await train(store, local, { workers: 2 })).toBe('finished');
    workers.push(await startWorker(redis.url, 'one'), await startWorker(redis.url, 'two'));
    const remote = createRun(store, CONFIG).id;
    expect(await train(store, remote, { evaluator: redisEvaluator({ url: redis.url, checkMs: 200 }) })).toBe('finished');
    expect(withoutTime(store.generations(remote))).toEqual(withoutTime(store.generations(local)));
    expect(store.heldout(remote)).toEqual(store.heldout(local));
    expect(store.heldout(local).map((h) => h.generation)).toEqual([0, 2]);
    for (const g of [1, 2, 3]) expect(Buffer.from(store.checkpoint(remote, g)!.state).equals(Buffer.from(store.checkpoint(local, g)!.state))).toBe(true);
  }, 300_000);
});
