/**
 * A pool of evaluator workers. A generation's candidates go out in mirrored pairs to whichever worker is free (the
 * centre's held-out test lifetimes likewise, two at a time); results are placed by index, so the outcome is the same
 * for any number of workers. A worker that dies is replaced and its batch re-run (up to MAX_ATTEMPTS times each).
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { Candidate } from '../../core/es/openai-es';
import { startWorker } from '../worker-entry';
import type { Evaluator } from './evaluator';
import type { CandidateResult, EvaluateTask, TestLifetime, TestResult, WorkerInit, WorkerReply } from './protocol';

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
  readonly items: readonly { readonly index: number }[];
  attempts: number;
}

interface Job {
  readonly generation: number;
  /** What the items are, for error messages. */
  readonly what: string;
  /** The task that sends a batch to a worker. */
  readonly task: (id: number, items: Batch['items']) => EvaluateTask;
  readonly queue: Batch[];
  readonly results: ({ readonly index: number } | undefined)[];
  remaining: number;
  readonly ok: (r: { readonly index: number }[]) => void;
  readonly fail: (e: Error) => void;
}

/**
 * Workers worth starting for a population: candidates travel in mirrored pairs, so more workers than pairs would
 * sit idle (each costs its own physics and network memory). Default: one per available core.
 */
export function usefulWorkers(requested: number | undefined, popSize: number): number {
  return Math.max(1, Math.min(requested ?? availableParallelism(), Math.floor(popSize / 2)));
}

export class EvaluatorPool implements Evaluator {
  readonly engine = 'threads';
  private readonly slots: Slot[] = [];
  private nextTaskId = 0;
  private jobToken = 0;
  private closed = false;
  /** The batch of work in flight (a generation's candidates, or the centre's test lifetimes). */
  private job: Job | undefined;
  private readonly readyWaiters: (() => void)[] = [];
  /** Workers replaced after dying (diagnostics and tests). */
  replacements = 0;
  /** Length of the centre last set (the whole shared θ until then). */
  private centreLength: number;

  constructor(
    private readonly init: WorkerInit,
    readonly size: number = availableParallelism(),
  ) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`workers must be a positive integer, got ${size}`);
    this.centreLength = init.theta.byteLength / 4;
    for (let i = 0; i < size; i++) this.slots.push(this.start());
  }

  private start(): Slot {
    const slot: Slot = { worker: spawn(this.init), ready: false, busy: undefined };
    slot.worker.on('message', (m: WorkerReply) => this.onMessage(slot, m));
    slot.worker.on('error', () => this.onDeath(slot));
    slot.worker.on('exit', () => this.onDeath(slot));
    return slot;
  }

  /**
   * Writes the centre (and a merging run's assignment) into the shared buffers the workers read; only between
   * generations, never while they evaluate.
   */
  setCentre(_generation: number, theta: Float32Array, assignment?: Int32Array): Promise<void> {
    if ((assignment === undefined) !== (this.init.assignment === undefined)) {
      return Promise.reject(new Error(assignment ? 'this pool was built for a run that does not merge rules, but the centre has a rule assignment' : 'this pool was built for a run that merges rules: the centre needs its rule assignment'));
    }
    const shared = new Float32Array(this.init.theta);
    if (theta.length > shared.length) return Promise.reject(new Error(`the centre has ${theta.length} parameters; the shared buffer holds ${shared.length}`));
    shared.set(theta);
    if (assignment) new Int32Array(this.init.assignment!).set(assignment);
    this.centreLength = theta.length;
    return Promise.resolve();
  }

  /** Nothing is kept per generation. */
  committed(): Promise<void> {
    return Promise.resolve();
  }

  /** Evaluates every candidate of a generation; resolves with results ordered by candidate index. */
  evaluate(generation: number, sigma: number, candidates: readonly Candidate[]): Promise<CandidateResult[]> {
    const task = (id: number, items: Batch['items']): EvaluateTask => ({ kind: 'candidates', id, generation, centre: this.centreLength, sigma, candidates: items as Candidate[] });
    return this.run(generation, 'candidates', candidates, task) as Promise<CandidateResult[]>;
  }

  /**
   * Runs test lifetimes of the centre (the shared θ as it stands) on the held-out bodies; resolves with results
   * ordered by index.
   */
  test(generation: number, tests: readonly TestLifetime[]): Promise<TestResult[]> {
    const task = (id: number, items: Batch['items']): EvaluateTask => ({ kind: 'tests', id, generation, centre: this.centreLength, tests: items as TestLifetime[] });
    return this.run(generation, 'held-out lifetimes', tests, task) as Promise<TestResult[]>;
  }

  private run(generation: number, what: string, items: Batch['items'], task: Job['task']): Promise<{ readonly index: number }[]> {
    if (this.closed) return Promise.reject(new Error('evaluator pool is closed'));
    if (this.job) return Promise.reject(new Error('a generation is already being evaluated'));
    const queue: Batch[] = [];
    for (let i = 0; i < items.length; i += BATCH) queue.push({ items: items.slice(i, i + BATCH), attempts: 0 });
    const size = items.reduce((n, c) => Math.max(n, c.index + 1), 0);
    this.jobToken++;
    return new Promise((ok, fail) => {
      this.job = { generation, what, task, queue, results: new Array<{ index: number } | undefined>(size), remaining: items.length, ok, fail };
      if (items.length === 0) this.finish();
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
      slot.worker.postMessage(job.task(this.nextTaskId++, batch.items));
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
      this.abort(new Error(`a worker died ${lost.attempts} times evaluating ${job.what} ${lost.items.map((c) => c.index).join(', ')} of generation ${job.generation}`));
      return;
    }
    job.queue.unshift(lost);
  }

  private finish(): void {
    const job = this.job!;
    this.job = undefined;
    job.ok(job.results.filter((r): r is { index: number } => r !== undefined));
  }

  private abort(error: Error): void {
    const job = this.job;
    this.job = undefined;
    job?.fail(error);
  }
}
