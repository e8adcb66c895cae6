/**
 * A pool of evaluator workers. A generation's candidates go out in mirrored pairs to whichever worker is free;
 * results are placed by candidate index, so the outcome is the same for any number of workers. A worker that
 * dies is replaced and its pair re-run (up to MAX_ATTEMPTS times per pair).
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { Candidate } from '../../core/es/openai-es';
import { startWorker } from '../worker-entry';
import type { CandidateResult, EvaluateTask, WorkerInit, WorkerReply } from './protocol';

const MAX_ATTEMPTS = 3;
const BATCH = 2;

function spawn(init: WorkerInit): Worker {
  return startWorker(import.meta.url, 'evaluator-worker', { init });
}

interface Slot {
  worker: Worker;
  ready: boolean;
  /** The pair it is working on, tagged with the generation job it belongs to. */
  busy: { batch: Batch; job: number } | undefined;
}

interface Batch {
  readonly candidates: readonly Candidate[];
  attempts: number;
}

/**
 * Workers worth starting for a population: candidates travel in mirrored pairs, so more workers than pairs would
 * sit idle (each costs its own physics and network memory). Default: one per available core.
 */
export function usefulWorkers(requested: number | undefined, popSize: number): number {
  return Math.max(1, Math.min(requested ?? availableParallelism(), Math.floor(popSize / 2)));
}

export class EvaluatorPool {
  private readonly slots: Slot[] = [];
  private nextTaskId = 0;
  private jobToken = 0;
  private closed = false;
  /** The generation in flight. */
  private job:
    | { generation: number; sigma: number; queue: Batch[]; results: (CandidateResult | undefined)[]; remaining: number; ok: (r: CandidateResult[]) => void; fail: (e: Error) => void }
    | undefined;
  private readonly readyWaiters: (() => void)[] = [];
  /** Workers replaced after dying (diagnostics and tests). */
  replacements = 0;

  constructor(
    private readonly init: WorkerInit,
    readonly size: number = availableParallelism(),
  ) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`workers must be a positive integer, got ${size}`);
    for (let i = 0; i < size; i++) this.slots.push(this.start());
  }

  private start(): Slot {
    const slot: Slot = { worker: spawn(this.init), ready: false, busy: undefined };
    slot.worker.on('message', (m: WorkerReply) => this.onMessage(slot, m));
    slot.worker.on('error', () => this.onDeath(slot));
    slot.worker.on('exit', () => this.onDeath(slot));
    return slot;
  }

  /** Evaluates every candidate of a generation; resolves with results ordered by candidate index. */
  evaluate(generation: number, sigma: number, candidates: readonly Candidate[]): Promise<CandidateResult[]> {
    if (this.closed) return Promise.reject(new Error('evaluator pool is closed'));
    if (this.job) return Promise.reject(new Error('a generation is already being evaluated'));
    const queue: Batch[] = [];
    for (let i = 0; i < candidates.length; i += BATCH) queue.push({ candidates: candidates.slice(i, i + BATCH), attempts: 0 });
    const size = candidates.reduce((n, c) => Math.max(n, c.index + 1), 0);
    this.jobToken++;
    return new Promise((ok, fail) => {
      this.job = { generation, sigma, queue, results: new Array<CandidateResult | undefined>(size), remaining: candidates.length, ok, fail };
      if (candidates.length === 0) this.finish();
      else this.dispatch();
    });
  }

  /** Resolves once every worker has loaded its worlds. */
  ready(): Promise<void> {
    if (this.slots.every((s) => s.ready)) return Promise.resolve();
    return new Promise((ok) => this.readyWaiters.push(ok));
  }

  /** Simulates a crash of worker i (tests, diagnostics): it is replaced and its work re-run. */
  crashWorker(i: number): Promise<number> {
    return this.slots[i]!.worker.terminate();
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private dispatch(): void {
    const job = this.job;
    if (!job) return;
    for (const slot of this.slots) {
      if (!slot.ready || slot.busy) continue;
      const batch = job.queue.shift();
      if (!batch) return;
      batch.attempts++;
      slot.busy = { batch, job: this.jobToken };
      const task: EvaluateTask = { id: this.nextTaskId++, generation: job.generation, sigma: job.sigma, candidates: batch.candidates };
      slot.worker.postMessage(task);
    }
  }

  private onMessage(slot: Slot, m: WorkerReply): void {
    if (m.kind === 'ready') {
      slot.ready = true;
      if (this.slots.every((s) => s.ready)) this.readyWaiters.splice(0).forEach((ok) => ok());
      this.dispatch();
      return;
    }
    const job = this.job;
    const mine = slot.busy?.job === this.jobToken;
    slot.busy = undefined;
    // A reply for an aborted generation only frees the worker.
    if (!job || !mine) {
      this.dispatch();
      return;
    }
    if (m.kind === 'failed') {
      this.abort(new Error(`evaluating generation ${job.generation} failed in a worker: ${m.message}`));
      return;
    }
    for (const r of m.results) {
      job.results[r.index] = r;
      job.remaining--;
    }
    if (job.remaining === 0) this.finish();
    else this.dispatch();
  }

  private onDeath(slot: Slot): void {
    const i = this.slots.indexOf(slot);
    if (i < 0 || this.closed) return;
    // Replace the worker; put its unfinished pair back at the front of the queue.
    const lost = slot.busy?.job === this.jobToken ? slot.busy.batch : undefined;
    this.slots[i] = this.start();
    this.replacements++;
    const job = this.job;
    if (!job || !lost) return;
    if (lost.attempts >= MAX_ATTEMPTS) {
      this.abort(new Error(`a worker died ${lost.attempts} times evaluating candidates ${lost.candidates.map((c) => c.index).join(', ')} of generation ${job.generation}`));
      return;
    }
    job.queue.unshift(lost);
  }

  private finish(): void {
    const job = this.job!;
    this.job = undefined;
    job.ok(job.results.filter((r): r is CandidateResult => r !== undefined));
  }

  private abort(error: Error): void {
    const job = this.job;
    this.job = undefined;
    job?.fail(error);
  }
}
