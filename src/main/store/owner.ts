/**
 * Which process owns a training run: `host:pid:start`, where `start` is the process's start time in clock ticks
 * after boot (Linux /proc/PID/stat field 22). A pid alone is not enough: a killed process lingers as a zombie
 * until its parent reaps it (kill(pid, 0) still succeeds), and pids are reused.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/** State and start time of a process from /proc, or undefined where there is no /proc (or no such process). */
function procStat(pid: number): { state: string; start: string } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) S ppid …": comm may hold spaces and parentheses, so split after the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0]!, start: fields[19]! };
  } catch {
    return undefined;
  }
}

const hasProc = procStat(process.pid) !== undefined;

/** This process as a run owner. */
export function processOwner(): string {
  const start = procStat(process.pid)?.start;
  return start === undefined ? `${hostname()}:${process.pid}` : `${hostname()}:${process.pid}:${start}`;
}

/**
 * Whether the owning process is alive: on this host, a process with that pid that is not a zombie and (when the
 * owner recorded it) started when the owner did. A process on another host is assumed to be alive.
 */
export function ownerAlive(owner: string | null): boolean {
  if (owner === null) return false;
  const [host, pidText, start] = owner.split(':');
  const pid = Number(pidText);
  if (host !== hostname() || !Number.isInteger(pid) || pid <= 0) return true;
  if (hasProc) {
    const stat = procStat(pid);
    if (stat === undefined || stat.state === 'Z' || stat.state === 'X') return false;
    return start === undefined || stat.start === start;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
