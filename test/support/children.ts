/**
 * Child processes started by the test harnesses, each the leader of its own process group so that stopping it
 * stops everything it started. Every one is written to a log (one line: pid and command line) in the directory
 * named by $HEBB_TEST_CHILDREN, which test/support/global-setup.ts creates; its teardown — and a process 'exit'
 * hook here — kill whatever is still alive, so a thrown test, a missing browser or an interrupted run leaves no
 * `hebb serve` behind.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { appendFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const CHILDREN_ENV = 'HEBB_TEST_CHILDREN';
const LOG = 'children.log';

const started = new Set<ChildProcess>();
let hooked = false;

/**
 * SIGKILLs the process group of every child of this process that is still running (synchronous: runs on 'exit').
 * For a process that uses the harness outside vitest; vitest's thread workers end without 'exit', so there the
 * global setup's teardown does it.
 */
function killStarted(): void {
  for (const child of started) killGroup(child.pid!, 'SIGKILL');
}

/** Signals a whole process group; false when it no longer exists. */
export function killGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/** `spawn` in a new process group, recorded for the teardown. */
export function spawnTracked(command: string, args: readonly string[], options: SpawnOptions = {}): ChildProcess {
  const child = spawn(command, args, { ...options, detached: true });
  if (child.pid === undefined) return child; // failed to start: 'error' follows, nothing to track
  started.add(child);
  child.once('exit', () => {
    started.delete(child);
    killGroup(child.pid!, 'SIGKILL'); // anything the child left in its group
  });
  if (!hooked) {
    hooked = true;
    process.once('exit', killStarted);
  }
  const dir = process.env[CHILDREN_ENV];
  if (dir) appendFileSync(join(dir, LOG), `${child.pid}\t${[command, ...args].join(' ')}\n`);
  return child;
}

/** SIGTERM to the child's group, then SIGKILL if it has not exited within `graceMs`. */
export async function stopGroup(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
  killGroup(child.pid!, 'SIGTERM');
  const timer = setTimeout(() => killGroup(child.pid!, 'SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export interface LoggedChild {
  readonly pid: number;
  readonly command: string;
}

/** The children recorded in a log directory. */
export function loggedChildren(dir: string): LoggedChild[] {
  const file = join(dir, LOG);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => {
    const [pid, command] = line.split('\t');
    return { pid: Number(pid), command: command ?? '' };
  });
}

/**
 * The live processes in process group `pgid` (Linux: read from /proc). A recorded group whose leader exited can
 * still hold its children; a pid reused by an unrelated process is not in that group unless it is a new leader,
 * which `reap` rules out by comparing the command line.
 */
export function groupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // /proc/<pid>/stat: "pid (comm) state ppid pgrp …"; comm may contain spaces and parentheses.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') members.push(Number(entry));
    } catch {
      // the process exited while we looked
    }
  }
  return members;
}

function commandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
  } catch {
    return undefined;
  }
}

/** SIGKILLs every recorded group that still has live members; returns the pids it found alive. */
export function reap(dir: string): number[] {
  const alive: number[] = [];
  for (const { pid, command } of loggedChildren(dir)) {
    const leader = commandLine(pid);
    // The leader is alive under another command line: the pid was reused, this is not our process group.
    if (leader !== undefined && leader !== command) continue;
    const members = groupMembers(pid);
    if (members.length === 0) continue;
    alive.push(...members);
    killGroup(pid, 'SIGKILL');
  }
  return alive;
}
