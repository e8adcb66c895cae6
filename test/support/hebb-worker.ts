/**
 * `hebb worker` and other `hebb` commands (the built CLI: support/cli.ts) in child processes, for the
 * Redis engine's tests. A child a test forgot is killed when the test run ends (test/support/children.ts).
 */
import type { ChildProcess } from 'node:child_process';
import { spawnTracked } from './children';
import { HEBB } from './cli';

export interface Child {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** Resolves once stdout or stderr holds `text`; rejects if the process exits first. */
  waitFor(text: string | RegExp, stream?: 'stdout' | 'stderr'): Promise<void>;
  /** Sends the signal and waits for the exit. */
  signal(signal: NodeJS.Signals): Promise<number | null>;
}

export function hebbChild(args: readonly string[], env: Record<string, string> = {}): Child {
  const child = spawnTracked(process.execPath, [HEBB, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let out = '';
  let err = '';
  const waiters: (() => void)[] = [];
  const poke = (): void => waiters.splice(0).forEach((w) => w());
  child.stdout!.on('data', (d: Buffer) => ((out += d.toString()), poke()));
  child.stderr!.on('data', (d: Buffer) => ((err += d.toString()), poke()));
  const exited = new Promise<number | null>((ok) => child.on('exit', (code) => (poke(), ok(code))));
  const done = (): boolean => child.exitCode !== null || child.signalCode !== null;
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitFor(text, stream) {
      const seen = (): boolean => {
        const hay = stream === 'stdout' ? out : stream === 'stderr' ? err : out + err;
        return typeof text === 'string' ? hay.includes(text) : text.test(hay);
      };
      return new Promise((ok, fail) => {
        const check = (): void => {
          if (seen()) ok();
          else if (done()) fail(new Error(`hebb ${args[0]} exited (${child.exitCode ?? child.signalCode}) before printing ${String(text)}:\n${out}\n${err}`));
          else waiters.push(check);
        };
        check();
      });
    },
    async signal(signal) {
      if (!done()) child.kill(signal);
      return exited;
    },
  };
}

/** A one-thread `hebb worker` named `name`, once it says it is taking jobs. */
export async function startWorker(url: string, name: string, extra: readonly string[] = [], env: Record<string, string> = {}): Promise<Child> {
  const worker = hebbChild(['worker', '--redis', url, '--workers', '1', '--name', name, '--json', ...extra], env);
  await worker.waitFor('"status":"ready"', 'stdout');
  return worker;
}
