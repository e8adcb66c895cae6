/**
 * The workbench's services behind the one contract (src/common/api.ts): every channel's handler, request
 * validation, error mapping, and the event stream. Transports (Electron IPC, web mode) only move envelopes;
 * the CLI calls the same services directly.
 */
import { z } from 'zod';
import {
  isChannel, REQUESTS, requestFieldPath, type ApiErrorBody, type Channel, type Envelope, type EventName, type Events, type KeptCentre, type ParsedRequestOf, type ResponseOf, type RunSummary,
} from '../../common/api';
import type { RunRow } from '../../common/model';
import { ConfigError, peopleErrors, runConfig } from '../../core/config';
import { ownerAlive, StoreError, type RunStats, type Store } from '../store/store';
import { availableParallelism } from 'node:os';
import { QueueError, TrainingQueue, type QueueOptions } from '../training/queue';
import { WorkerDirectory } from '../training/redis-directory';
import { describeRedisStatus, redisEvaluator } from '../training/redis-evaluator';
import { redactUrl } from '../training/redis-protocol';
import { inspectRunRules, weightTrajectories } from './analysis';
import { compareRuns, evaluateRun, recordEpisode } from './evaluation';
import { estimate, paperConfigs } from './estimate';
import { runExperiment } from './experiments';
import { paperReport, sourceCommit } from './report';
import { importMorphology, listedMorphology, MorphologyError, summariseMorphology } from './morphologies';
import { exportRules, importRules, RulesFileError } from './rules';

type Handlers = { [C in Channel]: (request: ParsedRequestOf<C>) => ResponseOf<C> | Promise<ResponseOf<C>> };
type Listener = <E extends EventName>(event: E, payload: Events[E]) => void;

/** Maps any failure to what a client is told: bad input names its fields; internal errors say what broke. */
export function apiError(e: unknown): ApiErrorBody {
  if (e instanceof z.ZodError) return apiError(new ConfigError(e.issues.map((i) => ({ path: requestFieldPath(i.path), message: i.message }))));
  if (e instanceof ConfigError) return { kind: 'invalid', message: e.message, issues: e.issues };
  if (e instanceof StoreError) return { kind: e.kind, message: e.message };
  if (e instanceof QueueError) return { kind: 'conflict', message: e.message };
  if (e instanceof MorphologyError) return { kind: 'invalid', message: e.message };
  if (e instanceof RulesFileError) return { kind: 'invalid', message: e.message, issues: [{ path: 'request.data', message: e.message }] };
  return { kind: 'internal', message: e instanceof Error ? e.message : String(e) };
}

export interface WorkbenchOptions extends QueueOptions {
  /** Evaluate training runs on `hebb worker`s through this Redis server (redis:// or rediss://) instead of threads. */
  readonly redis?: string;
}

export class Workbench {
  readonly queue: TrainingQueue;
  private readonly listeners = new Set<Listener>();
  private readonly handlers: Handlers;

  /** The Redis workers' heartbeats, when runs evaluate on them. */
  private readonly directory: WorkerDirectory | null;
  private readonly engineStatus = new Map<number, { runId: number; status: string; waiting: boolean }>();

  constructor(readonly store: Store, options: WorkbenchOptions = {}) {
    const redis = options.redis;
    const evaluator = redis
      ? redisEvaluator({
        url: redis,
        onStatus: (s, run) => {
          const status = { runId: run.id, status: describeRedisStatus(s, redactUrl(redis)), waiting: s.kind === 'waiting for workers' || s.kind === 'reconnecting' };
          this.engineStatus.set(run.id, status);
          this.emit('engine', status);
        },
      })
      : options.evaluator;
    this.queue = new TrainingQueue(store, { ...options, evaluator });
    this.directory = redis ? new WorkerDirectory(redis) : null;
    const threads = options.workers ?? availableParallelism();
    this.queue.subscribe((e) => {
      if (e.type === 'generation') this.emit('generation', { runId: e.runId, record: e.record, heldout: [...e.heldout] });
      else this.emit('status', { runId: e.runId, status: e.status, error: e.error, run: this.summaryOf(e.runId) });
    });
    this.handlers = {
      'runs.list': () => {
        const stats = store.runStats();
        return store.listRuns().map((r) => this.summary(r, stats.get(r.id)));
      },
      'runs.get': ({ id }) => {
        const generations = store.generations(id);
        return { run: this.summaryOf(id), generations, checkpoints: this.centres(id, generations.length > 0), heldout: store.heldout(id), evaluations: store.evaluations(id) };
      },
      'runs.checkpoints': ({ id }) => {
        store.getRun(id);
        return this.centres(id, (store.runStats(id).get(id)?.generations ?? 0) > 0);
      },
      'runs.generations': ({ id, from }) => {
        store.getRun(id);
        return store.generations(id, from);
      },
      'runs.create': ({ config }) => this.queue.enqueue(config),
      'runs.pause': ({ id }) => (this.queue.pause(id), this.summaryOf(id)),
      'runs.resume': ({ id }) => (this.queue.resume(id), this.summaryOf(id)),
      'runs.stop': ({ id }) => (this.queue.stop(id), this.summaryOf(id)),
      'runs.delete': ({ id }) => {
        this.queue.delete(id);
        this.emit('deleted', { runId: id });
        return { id };
      },
      'runs.annotate': ({ id, tags, notes }) => {
        store.annotateRun(id, { tags, notes });
        return this.summaryOf(id);
      },
      'runs.evaluate': ({ id, morphologies, episodes, generation }) =>
        evaluateRun(store, id, { morphologies, episodes, generation }, (done, total) => this.emit('progress', { runId: id, task: 'evaluate', done, total })),
      'runs.compare': ({ ids }) => compareRuns(store, ids),
      'workers.list': async () => ({
        engine: this.directory ? 'redis' : 'threads',
        where: this.directory?.where ?? null,
        threads: this.directory ? null : threads,
        workers: this.directory ? await this.directory.list() : [],
        now: Date.now(),
        status: [...this.engineStatus.values()],
      }),
      'runs.report': async ({ ids }) => ({ html: await paperReport(store, { runIds: ids, commit: sourceCommit(), generatedAt: new Date() }) }),
      // Validate every config before queueing any, so a bad request queues nothing.
      'runs.reproducePaper': ({ seeds, generations, tasks }) => ({ ids: paperConfigs(seeds, generations, tasks).map((c) => this.queue.enqueue(c).id) }),
      'runs.estimate': ({ config, paper }) => estimate(store, config !== undefined ? [runConfig(config)] : paperConfigs(paper!.seeds, paper!.generations, paper!.tasks)),
      'morphologies.list': () => store.listMorphologies().map((m) => listedMorphology(store.morphology(m.name))),
      'morphologies.get': ({ name }) => store.morphology(name),
      'morphologies.save': ({ name, mjcf }) => (importMorphology(store, name, mjcf), summariseMorphology(store.morphology(name))),
      'morphologies.delete': ({ name }) => (store.deleteMorphology(name), { name }),
      'episodes.list': ({ runId }) => (runId === undefined ? store.episodes() : (store.getRun(runId), store.episodes(runId))),
      'episodes.record': ({ runId, morphology, seed, generation, damage, weightStride, earlyStop }) =>
        recordEpisode(store, runId, { morphology, seed, generation, damage, weightStride, earlyStop }, (done, total) =>
          this.emit('progress', { runId, task: 'record', done, total })),
      'episodes.get': ({ id }) => store.episode(id),
      'episodes.trajectory': ({ id }) => store.episodeTrajectory(id),
      'episodes.delete': ({ id }) => (store.deleteEpisode(id), { id }),
      'experiments.run': (options) => runExperiment(store, options, (runId, done, total) => this.emit('progress', { runId, task: 'experiment', done, total })),
      'experiments.list': () => store.experiments(),
      'experiments.delete': ({ id }) => (store.deleteExperiment(id), { id }),
      'analysis.trajectories': ({ runId, ...request }) =>
        weightTrajectories(store, runId, request, (done, total) => this.emit('progress', { runId, task: 'analyse', done, total })),
      'analysis.rules': ({ ids, generation, offRelative }) => inspectRunRules(store, ids, { generation, offRelative }),
      'rules.import': ({ fileName, data, ...options }) => {
        const { run } = importRules(store, new Uint8Array(Buffer.from(data, 'base64')), fileName, options);
        const summary = this.summaryOf(run.id);
        this.emit('status', { runId: run.id, status: summary.status, error: null, run: summary });
        return summary;
      },
      'rules.export': ({ id, generation, format }) => {
        const { bytes, fileName, shape } = exportRules(store, id, format, generation);
        return { fileName, data: Buffer.from(bytes).toString('base64'), shape };
      },
    };
  }

  /** Runs one request: validates the payload against the channel's schema, calls its handler, wraps the result. */
  async dispatch(channel: string, payload: unknown): Promise<Envelope<unknown>> {
    try {
      if (!isChannel(channel)) return { ok: false, error: { kind: 'not-found', message: `unknown channel '${channel}'` } };
      // No payload means no fields; an explicit null is refused by the schema like any other non-object.
      const request = REQUESTS[channel].parse(payload === undefined ? {} : payload, { error: peopleErrors });
      const handler = this.handlers[channel] as (r: unknown) => unknown;
      return { ok: true, value: await handler(request) };
    } catch (e) {
      return { ok: false, error: apiError(e) };
    }
  }

  /** Listens to every event; returns the unsubscribe function. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Starts training whatever is queued (runs a crashed process left behind included). */
  start(): void {
    this.queue.start();
  }

  /** Pauses the training run after its generation in flight (it is queued again next launch) and waits. */
  async close(): Promise<void> {
    await this.queue.close();
    await this.directory?.close();
  }

  /** The centres of run `id` that can be replayed or evaluated: generation 0's, then the kept checkpoints. */
  private centres(id: number, trained: boolean): KeptCentre[] {
    const kept = this.store.keptCheckpoints(id);
    // An imported run stores its centre as checkpoint 0, its only one.
    if (kept[0]?.generation === 0) return kept;
    // Generation 0's centre is never stored (it is recomputed), so it is the best when no stored one is.
    return [{ generation: 0, best: trained && !kept.some((c) => c.best) }, ...kept];
  }

  private summaryOf(id: number): RunSummary {
    return this.summary(this.store.getRun(id), this.store.runStats(id).get(id));
  }

  private summary(run: RunRow, stats: RunStats | undefined): RunSummary {
    const { owner, ...rest } = run;
    let generations = 0;
    try {
      generations = runConfig(run.config).generations;
    } catch {
      // A config this version cannot read still lists; its total shows as 0.
    }
    return {
      ...rest,
      generation: stats?.generations ?? 0,
      generations,
      lastMean: stats?.lastMean ?? null,
      bestMean: stats?.bestMean ?? null,
      bestMax: stats?.bestMax ?? null,
      wallMs: stats?.wallMs ?? 0,
      pending: this.queue.pending(run.id),
      orphaned: run.status === 'running' && !ownerAlive(owner),
    };
  }

  private emit<E extends EventName>(event: E, payload: Events[E]): void {
    for (const listener of this.listeners) {
      try {
        listener(event, payload);
      } catch {
        // One broken client must not break the others or training.
      }
    }
  }
}
