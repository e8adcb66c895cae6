/**
 * A real `redis-server` for tests (src/main/training/redis-server.ts), started so that it is killed when the test
 * run ends if a test forgot (test/support/children.ts).
 */
import { startRedis as startServer, type RedisServer, type StartRedisOptions } from '../../src/main/training/redis-server';
import { spawnTracked } from './children';

export type { RedisServer };

export function startRedis(options: Omit<StartRedisOptions, 'spawn'> = {}): Promise<RedisServer> {
  return startServer({ ...options, spawn: spawnTracked });
}
