/**
 * No command deletes a run it does not own: a run that `hebb train` trains in another process cannot be deleted
 * through the API (409) while that process lives — its generations stay and the trainer finishes — and can be once
 * it has finished. A run left 'running' by a process that died is deletable.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Envelope } from '../../src/common/api';
import { startApiServer, type ApiServer } from '../support/api-server';
import { HEBB } from '../support/cli';

let api: ApiServer;
beforeAll(async () => {
  api = await startApiServer('foreign-owner');
  await api.workbench.queue.close(); // this server trains nothing itself
});
afterAll(() => api.close());

async function post(channel: string, body: unknown): Promise<{ status: number; envelope: Envelope<unknown> }> {
  const res = await fetch(`http://127.0.0.1:${api.server.port}/api/${channel}`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-workbench-token': api.server.token }, body: JSON.stringify(body),
  });
  return { status: res.status, envelope: (await res.json()) as Envelope<unknown> };
}

describe('deleting a run another process trains', () => {
  it('is refused (409) while `hebb train` lives; the trainer finishes every generation; afterwards it is deleted', async () => {
    const db = join(api.dir, 'w.db');
    const child = spawn(process.execPath, [HEBB, 'train', '--db', db, '--pop', '4', '--generations', '6', '--morphologies', 'standard', '--physics', '2', '--workers', '1', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((ok) => child.on('exit', ok));
    // Wait for the first generation's line: the run exists and is claimed by the child.
    await new Promise<void>((ok) => child.stdout.on('data', () => ok()));
    const [run] = api.store.listRuns();
    expect(run!.status).toBe('running');
    const refused = await post('runs.delete', { id: run!.id });
    expect(refused.status).toBe(409);
    expect(refused.envelope.ok ? '' : refused.envelope.error.message).toMatch(new RegExp(`run ${run!.id} is being trained by a live process .*pause or stop it`));
    expect(await exited).toBe(0);
    expect(stderr).not.toMatch(/no run with id/);
    expect(api.store.generations(run!.id, 0)).toHaveLength(6);
    expect((await post('runs.delete', { id: run!.id })).status).toBe(200);
    expect(api.store.listRuns()).toEqual([]);
  });

  it('a run left running by a process that died is deleted', async () => {
    const db = join(api.dir, 'w.db');
    const child = spawn(process.execPath, [HEBB, 'train', '--db', db, '--pop', '4', '--generations', '50', '--morphologies', 'standard', '--physics', '2', '--workers', '1', '--json'], { stdio: ['ignore', 'pipe', 'ignore'] });
    await new Promise<void>((ok) => child.stdout.on('data', () => ok()));
    child.kill('SIGKILL');
    await new Promise((ok) => child.on('exit', ok));
    const [run] = api.store.listRuns();
    expect(run!.status).toBe('running');
    expect((await post('runs.delete', { id: run!.id })).status).toBe(200);
  });
});
