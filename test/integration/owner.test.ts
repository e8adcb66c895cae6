import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { ownerAlive, processOwner } from '../../src/main/store/store';

const started: ChildProcess[] = [];
afterEach(() => {
  for (const c of started.splice(0)) c.kill('SIGKILL');
});

/** Pids whose parent is `ppid`, from the ppid field of every /proc/<pid>/stat. */
function childrenOf(ppid: number): number[] {
  const kids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === ppid) kids.push(Number(name));
    } catch {
      // the process ended while /proc was being read
    }
  }
  return kids;
}

const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

/**
 * A process whose child is killed and never reaped: the child stays a zombie ('Z' in /proc) while the parent lives.
 * The shell execs into `sleep` before the child is killed, so no shell is left that could reap it (dash reaps
 * finished background jobs between commands, which made a kill-before-exec race).
 */
async function zombie(): Promise<number> {
  const parent = spawn('sh', ['-c', 'sleep 100 & exec sleep 101'], { stdio: 'ignore' });
  started.push(parent);
  const ppid = parent.pid!;
  let kids: number[] = [];
  for (let i = 0; i < 250; i++, await sleep(20)) {
    const execed = existsSync(`/proc/${ppid}/cmdline`) && readFileSync(`/proc/${ppid}/cmdline`, 'utf8').split('\0').join(' ').trim() === 'sleep 101';
    kids = execed ? childrenOf(ppid) : [];
    if (kids.length === 1) break;
  }
  expect(kids, 'the shell should exec into sleep with one sleeping child').toHaveLength(1);
  const child = kids[0]!;
  process.kill(child, 'SIGKILL');
  for (let i = 0; i < 250 && !readFileSync(`/proc/${child}/stat`, 'utf8').includes(') Z '); i++) await sleep(20);
  return child;
}

describe('run owners', () => {
  it('this process is alive, under its own start time', () => {
    expect(processOwner()).toMatch(new RegExp(`^${hostname()}:${process.pid}:\\d+$`));
    expect(ownerAlive(processOwner())).toBe(true);
  });

  it('a zombie is not alive, although kill(pid, 0) still succeeds for it', async () => {
    const pid = await zombie();
    expect(readFileSync(`/proc/${pid}/stat`, 'utf8')).toContain(') Z ');
    expect(() => process.kill(pid, 0)).not.toThrow(); // what the old check relied on
    expect(ownerAlive(`${hostname()}:${pid}`)).toBe(false);
  });

  it('a live process with the owner’s pid but another start time is a reused pid, not the owner', () => {
    const [host, pid, start] = processOwner().split(':');
    expect(ownerAlive(`${host}:${pid}:${Number(start) + 1}`)).toBe(false);
  });

  it('a gone process is not alive; one on another host is assumed to be', () => {
    expect(ownerAlive(`${hostname()}:999999999:1`)).toBe(false);
    expect(ownerAlive('some-other-host:1:1')).toBe(true);
    expect(ownerAlive(null)).toBe(false);
  });
});
