/**
 * A private `redis-server` (the Debian package; REDIS_SERVER=/path overrides) for the integration tests and the
 * Redis benchmarks: a free loopback port, its own temporary directory, no persistence, so a restart loses every
 * key as a crashed in-memory Redis would. It is killed on stop().
 */
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';

export interface RedisServer {
  /** redis://[:password@]127.0.0.1:PORT, or rediss:// with TLS */
  readonly url: string;
  readonly port: number;
  /** With TLS: the PEM file of the CA that signed the server's certificate (clients trust it, e.g. NODE_EXTRA_CA_CERTS). */
  readonly caFile?: string;
  /** Kills the server (SIGKILL: as a crash) and waits for its exit; the port stays this server's to restart on. */
  kill(): Promise<void>;
  /** Starts it again on the same port (empty: nothing was persisted) and waits until it answers. */
  restart(): Promise<void>;
  /** Kills it and removes its directory. */
  stop(): Promise<void>;
}

export const REDIS_SERVER_BINARY = process.env['REDIS_SERVER'] ?? '/usr/bin/redis-server';

/** Why no local redis-server can be started (its binary is missing), or null. */
export function redisServerMissing(): string | null {
  return existsSync(REDIS_SERVER_BINARY) ? null : `redis-server is not installed (no ${REDIS_SERVER_BINARY}; apt install redis-server, or set REDIS_SERVER=/path)`;
}

export interface StartRedisOptions {
  readonly password?: string;
  readonly tls?: boolean;
  /** Starts the server process (default node's spawn); the tests pass theirs, which reaps forgotten children. */
  readonly spawn?: (command: string, args: readonly string[], options: SpawnOptions) => ChildProcess;
}

/** A port the OS says is free right now on 127.0.0.1. */
function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => ok(port));
    });
  });
}

/** A throw-away CA and a certificate for 127.0.0.1 signed by it (openssl), in `dir`. */
function certificates(dir: string): { ca: string; cert: string; key: string } {
  const f = (name: string): string => join(dir, name);
  const openssl = (...args: string[]): void => {
    const r = spawnSync('openssl', args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr}`);
  };
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('ca.key'), '-out', f('ca.pem'), '-days', '2', '-subj', '/CN=hebb test CA');
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('server.key'), '-out', f('server.csr'), '-subj', '/CN=127.0.0.1');
  writeFileSync(f('san.cnf'), 'subjectAltName=IP:127.0.0.1\n');
  openssl('x509', '-req', '-in', f('server.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f('server.pem'), '-days', '2', '-extfile', f('san.cnf'));
  return { ca: f('ca.pem'), cert: f('server.pem'), key: f('server.key') };
}

/** One PING: true when the server answers +PONG (or asks for the password: it is up). */
function pings(port: number, ca?: string): Promise<boolean> {
  return new Promise((ok) => {
    const socket: Socket = ca === undefined
      ? createConnection({ host: '127.0.0.1', port })
      : tlsConnect({ host: '127.0.0.1', port, ca: readFileSync(ca) });
    let reply = '';
    const done = (up: boolean): void => {
      socket.destroy();
      ok(up);
    };
    socket.setTimeout(500, () => done(false));
    socket.on('error', () => done(false));
    socket.on(ca === undefined ? 'connect' : 'secureConnect', () => socket.write('PING\r\n'));
    socket.on('data', (d: Buffer) => {
      reply += d.toString();
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG') || reply.startsWith('-NOAUTH'));
    });
  });
}

export async function startRedis(options: StartRedisOptions = {}): Promise<RedisServer> {
  const launch = options.spawn ?? spawn;
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'hebb-redis-'));
  const auth = options.password === undefined ? [] : ['--requirepass', options.password];
  const certs = options.tls ? certificates(dir) : undefined;
  const listen = certs
    ? ['--port', '0', '--tls-port', String(port), '--tls-cert-file', certs.cert, '--tls-key-file', certs.key, '--tls-ca-cert-file', certs.ca, '--tls-auth-clients', 'no']
    : ['--port', String(port)];
  let child: ChildProcess | undefined;
  let log = '';

  const start = async (): Promise<void> => {
    const c = launch(REDIS_SERVER_BINARY, [...listen, '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', ...auth], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = c;
    c.stdout!.on('data', (d: Buffer) => (log += d.toString()));
    c.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    const deadline = Date.now() + 10_000;
    while (!(await pings(port, certs?.ca))) {
      if (c.exitCode !== null) throw new Error(`redis-server exited with ${c.exitCode} on port ${port}:\n${log}`);
      if (Date.now() > deadline) throw new Error(`redis-server did not answer PING on port ${port} within 10 s:\n${log}`);
      await new Promise((ok) => setTimeout(ok, 50));
    }
  };
  const kill = async (): Promise<void> => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise((ok) => c.once('exit', ok));
    c.kill('SIGKILL');
    await exited;
  };

  try {
    await start();
  } catch (e) {
    await kill();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const secret = options.password === undefined ? '' : `:${encodeURIComponent(options.password)}@`;
  return {
    url: `${certs ? 'rediss' : 'redis'}://${secret}127.0.0.1:${port}`,
    port,
    ...(certs ? { caFile: certs.ca } : {}),
    kill,
    async restart() {
      await kill();
      await start();
    },
    async stop() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
