/**
 * The one contract between the renderer and the main-process services. Every request is a zod schema (validated
 * at the boundary, in main), every response and event a plain type; the Electron IPC adapter, the web-mode
 * HTTP/WebSocket server, the renderer's clients and the tests all derive their types from this file.
 */
import { z } from 'zod';
import { CURRENT_PHYSICS } from '../core/envs/quadruped/physics';
import { INIT_MODES, NORMALISE_MODES, runConfigSchema, type EnvName } from '../core/config';
import { INDEXINGS, RULE_NAMES } from '../core/plasticity/rules';
import { MAX_RULES_FILE_BYTES, RULES_FILE_FORMATS } from '../core/rules-file/rules-file';
import { MAX_MJCF_CHARS } from '../core/morphology/limits';
import type { RuleReport, WeightTrajectories } from './analysis';
import { damageScheduleSchema } from '../core/rollout/damage';
import { recipeSchema } from '../core/rollout/recipes';
import type { Comparison, EpisodeRow, EvaluationRow, ExperimentRow, GenerationRecord, HeldoutRecord, MorphologySummary, RunRow, RunStatus } from './model';

export const APP_NAME = 'Hebbian Workbench';

/** What the renderer knows about the process that serves it. */
export interface RuntimeInfo {
  readonly mode: 'electron' | 'web';
  readonly appVersion: string;
  readonly versions: Readonly<Record<string, string>>;
}

/** A run as the runs table shows it. */
export interface RunSummary extends Omit<RunRow, 'owner'> {
  /** Generations completed. */
  readonly generation: number;
  /** Generations configured. */
  readonly generations: number;
  readonly lastMean: number | null;
  readonly bestMean: number | null;
  readonly bestMax: number | null;
  /** Σ generation wall time, ms. */
  readonly wallMs: number;
  /** A pause or stop asked for while the run trains: it takes effect after the generation in flight. */
  readonly pending: 'paused' | 'stopped' | null;
  /**
   * 'running' in the store, but the process that trained it is gone (killed or crashed): resuming continues it
   * from its last checkpoint.
   */
  readonly orphaned: boolean;
}

/** One `hebb worker` as its last heartbeat describes it (the heartbeat key's value: redis-protocol's Heartbeat). */
export interface WorkerView {
  readonly name: string;
  readonly host: string;
  readonly pid: number;
  readonly threads: number;
  readonly version: string;
  readonly lifetimesPerSecond: number;
  /** The run it evaluated last (its label), or null. */
  readonly run: string | null;
  /** When it last beat (ms since the epoch). */
  readonly at: number;
}

/** Where training runs are evaluated. */
export interface EngineView {
  /** 'threads': this process's worker threads; 'redis': `hebb worker`s through a Redis server. */
  readonly engine: 'threads' | 'redis';
  /** The Redis server, password masked; null for threads. */
  readonly where: string | null;
  /** This process's threads per generation (threads), or null (redis: the workers' own). */
  readonly threads: number | null;
  readonly workers: WorkerView[];
  /** The server's clock when listed, to age the heartbeats by. */
  readonly now: number;
  /** The latest engine status per training run (waiting for workers, n workers connected). */
  readonly status: { runId: number; status: string; waiting: boolean }[];
}

/** A run's expected duration here, before it starts. */
export interface Estimate {
  /** Null until a generation has been trained in this store (nothing measured yet). */
  readonly seconds: number | null;
  /** Lifetimes it would live, held-out tests included. */
  readonly lifetimes: number;
  /** Where the speed comes from, in words. */
  readonly basis: string;
}

/** An ES centre that can be replayed or evaluated: checkpoint `generation`; `best` if it produced the best generation. */
export interface KeptCentre {
  readonly generation: number;
  readonly best: boolean;
}

export interface RunDetail {
  readonly run: RunSummary;
  readonly generations: GenerationRecord[];
  /**
   * The ES centres that can be replayed or evaluated, oldest first: generation 0's (recomputed from the seed), the
   * kept checkpoints, the best generation's marked; the last is the trained centre once the run has finished.
   */
  readonly checkpoints: KeptCentre[];
  /** Held-out tests during training (run config `heldout`), by generation. */
  readonly heldout: HeldoutRecord[];
  readonly evaluations: EvaluationRow[];
}

const id = z.int().min(1);
const runRef = z.object({ id }).strict();

/** Request schemas, one per channel. */
/** The paper's two tasks, as run configs name them (`env`); "Reproduce the paper" queues either or both. */
export const PAPER_TASKS = ['quadruped', 'racing'] as const satisfies readonly EnvName[];
export type PaperTask = (typeof PAPER_TASKS)[number];

/** The paper's experiment: which tasks (default both), over which seeds, optionally shortened to `generations`. */
const paperRequest = z.object({
  seeds: z.array(z.int().min(0)).min(1).max(10).default([1, 2, 3]),
  generations: z.int().min(1).max(10_000).optional(),
  tasks: z.array(z.enum(PAPER_TASKS)).min(1).max(PAPER_TASKS.length).refine((t) => new Set(t).size === t.length, { message: 'must not repeat a task' }).default([...PAPER_TASKS]),
}).strict();

export const REQUESTS = {
  'runs.list': z.object({}).strict(),
  'runs.get': runRef,
  /** Just `runs.get`'s checkpoints: what a centre picker needs, without the run's generations and tests. */
  'runs.checkpoints': runRef,
  /** Generations from `from` on (for incremental chart updates). */
  'runs.generations': z.object({ id, from: z.int().min(0).default(0) }).strict(),
  /** `config` is a run config (core/config; errors name `run.<field>`). */
  'runs.create': z.object({ config: runConfigSchema }).strict(),
  'runs.pause': runRef,
  'runs.resume': runRef,
  'runs.stop': runRef,
  'runs.delete': runRef,
  'runs.annotate': z
    .object({ id, tags: z.array(z.string().trim().min(1).max(40)).max(20).optional(), notes: z.string().max(10_000).optional() })
    .strict(),
  'runs.evaluate': z
    .object({ id, morphologies: z.array(z.string().min(1)).min(1).max(16), episodes: z.int().min(1).max(1000), generation: z.int().min(0).optional() })
    .strict(),
  'runs.compare': z.object({ ids: z.array(id).min(1).max(100) }).strict(),
  /**
   * Queues the paper's experiment, per task in `tasks` (quadruped, racing; default both): Hebbian and static runs
   * over the given seeds — the quadruped's on standard + damaged-right, their centres tested on damaged-left (5
   * lifetimes every 10 generations) as they train; the car's with the paper's settings (population 200, 300
   * generations, the Hebbian car max-abs normalised), tested on unseen tracks likewise. The quadruped's runs are
   * queued first.
   */
  'runs.reproducePaper': paperRequest,
  /**
   * How long a run (`config`, validated as `runs.create` does) or the paper's experiment (`paper`, as
   * `runs.reproducePaper` takes it) would take on this machine, from the throughput measured in this store.
   */
  'runs.estimate': z.object({ config: z.unknown().optional(), paper: paperRequest.optional() }).strict()
    .refine((r) => (r.config === undefined) !== (r.paper === undefined), { message: 'give either a config or the paper experiment', path: ['config'] }),
  /** Which engine evaluates the training runs, and the `hebb worker`s alive on it (their heartbeats). */
  'workers.list': z.object({}).strict(),
  /** The paper report of these runs: one self-contained HTML document (src/main/services/report.ts). */
  'runs.report': z.object({ ids: z.array(id).min(1).max(100) }).strict(),
  'morphologies.list': z.object({}).strict(),
  /** One morphology's MJCF (built-in or the user's). */
  'morphologies.get': z.object({ name: z.string().min(1) }).strict(),
  /**
   * Validates and stores a user morphology (it must parse, assemble and offer the ant's joints and feet); saving
   * under an existing user name replaces it, a built-in name is a conflict.
   */
  'morphologies.save': z.object({ name: z.string().min(1).max(64), mjcf: z.string().min(1).max(MAX_MJCF_CHARS) }).strict(),
  /** Deletes a user morphology; episodes keep the MJCF they ran on, evaluations keep its name. */
  'morphologies.delete': z.object({ name: z.string().min(1) }).strict(),
  /** Recorded episodes, of one run or of all. */
  'episodes.list': z.object({ runId: id.optional() }).strict(),
  /**
   * Records one lifetime of a run's ES centre on a body, optionally with a damage schedule (core/rollout/damage;
   * errors name `damage.<i>.<field>`; null is none). Progress events carry task 'record'.
   */
  'episodes.record': z
    .object({
      runId: id,
      /** The quadruped's body (required for it); none for a racing run. */
      morphology: z.string().min(1).optional(),
      seed: z.int().min(0).max(Number.MAX_SAFE_INTEGER).default(0),
      generation: z.int().min(0).optional(),
      damage: damageScheduleSchema.nullish(),
      /** Default: every 10 policy steps, the car's every 50. */
      weightStride: z.int().min(0).max(1000).optional(),
      /** Stop early as training's fitness protocol does; by default the whole lifetime runs. */
      earlyStop: z.boolean().default(false),
    })
    .strict(),
  'episodes.get': z.object({ id }).strict(),
  /** The episode's recording as bytes (decode with core/rollout/recording-codec). */
  'episodes.trajectory': z.object({ id }).strict(),
  'episodes.delete': z.object({ id }).strict(),
  /**
   * Runs a damage recipe (core/rollout/recipes; errors name `recipe.<field>`) on runs, over seeds, on one body;
   * progress events carry task 'experiment' and the run being tested.
   */
  'experiments.run': z
    .object({
      recipe: recipeSchema,
      runIds: z.array(id).min(1).max(20),
      /** The quadruped's body (default standard); none for racing runs. */
      morphology: z.string().min(1).optional(),
      seeds: z.array(z.int().min(0).max(Number.MAX_SAFE_INTEGER)).min(1).max(50).default([1, 2, 3, 4, 5]),
      /** The centre of this generation of every run (0: the initial one); default: each run's latest. */
      generation: z.int().min(0).optional(),
      /** Share of the speed before the perturbation to regain (default 0.8). */
      recoveryThreshold: z.number().gt(0).max(1).optional(),
    })
    .strict(),
  'experiments.list': z.object({}).strict(),
  'experiments.delete': z.object({ id }).strict(),
  /**
   * Weight trajectories (docs/METHOD.md#weight-trajectories-the-attractor-analysis): `lifetimes` whole lifetimes of a run's centre on one body, recording
   * seeds 1 … N, a weight snapshot every `stride` steps, projected on the top three principal components of all
   * snapshots, with the spread between lifetimes over time. Progress events carry task 'analyse'.
   */
  'analysis.trajectories': z
    .object({
      runId: id,
      morphology: z.string().min(1).default('standard'),
      generation: z.int().min(0).optional(),
      lifetimes: z.int().min(2).max(50).default(5),
      stride: z.int().min(1).max(1000).default(10),
      damage: damageScheduleSchema.nullish(),
      /** Layers to analyse (0 = input → first hidden); all when absent. */
      layers: z.array(z.int().min(0).max(64)).min(1).max(64).optional(),
    })
    .strict(),
  /** The evolved rules of one run's centre, or two side by side, per layer (docs/METHOD.md#rule-inspection). */
  'analysis.rules': z
    .object({
      ids: z.array(id).min(1).max(2),
      generation: z.int().min(0).optional(),
      /** A synapse is off when its strength is below this share of its layer's median. */
      offRelative: z.number().min(0).lt(1).default(0.01),
    })
    .strict(),
  /**
   * Stores a rules file in the reference's formats (torch.save's zip or legacy format, .npy; core/rules-file) as a
   * finished run whose centre of generation 0 is the file's coefficients. `data` is the file's bytes in base64;
   * `rule` and `init` default to what a reference-style file name says (rule: else the one rule with the file's
   * column count). The run is marked imported with the file's name and SHA-256 (its config's `imported`).
   */
  'rules.import': z
    .object({
      fileName: z.string().min(1).max(255),
      data: z.base64('must be the file\'s bytes in base64').max(Math.ceil(MAX_RULES_FILE_BYTES / 3) * 4, `must be at most ${MAX_RULES_FILE_BYTES} bytes (in base64)`),
      name: z.string().trim().min(1).max(200).optional(),
      rule: z.enum(RULE_NAMES).optional(),
      indexing: z.enum(INDEXINGS).default('corrected'),
      init: z.enum(INIT_MODES).exclude(['coevolve']).optional(),
      normalise: z.enum(NORMALISE_MODES).default('none'),
      physics: z.int().min(1).max(CURRENT_PHYSICS).optional().describe('The quadruped physics version to evaluate the rules in (default: the current one)'),
    })
    .strict(),
  /**
   * A Hebbian run's centre rule segment (generation `generation`, default the latest) as a file the reference's
   * torch.load reads (`torch`: torch.save's zip of a float32 numpy array) or a .npy file; `data` in base64.
   */
  'rules.export': z.object({ id, generation: z.int().min(0).optional(), format: z.enum(RULES_FILE_FORMATS).default('torch') }).strict(),
} as const;

/**
 * The request fields validated by a core schema, and the root the core names their fields from, so a field is
 * named the same whether the API or the core refused it (`run.es.popSize`, not `request.config.es.popSize`).
 */
const PAYLOAD_ROOTS: Readonly<Record<string, string>> = { config: 'run', damage: 'damage', recipe: 'recipe' };

/** The name of a request field at `path`: `run.…`, `damage.…` or `recipe.…` inside those payloads, else `request.…`. */
export function requestFieldPath(path: readonly PropertyKey[]): string {
  const [first, ...rest] = path.map(String);
  const root = first !== undefined && Object.hasOwn(PAYLOAD_ROOTS, first) ? PAYLOAD_ROOTS[first]! : undefined;
  return root ? [root, ...rest].join('.') : ['request', ...path.map(String)].join('.');
}

export type Channel = keyof typeof REQUESTS;
export type RequestOf<C extends Channel> = z.input<(typeof REQUESTS)[C]>;
export type ParsedRequestOf<C extends Channel> = z.output<(typeof REQUESTS)[C]>;

export interface Responses {
  'runs.list': RunSummary[];
  'runs.get': RunDetail;
  'runs.checkpoints': KeptCentre[];
  'runs.generations': GenerationRecord[];
  'runs.create': { id: number };
  'runs.pause': RunSummary;
  'runs.resume': RunSummary;
  'runs.stop': RunSummary;
  'runs.delete': { id: number };
  'runs.annotate': RunSummary;
  'runs.evaluate': EvaluationRow[];
  'runs.compare': Comparison;
  'runs.reproducePaper': { ids: number[] };
  'runs.estimate': Estimate;
  'runs.report': { html: string };
  'workers.list': EngineView;
  'morphologies.list': MorphologySummary[];
  'morphologies.get': { name: string; mjcf: string; builtin: boolean };
  'morphologies.save': MorphologySummary;
  'morphologies.delete': { name: string };
  'episodes.list': EpisodeRow[];
  'episodes.record': EpisodeRow;
  'episodes.get': EpisodeRow;
  'episodes.trajectory': Uint8Array;
  'episodes.delete': { id: number };
  'experiments.run': ExperimentRow;
  'experiments.list': ExperimentRow[];
  'experiments.delete': { id: number };
  'analysis.trajectories': WeightTrajectories;
  'analysis.rules': RuleReport;
  'rules.import': RunSummary;
  'rules.export': { fileName: string; data: string; shape: number[] };
}
export type ResponseOf<C extends Channel> = Responses[C];

/** Pushed to every client; sent only after the store holds what they announce. */
export interface Events {
  /** A generation was committed, with its held-out tests (empty unless the run tested its centre then). */
  generation: { runId: number; record: GenerationRecord; heldout: HeldoutRecord[] };
  /** A run was created or changed status; `run` is its summary as of the change. */
  status: { runId: number; status: RunStatus; error: string | null; run: RunSummary };
  /** A run was deleted. */
  deleted: { runId: number };
  /** A long action (evaluation, recording, a damage experiment on one run, an analysis) advanced: lifetimes done of total. */
  progress: { runId: number; task: 'evaluate' | 'record' | 'experiment' | 'analyse'; done: number; total: number };
  /** The distributed engine of a training run changed state (waiting for workers, reconnecting, n workers). */
  engine: { runId: number; status: string; waiting: boolean };
}
export type EventName = keyof Events;
export const EVENT_NAMES: readonly EventName[] = ['generation', 'status', 'deleted', 'progress', 'engine'];

/** Why a request failed. `issues` name the fields of invalid input. */
export interface ApiErrorBody {
  readonly kind: 'invalid' | 'not-found' | 'conflict' | 'internal';
  readonly message: string;
  readonly issues?: readonly { path: string; message: string }[];
}

/** What every transport returns for one request. */
export type Envelope<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ApiErrorBody };

/** The error a client throws for a failed request. */
export class ApiError extends Error {
  readonly kind: ApiErrorBody['kind'];
  readonly issues: readonly { path: string; message: string }[];

  constructor(body: ApiErrorBody) {
    super(body.message);
    this.name = 'ApiError';
    this.kind = body.kind;
    this.issues = body.issues ?? [];
  }
}

/** The API the renderer uses, the same in Electron (preload bridge) and web mode (HTTP + WebSocket client). */
export interface WorkbenchApi {
  readonly runtime: RuntimeInfo;
  invoke<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>>;
  /** Subscribes to an event; returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
}

/** The raw transport the preload bridge exposes; the renderer wraps it into a WorkbenchApi. */
export interface BridgeTransport {
  readonly runtime: RuntimeInfo;
  invoke(channel: string, request: unknown): Promise<Envelope<unknown>>;
  on(listener: (event: EventName, payload: unknown) => void): () => void;
}

/** HTTP status for each error kind in web mode. */
export const HTTP_STATUS: Record<ApiErrorBody['kind'], number> = { invalid: 400, 'not-found': 404, conflict: 409, internal: 500 };

export function isChannel(name: string): name is Channel {
  return Object.hasOwn(REQUESTS, name);
}
