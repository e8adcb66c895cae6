/** `hebb train` and `hebb resume`: run the ES loop in this process, one JSON line or progress line per generation. */
import { generationText } from '../../common/generations';
import { ConfigError, ENV_NAMES, mergeSchema, NORMALISE_MODES, OPTIMIZER_NAMES, runConfig, type RunConfigInput } from '../../core/config';
import { rulesAt, runRuleStages, type RuleStages } from '../../core/merge/merge';
import { INDEXINGS, RULE_NAMES } from '../../core/plasticity/rules';
import { INIT_MODES } from '../../core/policy/genome';
import { StoreError, type GenerationRecord, type HeldoutRecord, type Store } from '../../main/store/store';
import { createRun, train } from '../../main/training/coordinator';
import { usefulWorkers } from '../../main/training/evaluator-pool';
import { PHYSICS_VERSION_NUMBERS } from '../../core/envs/quadruped/physics';
import { flag, parseArgs, requireMorphologies, runIdArg, STORE_FLAGS, UsageError, WORKERS_FLAG, type FlagTable, type ParsedArgs } from '../args';
import { checkRedis, REDIS_FLAG, redisEngine } from './worker';

/** What a run gets for every option left out: the config schema's defaults (core/config). */
const RUN_DEFAULTS = runConfig({ name: 'defaults' });
const HEBBIAN_DEFAULTS = RUN_DEFAULTS.policy.kind === 'hebbian' ? RUN_DEFAULTS.policy : undefined;
const MERGE_DEFAULTS = mergeSchema.parse({ every: 1 });

export const TRAIN_FLAGS = {
  ...STORE_FLAGS,
  name: { kind: 'string', help: "the run's name", absent: '"run YYYY-MM-DD HH:MM:SS", the time it is created' },
  env: { kind: 'string', value: ENV_NAMES.join('|'), help: 'the task: the quadruped walking, or the car racing from pixels (no --morphologies, --heldout; --heldout-tracks instead)', default: RUN_DEFAULTS.env },
  policy: { kind: 'string', value: 'hebbian|static', help: 'Hebbian network (evolved plasticity rule) or static network (evolved weights)', default: RUN_DEFAULTS.policy.kind },
  rule: { kind: 'string', value: RULE_NAMES.join('|'), help: 'the plasticity rule, Hebbian only', default: HEBBIAN_DEFAULTS?.rule ?? '' },
  indexing: {
    kind: 'string', value: INDEXINGS.join('|'),
    help: 'synapse → coefficient row, Hebbian only: one rule per synapse, or the first release\'s i + j sharing (docs/METHOD.md#coefficient-indexing)',
    default: HEBBIAN_DEFAULTS?.indexing ?? '',
  },
  init: { kind: 'string', value: INIT_MODES.join('|'), help: 'initial weights of each lifetime, Hebbian only', default: HEBBIAN_DEFAULTS?.init ?? '' },
  normalise: {
    kind: 'string', value: NORMALISE_MODES.join('|'),
    help: 'each layer after every update, Hebbian only: as is, ÷ max |w|, (w − mean)/√(var + 1e-5), or clipped to [−1, 1] (docs/METHOD.md)',
    absent: 'none for the quadruped, maxabs for the car (the paper\'s settings)',
  },
  morphologies: { kind: 'list', value: 'A,B', help: 'bodies to train on (names of stored morphologies; the quadruped only)', default: RUN_DEFAULTS.morphologies },
  pop: { kind: 'int', help: 'population size (even: candidates come in mirrored pairs)', default: RUN_DEFAULTS.es.popSize },
  generations: { kind: 'int', help: 'generations to train', default: RUN_DEFAULTS.generations },
  sigma: { kind: 'number', help: 'initial noise standard deviation σ', default: RUN_DEFAULTS.es.sigma },
  lr: { kind: 'number', help: 'initial ES learning rate α', default: RUN_DEFAULTS.es.lr },
  optimizer: { kind: 'string', value: OPTIMIZER_NAMES.join('|'), help: 'update rule for the ES gradient', default: RUN_DEFAULTS.es.optimizer },
  workers: WORKERS_FLAG,
  seed: { kind: 'int', help: 'keys the initial centre, the noise and every lifetime: same seed, same run', default: RUN_DEFAULTS.seed },
  queue: { kind: 'boolean', help: 'queue the run for `hebb work` instead of training it now' },
  heldout: { kind: 'list', value: 'A,B', help: 'bodies, never trained on, to test the centre on while it trains (the quadruped)', absent: 'no held-out tests' },
  'heldout-tracks': { kind: 'boolean', help: 'the car (--env racing): test the centre on unseen tracks while it trains (the tracks hebb eval drives)' },
  'heldout-every': { kind: 'int', help: 'with --heldout or --heldout-tracks: test generation 0, every N-th after it and the last', default: RUN_DEFAULTS.heldout.every },
  'heldout-episodes': { kind: 'int', help: 'with --heldout or --heldout-tracks: test lifetimes per held-out body (or on unseen tracks) each time', default: RUN_DEFAULTS.heldout.episodes },
  'merge-every': { kind: 'int', value: 'K', help: 'Evolve & Merge (Hebbian): cluster the rules into fewer at generations K, 2K, … (docs/METHOD.md)', absent: 'no merging: one rule per synapse' },
  'merge-factor': { kind: 'number', help: 'with --merge-every: each merge divides the number of rules by this (rounded up)', default: MERGE_DEFAULTS.factor },
  'merge-floor': { kind: 'int', value: 'N', help: 'with --merge-every: merging stops at N rules', default: MERGE_DEFAULTS.floor },
  physics: { kind: 'int', value: PHYSICS_VERSION_NUMBERS.join('|'), help: "the quadruped's physics: 3 is pybullet 2.6.6's own engine, the paper's world; 1 and 2 the earlier ammo.js worlds (docs/PHYSICS.md)", default: RUN_DEFAULTS.physics },
  ...REDIS_FLAG,
} as const satisfies FlagTable;
export const RESUME_FLAGS = { ...STORE_FLAGS, workers: WORKERS_FLAG, ...REDIS_FLAG } as const satisfies FlagTable;

/** Config field → the flag that sets it, so validation errors name what the user typed. */
const FLAG_OF: Record<string, string> = {
  'run.name': '--name', 'run.env': '--env', 'run.policy.kind': '--policy', 'run.policy.rule': '--rule', 'run.policy.indexing': '--indexing', 'run.policy.init': '--init', 'run.policy.normalise': '--normalise',
  'run.morphologies': '--morphologies', 'run.es.popSize': '--pop', 'run.generations': '--generations',
  'run.es.sigma': '--sigma', 'run.es.lr': '--lr', 'run.es.optimizer': '--optimizer', 'run.seed': '--seed',
  'run.heldout.morphologies': '--heldout', 'run.heldout.tracks': '--heldout-tracks', 'run.heldout.every': '--heldout-every', 'run.heldout.episodes': '--heldout-episodes',
  'run.physics': '--physics', 'run.merge': '--merge-every', 'run.merge.every': '--merge-every', 'run.merge.factor': '--merge-factor', 'run.merge.floor': '--merge-floor',
};

export function configFromFlags(args: ParsedArgs): RunConfigInput {
  const policyKind = flag(args, 'policy', 'string') ?? TRAIN_FLAGS.policy.default;
  const es: Record<string, unknown> = {};
  const put = (key: string, v: unknown): void => {
    if (v !== undefined) es[key] = v;
  };
  put('popSize', flag(args, 'pop', 'int'));
  put('sigma', flag(args, 'sigma', 'number'));
  put('lr', flag(args, 'lr', 'number'));
  put('optimizer', flag(args, 'optimizer', 'string'));
  if (policyKind === 'static' && ['rule', 'indexing', 'init', 'normalise'].some((f) => args.flags.has(f))) {
    throw new UsageError('--rule, --indexing, --init and --normalise apply to --policy hebbian only');
  }
  const heldout = flag(args, 'heldout', 'list');
  const tracks = flag(args, 'heldout-tracks', 'boolean');
  for (const name of ['heldout-every', 'heldout-episodes']) {
    if (args.flags.has(name) && heldout === undefined && !tracks) throw new UsageError(`--${name} needs --heldout (the bodies to test on) or, for the car, --heldout-tracks`);
  }
  const mergeEvery = flag(args, 'merge-every', 'int');
  for (const name of ['merge-factor', 'merge-floor']) {
    if (args.flags.has(name) && mergeEvery === undefined) throw new UsageError(`--${name} needs --merge-every (how often to merge)`);
  }
  const policy = policyKind === 'hebbian'
    ? { kind: 'hebbian', rule: flag(args, 'rule', 'string'), indexing: flag(args, 'indexing', 'string'), init: flag(args, 'init', 'string'), normalise: flag(args, 'normalise', 'string') }
    : { kind: policyKind };
  return {
    name: flag(args, 'name', 'string') ?? `run ${new Date().toISOString().slice(0, 19).replace('T', ' ')}`,
    env: flag(args, 'env', 'string') as RunConfigInput['env'],
    policy: policy as RunConfigInput['policy'],
    morphologies: flag(args, 'morphologies', 'list'),
    es,
    generations: flag(args, 'generations', 'int'),
    seed: flag(args, 'seed', 'int'),
    physics: flag(args, 'physics', 'int'),
    ...(heldout || tracks
      ? { heldout: { ...(heldout ? { morphologies: heldout } : {}), ...(tracks ? { tracks } : {}), every: flag(args, 'heldout-every', 'int'), episodes: flag(args, 'heldout-episodes', 'int') } }
      : {}),
    ...(mergeEvery !== undefined ? { merge: { every: mergeEvery, factor: flag(args, 'merge-factor', 'number'), floor: flag(args, 'merge-floor', 'int') } } : {}),
  };
}

/** "damaged-left 12.3 ± 4.5": a generation's held-out tests, for the progress line. */
const heldoutText = (heldout: readonly HeldoutRecord[]): string => heldout.map((h) => `${h.morphology} ${h.mean.toFixed(1)} ± ${h.std.toFixed(1)}`).join(', ');

/** Rewrites a ConfigError's field paths as flags. */
export function asUsage(e: ConfigError): UsageError {
  return new UsageError(e.issues.map((i) => `${FLAG_OF[i.path] ?? i.path}: ${i.message}`).join('; '));
}

/**
 * "[#####·····]  generation 11 of 150  mean 48.2  max 233.1  ETA 41m07s": the TTY status line of a run after `done`
 * generations (numbered from 0, as everywhere); "blown up N" before the ETA when N of the generation's lifetimes
 * ended on a non-finite state.
 */
export function progressLine(done: number, total: number, mean: number, max: number, etaSeconds: number, barWidth = 24, blownUp = 0): string {
  const filled = Math.round((barWidth * Math.min(done, total)) / Math.max(1, total));
  const eta = Math.max(0, Math.round(etaSeconds));
  const clock = eta >= 3600
    ? `${Math.floor(eta / 3600)}h${String(Math.floor((eta % 3600) / 60)).padStart(2, '0')}m`
    : `${Math.floor(eta / 60)}m${String(eta % 60).padStart(2, '0')}s`;
  const blown = blownUp > 0 ? `  blown up ${blownUp}` : '';
  return `[${'#'.repeat(filled)}${'·'.repeat(barWidth - filled)}]  ${generationText(done, total)}  mean ${mean.toFixed(1)}  max ${max.toFixed(1)}${blown}  ETA ${clock}`;
}

/**
 * Prints each generation's record; `rules` (a merging run: its table sizes and coefficients per rule) adds the
 * generation's rules and coefficients (`rules`, `coefficients` in JSON).
 */
export function reporter(runId: number, json: boolean, total: number, rules: RuleStages | null = null): (r: GenerationRecord, heldout?: readonly HeldoutRecord[]) => void {
  const started = Date.now();
  const table = (g: number): { rules: number; coefficients: number } | null => {
    if (!rules) return null;
    const n = rulesAt(rules.stages, g);
    return { rules: n, coefficients: n * rules.perRule };
  };
  let first: number | undefined;
  let lastHeldout = '';
  return (r, heldout = []) => {
    if (json) {
      const line = { run: runId, generation: r.generation, mean: r.mean, max: r.max, min: r.min, std: r.std, lr: r.lr, sigma: r.sigma, env_steps: r.envSteps, wall_ms: r.wallMs, blown_up: r.blownUp, ...table(r.generation) };
      const tests = heldout.map((h) => ({ morphology: h.morphology, mean: h.mean, std: h.std, distance: h.distance.reduce((s, d) => s + d, 0) / h.episodes }));
      process.stdout.write(`${JSON.stringify(tests.length > 0 ? { ...line, heldout: tests } : line)}\n`);
      return;
    }
    if (heldout.length > 0) lastHeldout = `  held-out (gen ${r.generation}) ${heldoutText(heldout)}`;
    // ETA from this session's pace (a resumed run starts mid-way).
    first ??= r.generation;
    const done = r.generation + 1;
    const perGen = (Date.now() - started) / (done - first);
    const t = table(r.generation);
    const merged = t ? `  rules ${t.rules} (${t.coefficients} coefficients)` : '';
    const text = `run ${runId}  ${progressLine(done, total, r.mean, r.max, ((total - done) * perGen) / 1000, undefined, r.blownUp)}${merged}${lastHeldout}`;
    process.stdout.write(process.stdout.isTTY ? `\r${text}\u001b[K` : `${text}\n`);
  };
}

/** Signals that pause training: Ctrl-C, a polite kill, and the terminal going away (SIGHUP). */
const PAUSING_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * The first SIGINT / SIGTERM / SIGHUP pauses the run after the generation in flight; a second stops at once
 * (`abort`: the generation in flight is dropped, the run left paused at its last committed generation, so a resume
 * redoes it exactly). Should something still hold the process 15 s later, it exits anyway. Without `stopsAtOnce`
 * (`hebb work`, whose queue cannot drop a generation yet) a second signal only says it is still waiting.
 */
export function stopSignal(options: { readonly stopsAtOnce: boolean } = { stopsAtOnce: true }): { stop: () => boolean; abort: AbortSignal; dispose: () => void } {
  let requested = false;
  const controller = new AbortController();
  const on = (signal: NodeJS.Signals): void => {
    if (!requested) {
      requested = true;
      process.stderr.write(`\n${signal}: pausing after the generation in flight… (again to stop now; the generation in flight is then redone on resume)\n`);
    } else if (!options.stopsAtOnce) {
      process.stderr.write(`${signal} again: still finishing the generation in flight\n`);
    } else if (!controller.signal.aborted) {
      process.stderr.write(`${signal} again: stopping now; the run is left paused at its last committed generation\n`);
      controller.abort();
      setTimeout(() => process.exit(130), 15_000).unref();
    }
  };
  for (const s of PAUSING_SIGNALS) process.on(s, on);
  return { stop: () => requested, abort: controller.signal, dispose: () => PAUSING_SIGNALS.forEach((s) => process.off(s, on)) };
}

async function runLoop(store: Store, runId: number, total: number, args: ParsedArgs): Promise<void> {
  const json = flag(args, 'json', 'boolean');
  const evaluator = redisEngine(args);
  const workers = flag(args, 'workers', 'int');
  const config = runConfig(store.getRun(runId).config);
  const popSize = config.es.popSize;
  if (workers !== undefined && usefulWorkers(workers, popSize) < workers) {
    process.stderr.write(`--workers ${workers}: population ${popSize} is ${popSize / 2} mirrored pairs, so ${usefulWorkers(workers, popSize)} workers are started\n`);
  }
  const signal = stopSignal();
  try {
    const status = await train(store, runId, { workers: flag(args, 'workers', 'int'), evaluator, onGeneration: reporter(runId, json, total, runRuleStages(config)), interrupt: () => (signal.stop() ? 'paused' : null), abort: signal.abort });
    if (!json && process.stdout.isTTY) process.stdout.write('\n');
    const done = store.generations(runId).length;
    const where = done === 0 ? `before its first generation (of ${total})` : `at ${generationText(done, total)}`;
    if (!json) process.stdout.write(`run ${runId} ${status}${status === 'finished' ? '' : ` ${where}; continue with: hebb resume ${runId}`}\n`);
  } finally {
    signal.dispose();
  }
}

function checkWorkers(args: ParsedArgs): void {
  const w = flag(args, 'workers', 'int');
  if (w !== undefined && (w < 1 || w > 256)) throw new UsageError(`--workers must be in [1, 256], got ${w}`);
}

export async function trainCommand(argv: readonly string[], open: (args: ParsedArgs) => Store): Promise<void> {
  const args = parseArgs(argv, TRAIN_FLAGS, 'hebb train');
  if (args.positional.length > 0) throw new UsageError(`hebb train takes no arguments, got "${args.positional[0]}"`);
  checkWorkers(args);
  redisEngine(args); // a bad --redis is refused before the run is created
  const input = configFromFlags(args);
  // Validate before touching the database, so bad input leaves it exactly as it was.
  try {
    runConfig(input);
  } catch (e) {
    throw e instanceof ConfigError ? asUsage(e) : e;
  }
  if (flag(args, 'queue', 'boolean') && args.flags.has('redis')) throw new UsageError('--redis applies to training now; a queued run is trained by hebb work, so give --redis to hebb work');
  await checkRedis(args);
  const store = open(args);
  try {
    requireMorphologies(store, input.heldout?.morphologies ?? [], 'heldout');
    let run: ReturnType<typeof createRun>;
    try {
      run = createRun(store, input);
    } catch (e) {
      throw e instanceof StoreError ? new UsageError(`--morphologies: ${e.message}`) : e;
    }
    if (flag(args, 'queue', 'boolean')) {
      process.stdout.write(flag(args, 'json', 'boolean') ? `${JSON.stringify({ run: run.id, status: 'queued' })}\n` : `run ${run.id} queued; train the queue with: hebb work\n`);
      return;
    }
    await runLoop(store, run.id, run.config.generations, args);
  } finally {
    store.close();
  }
}

export async function resumeCommand(argv: readonly string[], open: (args: ParsedArgs) => Store): Promise<void> {
  const args = parseArgs(argv, RESUME_FLAGS, 'hebb resume');
  checkWorkers(args);
  redisEngine(args);
  if (args.positional.length !== 1) throw new UsageError('usage: hebb resume RUN (a run id)');
  const id = runIdArg(args.positional[0], 'hebb resume RUN');
  await checkRedis(args);
  const store = open(args);
  try {
    const run = store.getRun(id);
    const total = runConfig(run.config).generations;
    await runLoop(store, id, total, args);
  } finally {
    store.close();
  }
}
