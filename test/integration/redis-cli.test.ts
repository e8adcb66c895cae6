/**
 * `hebb worker` and `--redis` from the command line: TLS and passwords work (a real redis-server with a
 * throw-away CA), `hebb work --redis` and `hebb serve --redis` train on the workers with the local pool's numbers
 * (serve needs the built renderer, `npm run build`), and bad URLs, unreachable servers and wrong passwords are
 * refused with a message, the password never shown.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store, type GenerationRecord } from '../../src/main/store/store';
import { createRun, ensurePresets, train } from '../../src/main/training/coordinator';
import { HEBB } from '../support/cli';
import { hebbChild, startWorker, type Child } from '../support/hebb-worker';
import { startRedis, type RedisServer } from '../support/redis';
import { withoutTime } from '../support/runs';

const TRAIN = ['--pop', '4', '--generations', '2', '--morphologies', 'standard', '--seed', '21'];
const hebb = (args: readonly string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [HEBB, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000 });
const recordsOf = (db: string, run: number): unknown[] =>
  (JSON.parse(hebb(['runs', 'show', String(run), '--db', db, '--json']).stdout) as { generations: GenerationRecord[] }).generations.map(({ wallMs: _w, ...g }) => g);

const PASSWORD = 'lab secret@1';
let redis: RedisServer;
let dir: string;
let worker: Child | undefined;
beforeAll(async () => {
  redis = await startRedis({ password: PASSWORD, tls: true });
  dir = mkdtempSync(join(tmpdir(), 'hebb-redis-cli-'));
});
afterAll(async () => {
  await worker?.signal('SIGKILL');
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('hebb worker and --redis', () => {
  it('over TLS with a password, `hebb work --redis` trains the queued run on a worker with the local numbers', async () => {
    expect(redis.url).toMatch(/^rediss:\/\/:lab%20secret%401@127\.0\.0\.1:\d+$/);
    const trust = { NODE_EXTRA_CA_CERTS: redis.caFile! };
    const db = join(dir, 'queue.db');
    expect(hebb(['train', '--db', db, '--queue', '--name', 'local', ...TRAIN, '--json']).status).toBe(0);
    expect(hebb(['train', '--db', db, '--queue', '--name', 'remote', ...TRAIN, '--json']).status).toBe(0);
    // Run 1 on this machine's threads, then run 2 on the worker.
    expect(hebb(['resume', '1', '--db', db, '--workers', '1', '--json']).status).toBe(0);
    worker = await startWorker(redis.url, 'tls-worker', [], trust);
    expect(worker.stdout()).not.toContain(PASSWORD);
    const work = hebbChild(['work', '--db', db, '--redis', redis.url, '--json'], trust);
    expect(await work.exited, work.stderr()).toBe(0);
    expect(work.stderr()).toContain('run 2: 1 worker connected to rediss://:***@127.0.0.1');
    expect(work.stderr()).not.toContain(PASSWORD);
    expect(recordsOf(db, 2)).toHaveLength(2);
    expect(recordsOf(db, 2)).toEqual(recordsOf(db, 1));
  });

  it('`hebb serve --redis`: a run created through the web API trains on the worker with the local numbers', async () => {
    const trust = { NODE_EXTRA_CA_CERTS: redis.caFile! };
    worker ??= await startWorker(redis.url, 'tls-worker', [], trust);
    const config = { name: 'web', es: { popSize: 4, noiseTableSize: 1 << 20 }, generations: 2, seed: 31, morphologies: ['standard'] };
    const store = Store.open(':memory:');
    ensurePresets(store);
    const local = createRun(store, config);
    await train(store, local.id, { workers: 1 });
    const expected = withoutTime(store.generations(local.id));
    store.close();

    const served = hebbChild(['serve', '--db', join(dir, 'served.db'), '--port', '0', '--json', '--redis', redis.url], trust);
    try {
      await served.waitFor('"url"', 'stdout');
      const { url } = JSON.parse(served.stdout().split('\n')[0]!) as { url: string };
      const call = async <T>(channel: string, body: unknown): Promise<T> => {
        const res = await fetch(new URL(`/api/${channel}`, url), { method: 'POST', headers: { 'content-type': 'application/json', 'x-workbench-token': new URL(url).searchParams.get('token')! }, body: JSON.stringify(body) });
        const envelope = (await res.json()) as { ok: boolean; value: T; error?: { message: string } };
        if (!envelope.ok) throw new Error(envelope.error!.message);
        return envelope.value;
      };
      const { id } = await call<{ id: number }>('runs.create', { config });
      const deadline = Date.now() + 90_000;
      while ((await call<{ run: { status: string } }>('runs.get', { id })).run.status !== 'finished') {
        if (Date.now() > deadline) throw new Error(`run ${id} did not finish: ${served.stderr()}`);
        await new Promise((ok) => setTimeout(ok, 250));
      }
      expect(withoutTime(await call<GenerationRecord[]>('runs.generations', { id }))).toEqual(expected);
      expect(served.stderr()).toContain(`run ${id}: 1 worker connected`);
      // The Workers panel's data: the engine, the server (password masked), and the worker's heartbeat.
      const engine = await call<{ engine: string; where: string; workers: { name: string; threads: number; at: number }[]; now: number; status: { runId: number; status: string }[] }>('workers.list', {});
      expect(engine.engine).toBe('redis');
      expect(engine.where).not.toContain(new URL(redis.url).password);
      expect(engine.workers.map((w) => [w.name, w.threads])).toEqual([['tls-worker', 1]]);
      expect(engine.now - engine.workers[0]!.at).toBeLessThan(15_000); // beats every 5 s, gone after 15 s
      expect(engine.status).toContainEqual(expect.objectContaining({ runId: id, status: expect.stringMatching(/^1 worker connected to rediss:/) }));
    } finally {
      await served.signal('SIGTERM');
    }
  });

  it('refuses bad URLs, --workers beside --redis and a queued run with --redis as bad input, creating nothing', () => {
    const db = join(dir, 'never.db');
    const cases: [string[], RegExp][] = [
      [['train', '--db', db, ...TRAIN, '--redis', 'localhost:6379'], /--redis: "localhost:6379" must start with redis:\/\/ or rediss:\/\//],
      [['train', '--db', db, ...TRAIN, '--redis', 'redis://'], /--redis: no host in "redis:\/\/"; write redis:\/\/\[user:password@\]host/],
      [['train', '--db', db, ...TRAIN, '--redis', 'http://localhost'], /--redis: "http:\/\/localhost" must start with redis:\/\/ or rediss:\/\//],
      [['train', '--db', db, ...TRAIN, '--redis', 'redis://h', '--workers', '2'], /--workers sets this machine's threads; with --redis/],
      [['train', '--db', db, ...TRAIN, '--queue', '--redis', 'redis://h'], /give --redis to hebb work/],
      [['worker', '--workers', '1'], /hebb worker needs --redis URL/],
      [['worker', '--redis', 'redis://h', '--name', 'two words'], /--name must be 1–100 letters/],
      [['worker', '--redis', 'redis://h', '--lock-ms', '10'], /--lock-ms must be in \[1000, 3600000\]/],
    ];
    for (const [args, message] of cases) {
      const r = hebb(args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    expect(existsSync(db)).toBe(false);
  });

  it('an unreachable server or a wrong password fails at start with the reason, the password masked', () => {
    const db = join(dir, 'unreachable.db');
    const refused = hebb(['train', '--db', db, ...TRAIN, '--redis', 'redis://127.0.0.1:1']);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/cannot use Redis at redis:\/\/127\.0\.0\.1:1: .*ECONNREFUSED/);
    expect(existsSync(db)).toBe(false);
    const wrong = redis.url.replace(encodeURIComponent(PASSWORD), 'not-it');
    const denied = hebb(['worker', '--redis', wrong, '--workers', '1'], { NODE_EXTRA_CA_CERTS: redis.caFile! });
    expect(denied.status).toBe(1);
    expect(denied.stderr).toMatch(/cannot use Redis at rediss:\/\/:\*\*\*@127\.0\.0\.1:\d+: WRONGPASS/);
    expect(denied.stderr).not.toContain('not-it');
  });
});
