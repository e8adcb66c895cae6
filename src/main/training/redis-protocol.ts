/**
 * What the Redis engine's two sides agree on: the connection a URL names, the BullMQ queue and key names, the job
 * a chunk of candidates travels as, and the hash and version a worker checks before it evaluates one. Jobs carry
 * candidates as (index, noise offset, sign) and the run's config, never parameter vectors; the centre θ of a
 * generation is one Redis key the workers read once per generation.
 */
import type { WorkerView } from '../../common/api';
import { Redis } from 'ioredis';
import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import pkg from '../../../package.json' with { type: 'json' };
import type { Candidate } from '../../core/es/openai-es';
import type { CandidateResult, TestLifetime, TestResult, WorkerInit } from './protocol';

/** The workbench version a job is made by; a worker evaluates only jobs of its own version. */
export const WORKBENCH_VERSION: string = pkg.version;
/** The job format below; bumped when it changes, checked with the version. 2: a merging run's centre has its assignment; 3: the noise table's digest. */
export const PROTOCOL = 3;
export const QUEUE_NAME = 'hebb-evaluate';
/** Every key of ours (BullMQ's own are under its `bull:` prefix). */
const PREFIX = 'hebb';
export const centreKey = (run: string, generation: number): string => `${PREFIX}:centre:${run}:${generation}`;
export const centrePattern = (run: string): string => `${PREFIX}:centre:${run}:*`;
export const heartbeatKey = (name: string): string => `${PREFIX}:worker:${name}`;
export const HEARTBEAT_PATTERN = `${PREFIX}:worker:*`;
/**
 * A chunk's job id. BullMQ refuses ':' in custom ids, hence '-'; the same (run, generation, chunk) is the same id,
 * so adding it again while it exists adds nothing.
 */
export const jobId = (run: string, generation: number, chunk: string): string => `${run}-g${generation}-${chunk}`;

export class RedisUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RedisUrlError';
  }
}

const URL_FORM = 'redis://[user:password@]host[:port][/db] (rediss:// for TLS)';

/** ioredis options for the server a redis:// or rediss:// URL names (user, password, database; TLS for rediss). */
export function redisOptions(url: string): {
  host: string; port: number; username?: string; password?: string; db: number; tls?: { servername?: string }; maxRetriesPerRequest: null;
} {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new RedisUrlError(`"${url}" is not a URL; write ${URL_FORM}`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new RedisUrlError(`"${url}" must start with redis:// or rediss:// (TLS)`);
  if (u.hostname === '') throw new RedisUrlError(`no host in "${url}"; write ${URL_FORM}`);
  const path = u.pathname.replace(/^\//, '');
  if (path !== '' && !/^\d{1,2}$/.test(path)) throw new RedisUrlError(`the database in "${url}" must be a number (redis://host:6379/0), got "${path}"`);
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1'); // [::1] → ::1
  return {
    host,
    port: u.port === '' ? 6379 : Number(u.port),
    ...(u.username !== '' ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password !== '' ? { password: decodeURIComponent(u.password) } : {}),
    db: path === '' ? 0 : Number(path),
    // TLS checks the certificate against the host name (SNI), or against the address when the URL gives one.
    ...(u.protocol === 'rediss:' ? { tls: isIP(host) === 0 ? { servername: host } : {} } : {}),
    // BullMQ's workers block on Redis; every command waits for a reconnect instead of failing.
    maxRetriesPerRequest: null,
  };
}

/**
 * Connects once and PINGs, so a wrong address or password is reported at start instead of retried for ever
 * (the engine's own connections wait and reconnect). Throws a message worded for people.
 */
export async function probeRedis(url: string, timeoutMs = 5000): Promise<void> {
  const client = new Redis({ ...redisOptions(url), lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  // The socket's error (ECONNREFUSED, a certificate problem) says more than the "Connection is closed" that follows.
  let cause: Error | undefined;
  client.on('error', (e: Error) => (cause ??= e));
  try {
    await client.connect();
    await client.ping();
  } catch (e) {
    throw new Error(`cannot use Redis at ${redactUrl(url)}: ${(cause ?? (e instanceof Error ? e : new Error(String(e)))).message}`);
  } finally {
    client.disconnect();
  }
}

/** The URL as it may be shown: the password masked. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.toString();
  } catch {
    return '(an invalid URL)';
  }
}

/**
 * What a worker needs to build a run's worlds and policy: what the thread pool's workers get (WorkerInit), without
 * its shared buffers — the centre comes from Redis, and the noise table, a pure function of (seed, size), is built by
 * each machine. `merging`: the run merges rules (Evolve & Merge), so its centre key holds the rule table and the
 * other segments (float32) followed by the synapse → rule assignment (int32, one per synapse): see `centreBytes`.
 */
export type RunSpec = Omit<WorkerInit, 'noise' | 'theta' | 'assignment'> & { readonly noise: NoiseSpec; readonly merging?: true };

/**
 * The noise table a run samples from: (seed, size), and the SHA-256 of the coordinator's table, which every worker
 * checks its own against before it evaluates (a worker that fills the table differently — another build, a patched
 * copy — would give other numbers under the same version string).
 */
export interface NoiseSpec {
  readonly seed: number;
  readonly size: number;
  readonly digest: string;
}

/** SHA-256 of a noise table's float32 bytes (≈ 0.3 s for the default 2^25 values; once per table per process). */
export function noiseDigest(data: Float32Array): string {
  return createHash('sha256').update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)).digest('hex');
}

/** A centre as its Redis key holds it: θ's bytes, then (a merging run) the assignment's. */
export function centreBytes(theta: Float32Array, assignment?: Int32Array): Buffer {
  const parts = [Buffer.from(theta.buffer, theta.byteOffset, theta.byteLength)];
  if (assignment) parts.push(Buffer.from(assignment.buffer, assignment.byteOffset, assignment.byteLength));
  return Buffer.concat(parts);
}

/**
 * A centre key's value read back (any alignment: it is copied): θ, and for a merging run of `synapses` synapses
 * the assignment, the last 4·synapses bytes.
 */
export function readCentre(bytes: Uint8Array, synapses: number | null): { theta: Float32Array; assignment?: Int32Array } {
  if (bytes.length % 4 !== 0) throw new Error(`a centre of ${bytes.length} bytes is not whole 32-bit values`);
  const words = Uint8Array.from(bytes).buffer;
  if (synapses === null) return { theta: new Float32Array(words) };
  const thetaLength = bytes.length / 4 - synapses;
  if (thetaLength < 1) throw new Error(`a merging run's centre of ${bytes.length} bytes cannot hold ${synapses} assignments and a table`);
  return { theta: new Float32Array(words, 0, thetaLength), assignment: new Int32Array(words, 4 * thetaLength, synapses) };
}

/** JSON with object keys sorted, so equal values hash equally whatever their key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export const sha256 = (value: unknown): string => createHash('sha256').update(canonical(value)).digest('hex');

interface JobHeader {
  readonly version: string;
  readonly protocol: number;
  /** The run key: the store's run id and a digest of its whole config (two stores' run 1 never share jobs). */
  readonly run: string;
  /** Shown in worker heartbeats. */
  readonly runLabel: string;
  readonly generation: number;
  readonly chunk: string;
  /** sha256 of `config`: the worker's pools are kept per hash, and a config that does not match it is refused. */
  readonly configHash: string;
  readonly config: RunSpec;
}

export type EvaluateJob =
  | (JobHeader & { readonly kind: 'candidates'; readonly sigma: number; readonly candidates: readonly Candidate[] })
  | (JobHeader & { readonly kind: 'tests'; readonly tests: readonly TestLifetime[] });

/**
 * A finished job: its results, or `stale` when the generation's centre was gone (committed, or lost with a Redis
 * restart) — the coordinator then writes the centre again and re-adds the job if it still wants it.
 */
export type JobResult =
  | { readonly run: string; readonly generation: number; readonly chunk: string; readonly results: readonly (CandidateResult | TestResult)[] }
  | { readonly run: string; readonly generation: number; readonly chunk: string; readonly stale: true };

/** A worker's heartbeat (a key with a TTL, refreshed every few seconds): what the Workers panel lists. */
export type Heartbeat = WorkerView;

/**
 * The lifetimes a job costs, for the worker's lifetimes/s: a quadruped candidate lives one per training body, a car
 * candidate one (it has no bodies: `morphologies` is empty), a test entry one.
 */
export function jobLifetimes(job: EvaluateJob): number {
  if (job.kind === 'tests') return job.tests.length;
  return job.candidates.length * ((job.config.env ?? 'quadruped') === 'racing' ? 1 : job.config.morphologies.length);
}

/** Why a worker cannot evaluate a job, or null when it can. */
export function refusal(job: EvaluateJob): string | null {
  if (typeof job !== 'object' || job === null || typeof job.config !== 'object' || job.config === null) {
    return 'it is not an evaluation job of the workbench (no run config); is another program using this queue?';
  }
  if (job.version !== WORKBENCH_VERSION || job.protocol !== PROTOCOL) {
    return `the job was made by workbench ${String(job.version)} (protocol ${String(job.protocol)}) and this worker is ${WORKBENCH_VERSION} (protocol ${PROTOCOL}); run the same version on the coordinator and every worker`;
  }
  const hash = sha256(job.config);
  if (hash !== job.configHash) {
    return `the job's run config hashes to ${hash.slice(0, 12)}… here but the coordinator sent ${String(job.configHash).slice(0, 12)}…; the coordinator and this worker read the config differently (mixed versions?), so its numbers would be wrong`;
  }
  return null;
}
