/**
 * `hebb serve` as users run it: the built bundle (out/main/hebb.js) in a child process on a free loopback port,
 * with its own store. Shared by the end-to-end and robustness suites. The child runs in its own process group and
 * is killed at the end of the test run if nothing stopped it (test/support/children.ts).
 */
import { type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnTracked, stopGroup } from './children';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface Served {
  readonly url: string;
  readonly port: number;
  readonly token: string;
  readonly child: ChildProcess;
  /** Everything the server wrote to stderr so far. */
  stderr(): string;
  /** POST /api/<channel> with the token; the HTTP status and the parsed envelope. */
  call(channel: string, body: unknown): Promise<{ status: number; envelope: { ok: boolean; value?: unknown; error?: { kind: string; message: string } } }>;
  /** SIGTERM to its process group, then waits for the exit (SIGKILL after 10 s). */
  stop(): Promise<void>;
}

export async function serve(db: string, extra: readonly string[] = []): Promise<Served> {
  // One evaluator thread, unless the runs evaluate on Redis workers (whose threads are their own).
  const threads = extra.includes('--redis') ? [] : ['--workers', '1'];
  const child = spawnTracked(process.execPath, [join(ROOT, 'out/main/hebb.js'), 'serve', '--db', db, '--port', '0', ...threads, '--json', ...extra], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const { url, port } = await new Promise<{ url: string; port: number }>((ok, fail) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (!out.includes('\n')) return;
      try {
        ok(JSON.parse(out.split('\n')[0]!) as { url: string; port: number });
      } catch {
        fail(new Error(`hebb serve printed ${JSON.stringify(out)} instead of its address: ${err}`));
      }
    });
    child.on('error', fail);
    child.on('exit', (code) => fail(new Error(`hebb serve exited ${code}: ${err}`)));
  }).catch(async (e: unknown) => {
    await stopGroup(child);
    throw e;
  });
  const token = new URL(url).searchParams.get('token')!;
  return {
    url, port, token, child,
    stderr: () => err,
    async call(channel, body) {
      const res = await fetch(`http://127.0.0.1:${port}/api/${channel}`, {
        method: 'POST', headers: { 'content-type': 'application/json', 'x-workbench-token': token }, body: JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, envelope: JSON.parse(text) as never };
    },
    stop: () => stopGroup(child),
  };
}
