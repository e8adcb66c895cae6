import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { processOwner, Store, StoreError } from '../../src/main/store/store';
import { ensurePresets, train } from '../../src/main/training/coordinator';
import { QueueError, TrainingQueue, type TrainingEvent } from '../../src/main/training/queue';
import type { RunSummary } from '../../src/common/api';
import { Workbench } from '../../src/main/services/workbench';
import { withoutTime } from '../support/runs';

const CONFIG = { es: { popSize: 4, noiseTableSize: 1 << 20 }, generations: 3, seed: 4, morphologies: ['standard'] };

let dir: string;
let store: Store;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hebb-queue-'));
  store = Store.open(join(dir, 'w.db'));
  ensurePresets(store);
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('training queue', () => {
  it('trains queued runs one at a time in id order, emitting each generation after it is stored', async () => {
    const queue = new TrainingQueue(store, { workers: 2 });
    const events: string[] = [];
    queue.subscribe((e: TrainingEvent) => {
      if (e.type === 'generation') {
        // The store already holds what the event announces.
        expect(store.generations(e.runId).at(-1)!.generation).toBe(e.record.generation);
        events.push(`${e.runId}:g${e.record.generation}`);
      } else {
        events.push(`${e.runId}:${e.status}`);
      }
    });
    const a = queue.enqueue({ ...CONFIG, name: 'a' });
    const b = queue.enqueue({ ...CONFIG, name: 'b', generations: 1 });
    await queue.idle();
    expect(events).toEqual([
      `${a.id}:queued`, `${a.id}:running`, `${b.id}:queued`, `${a.id}:g0`, `${a.id}:g1`, `${a.id}:g2`, `${a.id}:finished`,
      `${b.id}:running`, `${b.id}:g0`, `${b.id}:finished`,
    ]);
    expect(store.listRuns().map((r) => [r.status, r.owner])).toEqual([['finished', null], ['finished', null]]);
  });

  it('pause and stop act after the generation in flight; resume continues exactly where the run was', async () => {
    const reference = new TrainingQueue(store, { workers: 2 });
    const whole = reference.enqueue({ ...CONFIG, name: 'whole' });
    await reference.idle();

    const queue = new TrainingQueue(store, { workers: 2 });
    const paused = queue.enqueue({ ...CONFIG, name: 'paused' });
    const waiting = queue.enqueue({ ...CONFIG, name: 'waiting' });
    const off = queue.subscribe((e) => {
      if (e.type === 'generation' && e.runId === paused.id && e.record.generation === 0) queue.pause(paused.id);
    });
    queue.stop(waiting.id); // queued: set aside at once
    await queue.idle();
    off();
    expect(store.getRun(paused.id).status).toBe('paused');
    expect(store.generations(paused.id)).toHaveLength(1);
    expect(store.getRun(waiting.id).status).toBe('stopped');
    expect(store.generations(waiting.id)).toHaveLength(0);
    expect(() => queue.pause(paused.id)).toThrow(QueueError);
    expect(() => queue.resume(whole.id)).toThrow(/is finished/);

    queue.resume(paused.id);
    await queue.idle();
    expect(store.getRun(paused.id).status).toBe('finished');
    expect(withoutTime(store.generations(paused.id))).toEqual(withoutTime(store.generations(whole.id)));
  });

  it('close() pauses the running run and queues it again for the next start, which finishes it', async () => {
    const queue = new TrainingQueue(store, { workers: 1 });
    const run = queue.enqueue({ ...CONFIG, name: 'interrupted' });
    await new Promise<void>((ok) => queue.subscribe((e) => e.type === 'generation' && ok()));
    await queue.close();
    expect(store.getRun(run.id).status).toBe('queued');
    const next = new TrainingQueue(store, { workers: 2 });
    next.start();
    await next.idle();
    expect(store.generations(run.id).map((g) => g.generation)).toEqual([0, 1, 2]);
  });

  it('a run another live process trains cannot be trained here; one left running by a dead process is queued again', async () => {
    const queue = new TrainingQueue(store, { workers: 1 });
    const run = queue.enqueue({ ...CONFIG, name: 'contested' });
    await queue.close(); // queued, untouched
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      store.claimRun(run.id, `${processOwner().split(':')[0]}:${sleeper.pid}`);
      await expect(train(store, run.id, { workers: 1 })).rejects.toThrow(StoreError);
      expect(store.getRun(run.id).status).toBe('running');
      new TrainingQueue(store); // start-up: the owner is alive, so the run stays its
      expect(store.getRun(run.id).status).toBe('running');
    } finally {
      sleeper.kill('SIGKILL');
      await new Promise((ok) => sleeper.on('exit', ok));
    }
    const after = new TrainingQueue(store, { workers: 2 });
    expect(store.getRun(run.id).status).toBe('queued');
    after.start();
    await after.idle();
    expect(store.getRun(run.id).status).toBe('finished');
  });

  it('a run whose training process died while this workbench runs shows as orphaned and resumes from the GUI', async () => {
    const workbench = new Workbench(store, { workers: 1 });
    const created = await workbench.dispatch('runs.create', { config: { ...CONFIG, name: 'orphan' } });
    const id = (created as { ok: true; value: { id: number } }).value.id;
    await workbench.close(); // the run waits, queued
    const later = new Workbench(store, { workers: 1 });
    const trainer = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    const [host] = processOwner().split(':');
    store.claimRun(id, `${host}:${trainer.pid}`); // another process trains it…
    const get = async (): Promise<RunSummary> => ((await later.dispatch('runs.get', { id })) as { ok: true; value: { run: RunSummary } }).value.run;
    expect(await get()).toMatchObject({ status: 'running', orphaned: false });
    expect(await later.dispatch('runs.resume', { id })).toMatchObject({ ok: false, error: { kind: 'conflict' } });
    trainer.kill('SIGKILL'); // …and is killed
    await new Promise((ok) => trainer.on('exit', ok));
    expect(await get()).toMatchObject({ status: 'running', orphaned: true });
    expect(await later.dispatch('runs.resume', { id })).toMatchObject({ ok: true });
    later.start();
    for (let i = 0; i < 600 && (await get()).status !== 'finished'; i++) await new Promise((ok) => setTimeout(ok, 100));
    expect(await get()).toMatchObject({ status: 'finished', orphaned: false, generation: 3 });
    await later.close();
  });

  it('a listener that throws does not stop training', async () => {
    const queue = new TrainingQueue(store, { workers: 1 });
    queue.subscribe(() => {
      throw new Error('broken view');
    });
    const run = queue.enqueue({ ...CONFIG, name: 'robust', generations: 1 });
    await queue.idle();
    expect(store.getRun(run.id).status).toBe('finished');
  });
});
