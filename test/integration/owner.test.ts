import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { ownerAlive, processOwner } from '../../src/main/store/store';

const started: ChildProcess[] = [];
afterEach(() => {
  for (const c of started.splice(0)) c.kill('SIGKILL');
});

/** A process whose child is killed and never reaped: the child stays a zombie ('Z' in /proc) while the parent lives. */
async function zombie(): Promise<number> {
  const parent = spawn('sh', ['-c', 'sleep 100 & echo $!; exec sleep 100'], { stdio: ['ignore', 'pipe', 'ignore'] });
  started.push(parent);
  const pid = await new Promise<number>((ok) => parent.stdout!.once('data', (d: Buffer) => ok(Number(String(d).trim()))));
  process.kill(pid, 'SIGKILL');
  for (let i = 0; i < 100 && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z '); i++) await new Promise((ok) => setTimeout(ok, 20));
  return pid;
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
