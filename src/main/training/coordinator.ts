/**
 * The ES loop of one run: ask → evaluate in the worker pool → (test the centre on held-out bodies, when due) →
 * tell → commit the generation, its held-out tests and the next checkpoint in one transaction → only then report
 * it. A run resumes from its latest checkpoint exactly as if never stopped: every random draw is keyed by (run seed,
 * generation, candidate, morphology), never by time or worker. A run that merges rules (Evolve & Merge) merges
 * them here, between `tell` and the commit, so the checkpoint of a merge's generation is the merged centre.
 */
import { ConfigError, runConfig, type RunConfig } from '../../core/config';
import { ask, createNoiseTable, decodeEsState, encodeEsState, init, tell, type EsState, type NoiseTable } from '../../core/es';
import { identityAssignment, mergeDue, mergedRuleCount, ruleGeometry, tableRules } from '../../core/merge/merge';
import { genomeLayout, initialCentre } from '../../core/policy/genome';
import { Domain, RandomStream } from '../../core/random';
import { summarise } from '../../core/stats';
import { taskNet } from '../../core/tasks';
import { PRESET_NAMES, presetXml } from '../services/presets';
import { processOwner, type GenerationRecord, type HeldoutRecord, type Store } from '../store/store';
import type { Evaluator, EvaluatorFactory } from './evaluator';
import { EvaluatorPool, usefulWorkers } from './evaluator-pool';
import { heldoutDue, heldoutLifetimes, heldoutRecords } from './heldout';
import type { MergeReply, MergeTask } from './merge-worker';
import { startWorker } from '../worker-entry';

export interface TrainOptions {
  /** Worker threads (default: one per available core). */
  readonly workers?: number;
  /** The engine that evaluates (default: the worker-thread pool of this process). */
  readonly evaluator?: EvaluatorFactory;
  /** Called after each generation is committed, with its held-out tests (none for most generations). */
  readonly onGeneration?: (record: GenerationRecord, heldout: readonly HeldoutRecord[]) => void;
  /**
   * Checked between generations: a status ends the run there, after the generation in flight was committed.
   * Another process can do the same by setting the run's status to 'paused' or 'stopped' in the store.
   */
  readonly interrupt?: () => InterruptStatus | null;
  /**
   * Stops at once when it fires: the generation in flight (evaluation, held-out tests or a merge) is dropped
   * uncommitted and the run is left 'paused', so resuming redoes that generation exactly (a second Ctrl-C).
   */
  readonly abort?: AbortSignal;
}

/** Thrown inside `train` when its abort signal fires; never escapes it. */
class Abandoned extends Error {}

/** `work` raced against `signal`: rejects with Abandoned as soon as the signal fires. */
function unlessAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(new Abandoned());
  return new Promise<T>((ok, fail) => {
    const abandon = (): void => fail(new Abandoned());
    signal.addEventListener('abort', abandon, { once: true });
    work.then(ok, fail).finally(() => signal.removeEventListener('abort', abandon));
  });
}

/** How a run can be interrupted: 'paused' means it is meant to continue, 'stopped' that it was ended early. */
export type InterruptStatus = 'paused' | 'stopped';
export type TrainOutcome = 'finished' | InterruptStatus;

/** Noise tables are pure functions of (seed, size); runs in one process with the same pair share one. */
const noiseTables = new Map<string, NoiseTable>();
function noiseTable(seed: number, size: number): NoiseTable {
  const key = `${seed}:${size}`;
  let table = noiseTables.get(key);
  if (!table) {
    table = createNoiseTable(seed, size);
    noiseTables.set(key, table);
  }
  return table;
}

/** Validates a run config and records the run as queued; nothing is written if the config is invalid. */
export function createRun(store: Store, input: unknown): { id: number; config: RunConfig } {
  const config = runConfig(input);
  if (config.imported !== null) {
    throw new ConfigError([{ path: 'run.imported', message: 'is set only by importing a rules file (hebb rules import, or Import rules on the runs page)' }]);
  }
  for (const name of [...config.morphologies, ...config.heldout.morphologies]) store.morphology(name); // throws "no morphology named …"
  const row = store.createRun({ name: config.name, config, seed: config.seed });
  return { id: row.id, config };
}

/** The ES state at the start of generation 0: a pure function of the run's config, so it is never stored. */
export function initialState(config: RunConfig): EsState {
  const net = taskNet(config.env);
  const layout = genomeLayout(net, config.policy);
  const centre = initialCentre(net, layout, RandomStream.of(config.seed, Domain.initialCentre));
  const state = init({ ...config.es, seed: config.seed }, centre);
  // Evolve & Merge starts from one rule per synapse: the same centre, read as a table through the identity.
  return config.merge ? { ...state, assignment: identityAssignment(ruleGeometry(net, config.policy).synapses) } : state;
}

/** The ES state a run continues from: its latest checkpoint (the centre of the next generation), or generation 0's. */
function startingState(store: Store, runId: number, config: RunConfig): EsState {
  const saved = store.checkpoint(runId);
  if (!saved) return initialState(config);
  const state = decodeEsState(saved.state);
  if ((state.assignment !== undefined) !== (config.merge !== null)) {
    throw new Error(`checkpoint ${saved.generation} of run ${runId} ${state.assignment ? 'has a rule assignment, but the run does not merge rules' : 'has no rule assignment, but the run merges rules'} (corrupt row)`);
  }
  return state;
}

/**
 * Evolve & Merge: the centre of generation `next.generation` is the state `tell` made, its rules merged when the
 * schedule says so (k-means++ seeded by the run seed and that generation, so a resumed run merges identically).
 */
async function withMerge(config: RunConfig, next: EsState, signal?: AbortSignal): Promise<EsState> {
  // The centre after the last generation is the run's result: it is never merged without evolving on.
  if (!config.merge || next.generation >= config.generations) return next;
  const geometry = ruleGeometry(taskNet(config.env), config.policy);
  const rules = tableRules(geometry, next.theta.length);
  if (!mergeDue(config.merge, next.generation, rules)) return next;
  const task: MergeTask = { geometry, state: next, rules: mergedRuleCount(config.merge, rules), runSeed: config.seed };
  // In a thread of its own: K-means takes seconds, and this thread may be serving the GUI.
  return new Promise((ok, fail) => {
    const worker = startWorker(import.meta.url, 'merge-worker', { task });
    signal?.addEventListener('abort', () => void worker.terminate(), { once: true });
    let settled = false;
    const failed = (message: string): void => {
      if (!settled) fail(new Error(`merging the rules into ${task.rules} for generation ${next.generation} failed: ${message}`));
      settled = true;
    };
    worker.once('message', (m: MergeReply) => {
      if (m.kind === 'done') ok(m.state);
      else failed(m.message);
      settled = true;
    });
    worker.once('error', (e) => failed(e.message));
    worker.once('exit', (code) => failed(`the merge thread exited (code ${code})`));
  });
}

/** Built-in presets are in every store. */
export function ensurePresets(store: Store): void {
  store.ensureMorphologies(PRESET_NAMES.map((name) => ({ name, mjcf: presetXml(name) })));
}

/** A pause or stop requested through the store (by the GUI, or `hebb pause` from another process). */
function externalInterrupt(store: Store, runId: number): InterruptStatus | null {
  const { status } = store.getRun(runId);
  return status === 'paused' || status === 'stopped' ? status : null;
}

/**
 * Trains run `runId` from where it stands until its last generation, or until `shouldStop`. Returns the status
 * the run was left in.
 */
export async function train(store: Store, runId: number, options: TrainOptions = {}): Promise<TrainOutcome> {
  const config = runConfig(store.getRun(runId).config);
  let state = startingState(store, runId, config);
  if (state.generation >= config.generations) {
    store.setRunStatus(runId, 'finished');
    return 'finished';
  }
  store.claimRun(runId, processOwner()); // before any worker starts: refused if another process trains this run
  const net = taskNet(config.env);
  const layout = genomeLayout(net, config.policy);
  const noise = noiseTable(state.config.noiseSeed, state.config.noiseTableSize);
  const theta = new SharedArrayBuffer(layout.size * 4);
  const engine = options.evaluator ?? ((init, workers) => new EvaluatorPool(init, workers));
  let pool: Evaluator | undefined;
  try {
    pool = engine(
      {
        env: config.env,
        runSeed: config.seed,
        policy: config.policy,
        net,
        morphologies: config.morphologies.map((name) => ({ name, mjcf: store.morphology(name).mjcf })),
        heldout: config.heldout.morphologies.map((name) => ({ name, mjcf: store.morphology(name).mjcf })),
        noise: noise.data.buffer as SharedArrayBuffer,
        theta,
        ...(config.merge ? { assignment: new SharedArrayBuffer(ruleGeometry(net, config.policy).synapses * 4) } : {}),
        l2Coefficient: state.config.l2Coefficient,
        physics: config.physics,
      },
      usefulWorkers(options.workers, state.config.popSize),
      { id: runId, config },
    );
    const live = pool;
    const step = <T>(work: Promise<T>): Promise<T> => unlessAborted(work, options.abort);
    await step(live.ready());
    while (state.generation < config.generations) {
      const interrupted = options.interrupt?.() ?? externalInterrupt(store, runId);
      if (interrupted) {
        store.setRunStatus(runId, interrupted);
        return interrupted;
      }
      const started = performance.now();
      await step(live.setCentre(state.generation, state.theta, state.assignment));
      const results = await step(live.evaluate(state.generation, state.sigma, ask(state)));
      const fitness = results.map((r) => r.fitness);
      // The engine still holds this generation's centre (setCentre above): that is the one tested.
      const tests = heldoutDue(config, state.generation) ? await step(live.test(state.generation, heldoutLifetimes(config))) : [];
      const heldout = tests.length > 0 ? heldoutRecords(config, state.generation, tests) : [];
      const next = await step(withMerge(config, tell(state, fitness, noise), options.abort));
      const record: GenerationRecord = {
        generation: state.generation,
        ...summarise(fitness),
        perMorphology: Object.fromEntries(
          config.morphologies.map((name, m) => [name, results.reduce((s, r) => s + r.perMorphology[m]!, 0) / results.length]),
        ),
        lr: state.lr,
        sigma: state.sigma,
        envSteps: results.reduce((s, r) => s + r.envSteps, 0),
        wallMs: performance.now() - started,
        blownUp: results.reduce((s, r) => s + r.blownUp, 0),
      };
      store.commitGeneration(runId, record, encodeEsState(next), heldout, config.checkpoints);
      await step(live.committed(state.generation));
      state = next;
      options.onGeneration?.(record, heldout);
    }
    store.setRunStatus(runId, 'finished');
    return 'finished';
  } catch (e) {
    if (e instanceof Abandoned) {
      store.setRunStatus(runId, 'paused');
      return 'paused';
    }
    store.setRunStatus(runId, 'failed', e instanceof Error ? e.message : String(e));
    throw e;
  } finally {
    await pool?.close();
  }
}
