/**
 * Kills a child process when this one dies, however it dies (even SIGKILL, when no exit handler runs): a shell
 * waits on a pipe from this process and sends SIGKILL to the child once the pipe closes. `release()` closes the
 * pipe on purpose: the child is killed now.
 */
import { spawn } from 'node:child_process';

export function killWithParent(pid: number): { release(): void } {
  const watchdog = spawn('sh', ['-c', `read _; kill -9 ${pid} 2>/dev/null`], { stdio: ['pipe', 'ignore', 'ignore'], detached: true });
  watchdog.unref();
  const pipe = watchdog.stdin!;
  (pipe as unknown as { unref(): void }).unref(); // the pipe must not keep this process alive
  return { release: () => pipe.end() };
}
