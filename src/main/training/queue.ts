/**
 * The training queue the workbench runs: one run trains at a time on all workers (a generation already uses every
 * core), the others wait as 'queued' and start in id order. Pause, resume and stop act between generations, so
 * every generation that ran is committed. Events are emitted only after the store holds what they announce.
 *
 * Statuses: queued → running → finished | paused | stopped | failed; paused, stopped and failed runs can be
 * resumed (queued again). A run found 'running' at start-up whose process is gone was cut off by a crash or
 * kill: it is queued again and continues from its last checkpoint.
 */
import { ownerAlive, type GenerationRecord, type HeldoutRecord, type RunStatus, type Store } from '../store/store';
import { createRun, train, type InterruptStatus } from './coordinator';
import type { EvaluatorFactory } from './evaluator';

export type TrainingEvent =
  | { readonly type: 'generation'; readonly runId: number; readonly record: GenerationRecord; readonly heldout: readonly HeldoutRecord[] }
  | { readonly type: 'status'; readonly runId: number; readonly status: RunStatus; readonly error: string | null };

export interface QueueOptions {
  /** Worker threads per generation (default: one per available core). */
  readonly workers?: number;
  /** The engine every run evaluates on (default: this process's worker threads). */
  readonly evaluator?: EvaluatorFactory;
}

const RESUMABLE: readonly RunStatus[] = ['paused', 'stopped', 'failed'];

export class QueueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QueueError';
  }
}

/**
 * Pauses or stops a run this process is not training: one trained by another process is asked to stop after its
 * generation in flight (through the store); a queued run (or a paused one being stopped) changes at once.
 */
export function interruptRun(store: Store, runId: number, status: InterruptStatus): void {
  const run = store.getRun(runId);
  if (run.status === 'running') {
    store.requestInterrupt(runId, status);
  } else if (run.status === 'queued' || (run.status === 'paused' && status === 'stopped')) {
    store.setRunStatus(runId, status);
  } else {
    throw new QueueError(`run ${runId} is ${run.status}; only running or queued runs can be ${status}`);
  }
}

export class TrainingQueue {
  private readonly listeners = new Set<(e: TrainingEvent) => void>();
  /** The run training now; `closing` marks a pause that close() asked for (the run is queued again). */
  private current: { runId: number; request: InterruptStatus | null; closing: boolean } | null = null;
  private loop: Promise<void> | null = null;
  private closed = false;

  constructor(private readonly store: Store, private readonly options: QueueOptions = {}) {
    for (const run of store.listRuns()) if (run.status === 'running' && !ownerAlive(run.owner)) store.setRunStatus(run.id, 'queued');
  }

  /** Listens to generation and status events; returns the unsubscribe function. */
  subscribe(listener: (e: TrainingEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Validates and queues a new run (nothing is written if its config is invalid). */
  enqueue(input: unknown): { id: number } {
    const { id } = createRun(this.store, input);
    this.emitStatus(id);
    this.kick();
    return { id };
  }

  /** Starts the queue (for runs queued before this process, e.g. by `hebb train --queue`). */
  start(): void {
    this.kick();
  }

  /** The running run pauses after its generation in flight; a queued run is set aside. */
  pause(runId: number): void {
    this.interrupt(runId, 'paused');
  }

  /** Like pause, but the run is marked as ended early (it can still be resumed). */
  stop(runId: number): void {
    this.interrupt(runId, 'stopped');
  }

  /** Queues a paused, stopped, failed or orphaned run again; it continues from its last checkpoint. */
  resume(runId: number): void {
    const { status, owner } = this.store.getRun(runId);
    // A run left 'running' by a process that is gone resumes like a paused one.
    const orphaned = status === 'running' && this.current?.runId !== runId && !ownerAlive(owner);
    if (!RESUMABLE.includes(status) && !orphaned) {
      throw new QueueError(`run ${runId} is ${status}; only paused, stopped or failed runs, or runs whose training process is gone, can be resumed`);
    }
    this.store.setRunStatus(runId, 'queued');
    this.emitStatus(runId);
    this.kick();
  }

  /** Deletes a run that is not training (pause or stop it first). */
  delete(runId: number): void {
    if (this.current?.runId === runId) throw new QueueError(`run ${runId} is training; pause or stop it before deleting it`);
    this.store.deleteRun(runId);
  }

  /** The pause or stop requested for a run this queue is training, until it takes effect. */
  pending(runId: number): InterruptStatus | null {
    return this.current?.runId === runId && !this.current.closing ? this.current.request : null;
  }

  /** The id of the run training now, if any. */
  get running(): number | null {
    return this.current?.runId ?? null;
  }

  /** Resolves when no run is training and none is queued. */
  async idle(): Promise<void> {
    while (this.loop) await this.loop;
  }

  /** Pauses the running run after its generation in flight (it is queued again on the next start) and waits. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.current && this.current.request === null) {
      this.current.request = 'paused';
      this.current.closing = true;
    }
    await this.idle();
  }

  private interrupt(runId: number, status: InterruptStatus): void {
    if (this.current?.runId === runId) {
      this.current.request = status;
      return;
    }
    interruptRun(this.store, runId, status);
    this.emitStatus(runId);
  }

  private kick(): void {
    if (this.loop || this.closed) return;
    this.loop = this.drain().finally(() => {
      this.loop = null;
    });
  }

  private nextQueued(): number | undefined {
    return this.store.listRuns().find((r) => r.status === 'queued')?.id;
  }

  private async drain(): Promise<void> {
    for (let id = this.nextQueued(); id !== undefined && !this.closed; id = this.nextQueued()) {
      const current = { runId: id, request: null as InterruptStatus | null, closing: false };
      this.current = current;
      try {
        const outcome = train(this.store, id, {
          workers: this.options.workers,
          evaluator: this.options.evaluator,
          interrupt: () => current.request,
          onGeneration: (record, heldout) => this.emit({ type: 'generation', runId: id, record, heldout }),
        });
        this.emitStatus(id); // train() marks the run running before its first await
        await outcome;
      } catch {
        // train() recorded the failure and its message on the run; the queue goes on with the next one.
      } finally {
        this.current = null;
      }
      try {
        if (current.closing && this.store.getRun(id).status === 'paused') this.store.setRunStatus(id, 'queued');
        this.emitStatus(id);
      } catch {
        // The run was deleted meanwhile (by another process): nothing to report; go on with the next one.
      }
    }
  }

  private emitStatus(runId: number): void {
    const run = this.store.getRun(runId);
    this.emit({ type: 'status', runId, status: run.status, error: run.error });
  }

  private emit(event: TrainingEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A failing listener must not stop training or the other listeners.
      }
    }
  }
}
