/**
 * `hebb bench` on a machine without redis-server: the Redis benchmarks are skipped with one line saying why, and
 * asking for them by key is not an error. (Their figures are measured by `npm run bench`, never by a test.)
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { HEBB } from '../support/cli';

describe('hebb bench without redis-server', () => {
  it('says in one line that redis-server is missing, skips the Redis keys and exits 0', () => {
    const r = spawnSync(process.execPath, [HEBB, 'bench', '--only', 'redis_overhead_ms_per_generation,redis_speedup_2_workers', '--json'], {
      encoding: 'utf8', env: { ...process.env, REDIS_SERVER: '/nonexistent/redis-server' }, timeout: 120_000,
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('{}\n');
    const lines = r.stderr.split('\n').filter(Boolean);
    expect(lines).toEqual([
      'bench: redis-server is not installed (no /nonexistent/redis-server; apt install redis-server, or set REDIS_SERVER=/path); skipping redis_overhead_ms_per_generation and redis_speedup_2_workers',
    ]);
  });

  it('still refuses a key that names no benchmark', () => {
    const r = spawnSync(process.execPath, [HEBB, 'bench', '--only', 'redis_nonsense'], {
      encoding: 'utf8', env: { ...process.env, REDIS_SERVER: '/nonexistent/redis-server' }, timeout: 120_000,
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--only: unknown benchmark "redis_nonsense"');
  });
});
