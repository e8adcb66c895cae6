/**
 * Which `hebb worker`s are alive on a Redis server: their heartbeats (keys with a TTL, refreshed every few
 * seconds), read for the GUI's Workers panel. A worker whose heartbeat expired is gone from the list.
 */
import { Redis } from 'ioredis';
import { HEARTBEAT_PATTERN, redactUrl, redisOptions, type Heartbeat } from './redis-protocol';

export class WorkerDirectory {
  private readonly redis: Redis;
  /** The server, password masked. */
  readonly where: string;

  constructor(url: string) {
    this.redis = new Redis({ ...redisOptions(url), lazyConnect: true, maxRetriesPerRequest: 1 });
    this.redis.on('error', () => undefined); // a dropped connection shows as an empty list, then reconnects
    this.where = redactUrl(url);
  }

  /** The live workers by name; a heartbeat that is not one of ours is skipped. */
  async list(): Promise<Heartbeat[]> {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await this.redis.scan(cursor, 'MATCH', HEARTBEAT_PATTERN, 'COUNT', 200);
      keys.push(...batch);
      cursor = next;
    } while (cursor !== '0');
    if (keys.length === 0) return [];
    const values = await this.redis.mget(...keys);
    return values
      .flatMap((v): Heartbeat[] => {
        try {
          const beat = JSON.parse(v ?? 'null') as Heartbeat | null;
          return beat && typeof beat.name === 'string' && typeof beat.at === 'number' ? [beat] : [];
        } catch {
          return [];
        }
      })
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}
