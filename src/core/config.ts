/**
 * Experiment options: schemas, defaults and validation (zod). The single source of truth for every option the
 * CLI, the services and the UI accept. Errors name the offending field.
 */
import { z } from 'zod';
import { CURRENT_PHYSICS } from './envs/quadruped/physics';
import { INDEXINGS, RULE_NAMES } from './plasticity/rules';

const activation = z.enum(['tanh', 'linear']);

/**
 * What a Hebbian network does to each layer's weights after every update (policy `normalise`; docs/METHOD.md,
 * Weight normalisation): nothing (the paper's quadruped), divide by max |w| (the paper's car, EvoJAX), z-score
 * (w − mean)/√(var + 1e-5) or clip to [−1, 1] (Leung et al. 2025).
 */
export const NORMALISE_MODES = ['none', 'maxabs', 'zscore', 'clip'] as const;
export type NormaliseMode = (typeof NORMALISE_MODES)[number];

/** A Hebbian network's lifetime-initial weights (policy `init`). */
export const INIT_MODES = ['uni', 'normal', 'coevolve'] as const;
export type InitMode = (typeof INIT_MODES)[number];

/** A convolutional front end (core/nn/conv.ts ConvSpec: the car's pixels → features). */
const convSpecSchema = z.strictObject({
  channels: z.int().min(1).max(64),
  size: z.int().min(1).max(4096),
  layers: z.array(z.strictObject({ outChannels: z.int().min(1).max(4096), kernel: z.int().min(1).max(64), stride: z.int().min(1).max(64) })).min(1).max(16),
});

export const mlpSpecSchema = z.strictObject({
  sizes: z.array(z.int().min(1).max(100_000)).min(2),
  hidden: activation.default('tanh'),
  output: activation.default('tanh'),
  conv: convSpecSchema.optional(),
});

export const policySpecSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('hebbian'),
    rule: z.enum(RULE_NAMES).default('ABCD_lr').describe('Plasticity rule: which of A·pre·post, B·pre, C·post, D and η each synapse evolves'),
    /** Synapse → coefficient row: `corrected` (default) or the first release's `original` (docs/METHOD.md#coefficient-indexing). */
    indexing: z.enum(INDEXINGS).default('corrected').describe('Synapse → coefficient row mapping (corrected, or the first release)'),
    /** Lifetime-initial weights: U(−0.1, 0.1), N(0, 0.024²), or evolved with the rule (docs/METHOD.md#initial-weights). */
    init: z.enum(INIT_MODES).default('uni').describe('Lifetime-initial weights: uniform U(±0.1), normal, or co-evolved'),
    /**
     * Per-layer weight normalisation after each update (docs/METHOD.md#weight-normalisation). Configs stored before the modes existed say
     * `true` / `false`: runConfigSchema reads them as `maxabs` / `none` (withEnvDefaults).
     */
    normalise: z.enum(NORMALISE_MODES).default('none').describe('After every update, per layer: none, w / max |w|, (w − mean)/√(var + 1e-5), or clip to [−1, 1]'),
  }),
  z.strictObject({ kind: z.literal('static') }),
]);

export const OPTIMIZER_NAMES = ['sgd', 'adam'] as const;
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

const decay = z.number().gt(0).max(1);
/**
 * ES step sizes are bounded so their values stay finite in float32 (max 3.4e38): σ and α multiply unit-Gaussian
 * noise into the genome (the reference uses σ 0.1, α 0.2; 1e308 is infinite in float32). A lifetime whose
 * arithmetic still overflows ends with the floor fitness (core/rollout/lifetime).
 */
const stepSize = (what: string) => z.number({ error: 'enter a number' }).positive('must be greater than 0').max(1e37, `must be at most 1e37 (a larger ${what} overflows float32 arithmetic)`);
const floor = z.number({ error: 'enter a number' }).min(0, 'must be 0 or more').max(10, 'must be at most 10');
const seed = z.int().min(0).max(Number.MAX_SAFE_INTEGER);

/** OpenAI-ES settings; defaults are the reference code's (docs/METHOD.md#es-hyper-parameters). */
export const esConfigSchema = z
  .strictObject({
    popSize: z.int().min(2).max(100_000).default(200).describe('Population size P (even: candidates come in mirrored pairs)'),
    sigma: stepSize('a noise scale').default(0.1).describe('Initial noise standard deviation σ'),
    sigmaDecay: decay.default(0.999).describe('σ ← σ · decay each generation while σ > floor'),
    sigmaFloor: floor.default(0.01).describe('σ stops decaying at this value'),
    lr: stepSize('a learning rate').default(0.2).describe('Initial ES learning rate α'),
    lrDecay: decay.default(0.995).describe('α ← α · decay each generation while α > floor'),
    lrFloor: floor.default(0.001).describe('α stops decaying at this value'),
    optimizer: z.enum(OPTIMIZER_NAMES).default('sgd').describe('Update rule for the ES gradient (the reference uses plain SGD)'),
    adamBeta1: z.number().min(0).lt(1).default(0.9),
    adamBeta2: z.number().min(0).lt(1).default(0.999),
    adamEpsilon: z.number().min(1e-12, 'must be at least 1e-12').max(1, 'must be at most 1').default(1e-8),
    /** Fitness −= l2Coefficient · mean(θ²) over the penalised genome entries. */
    l2Coefficient: z.number().min(0, 'must be 0 or more').max(100, 'must be at most 100').default(0.01).describe('Fitness penalty: coefficient · mean(θ²)'),
    /** Seeds the candidates' noise offsets (with the generation). */
    seed: seed.default(0),
    /** Seeds the shared noise table; runs with the same table seed and size share one table. */
    noiseSeed: seed.default(0).describe('Seeds the shared noise table the candidates are read from (not the run: its seed picks the offsets)'),
    /** Noise table length in floats (2^25 = 128 MiB shared by all workers). */
    noiseTableSize: z.int().min(2).max(2 ** 28).default(2 ** 25),
  })
  .refine((c) => c.popSize % 2 === 0, { message: 'must be even (mirrored sampling)', path: ['popSize'] });

export type EsConfig = z.output<typeof esConfigSchema>;
export type EsConfigInput = z.input<typeof esConfigSchema>;
export type MlpSpecInput = z.input<typeof mlpSpecSchema>;
export type PolicySpecInput = z.input<typeof policySpecSchema>;
export type PolicySpec = z.output<typeof policySpecSchema>;

/** A validation failure whose message names each offending field, e.g. `es.popSize: must be even`. */
export class ConfigError extends Error {
  constructor(readonly issues: readonly { path: string; message: string }[]) {
    super(issues.map((i) => `${i.path}: ${i.message}`).join('; '));
    this.name = 'ConfigError';
  }
}

const WHAT: Readonly<Record<string, string>> = { number: 'a number', int: 'a whole number', string: 'text', boolean: 'yes or no', array: 'a list', object: 'a group of fields' };
const ITEMS: Readonly<Record<string, [string, string]>> = { array: ['choose at least', 'choose at most'], string: ['give at least', 'give at most'], set: ['choose at least', 'choose at most'] };
const counted = (n: number | bigint, origin: string): string => `${n} ${origin === 'string' ? 'character' : 'item'}${Number(n) === 1 ? '' : 's'}`;

/** The key of `known` nearest to `key` by edit distance, if it is near enough to be a typo of it. */
export function closest(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(key.length / 3)) + 1;
  for (const k of known) {
    const d = editDistance(key.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best;
}

/** Levenshtein distance with adjacent transpositions counted as one edit. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * Zod's own messages ("Invalid input: expected number, received string", "Too small: expected number to be >=2")
 * in words for people ("enter a number", "must be at least 2"). A schema's own message always wins over these.
 */
export const peopleErrors: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.input === undefined) return 'required';
      if (issue.expected === 'int' && typeof issue.input === 'number' && Number.isFinite(issue.input)) return 'must be a whole number';
      const wanted = WHAT[issue.expected] ?? issue.expected;
      return issue.expected === 'number' || issue.expected === 'int' ? `enter ${wanted}` : `must be ${wanted}, not ${issue.input === null ? 'null' : typeof issue.input}`;
    }
    case 'too_small': {
      const min = issue.minimum as number;
      if (issue.origin === 'number' || issue.origin === 'int') return issue.inclusive ? `must be at least ${min}` : `must be more than ${min}`;
      if (Number(min) === 1 && issue.origin === 'string') return 'must not be empty';
      const [few] = ITEMS[issue.origin] ?? ['give at least'];
      return `${few} ${counted(issue.minimum, issue.origin)}`;
    }
    case 'too_big': {
      const max = issue.maximum as number;
      if (issue.origin === 'number' || issue.origin === 'int') return issue.inclusive ? `must be at most ${max}` : `must be less than ${max}`;
      const [, many] = ITEMS[issue.origin] ?? ['', 'give at most'];
      return `${many} ${counted(issue.maximum, issue.origin)}`;
    }
    case 'invalid_value':
      return `must be one of ${issue.values.map(String).join(', ')}`;
    case 'invalid_union': // a discriminated union's kind that none of its branches has
      return Array.isArray(issue['options']) && issue['options'].length > 0 ? `must be one of ${issue['options'].map(String).join(', ')}` : undefined;
    case 'unrecognized_keys': {
      // Name the field each unknown key was probably meant to be: a typo must not silently become a default.
      const known = Object.keys((issue.inst as { _zod?: { def?: { shape?: object } } } | undefined)?._zod?.def?.shape ?? {});
      const named = issue.keys.map((k) => {
        const near = closest(k, known);
        return near === undefined ? k : `${k} (did you mean ${near}?)`;
      });
      return `unknown field${issue.keys.length === 1 ? '' : 's'} ${named.join(', ')}`;
    }
    default:
      return undefined;
  }
};

/** Validates `input` against `schema`, filling defaults; `root` prefixes the field paths in errors. */
export function parseConfig<T extends z.ZodType>(schema: T, input: unknown, root: string): z.output<T> {
  const result = schema.safeParse(input, { error: peopleErrors });
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => ({
      path: [root, ...issue.path.map(String)].join('.'),
      message: issue.message,
    })),
  );
}

export function esConfig(input: EsConfigInput = {}): EsConfig {
  return parseConfig(esConfigSchema, input, 'es');
}

/**
 * The tasks a run can train on: the quadruped (bodies chosen by `morphologies`, docs/PHYSICS.md) or the car of
 * CarRacing-v0 driving from pixels (one fixed car on a new random track every lifetime).
 */
export const ENV_NAMES = ['quadruped', 'racing'] as const;
export type EnvName = (typeof ENV_NAMES)[number];

/** Preset morphologies the quadruped runs on unless a run names saved ones. */
export const DEFAULT_TRAINING_MORPHOLOGIES = ['standard', 'damaged-right'];

const morphologyList = z
  .array(z.string().min(1).max(200))
  .max(16)
  .refine((m) => new Set(m).size === m.length, { message: 'must not repeat a morphology' });

/**
 * Held-out testing during training: after generation g (every `every`-th, and the last), the centre of generation g
 * lives `episodes` test lifetimes on each held-out body — or, for the car, on unseen tracks (`tracks`) — the same
 * lifetimes `hebb eval --generation g` runs, on random streams disjoint from training's, so training is the same
 * with or without it. `tracks` is optional (absent: off) so quadruped configs, stored or new, keep their shape.
 */
export const heldoutSchema = z.strictObject({
  morphologies: morphologyList.default([]).describe('Bodies the ES centre is tested on while it trains, never trained on (none: off)'),
  tracks: z.boolean().optional().describe('Racing: test the ES centre on unseen tracks (the test streams hebb eval drives) while it trains'),
  every: z.int().min(1).max(1_000_000).default(10).describe('Test the centre of generation 0, every N-th generation after it, and the last'),
  episodes: z.int().min(1).max(1000).default(5).describe('Test lifetimes per held-out body each time'),
});

/**
 * Which ES centres a run keeps for replay and evaluation. Whatever the choice, the latest (a run resumes from it)
 * and the centre of the best generation are kept, and generation 0's is always available (it is recomputed from
 * the seed). Changing it does not change training.
 */
export const checkpointsSchema = z.strictObject({
  keep: z.enum(['latest', 'every', 'all']).default('latest').describe('Centres kept besides the latest and the best: the newest few, every N-th generation\'s, or all'),
  count: z.int().min(1).max(1_000_000).default(3).describe('latest: how many of the newest centres; every: keep each N-th generation\'s centre'),
});
export type CheckpointPolicy = z.output<typeof checkpointsSchema>;

/**
 * Evolve & Merge (Pedersen & Risi, GECCO 2021; docs/METHOD.md): a Hebbian run evolves a table of rules and a
 * synapse → rule assignment; after generation g − 1 for every g = every, 2·every, … the rules are clustered by
 * K-means into max(floor, ⌈rules / factor⌉) and evolution continues on the merged table, until `floor` is reached.
 */
export const mergeSchema = z.strictObject({
  every: z.int().min(1).max(1_000_000).describe('Merge the rules at generations every, 2·every, …'),
  factor: z.number({ error: 'enter a number' }).gt(1, 'must be more than 1 (each merge divides the rules by it)').max(1_000_000).default(2).describe('Each merge divides the number of rules by this (rounded up)'),
  floor: z.int().min(1).max(10_000_000).default(384).describe('Merging stops at this many rules (384 × 5 = the paper\'s 1 920 coefficients)'),
});
export type MergeSchedule = z.output<typeof mergeSchema>;
export type MergeScheduleInput = z.input<typeof mergeSchema>;

/** The files a run's rules can be imported from (core/rules-file): torch.save's zip, its legacy format, numpy's .npy. */
export const IMPORT_FORMATS = ['torch', 'torch-legacy', 'npy'] as const;

/**
 * Where an imported run's rules came from (`hebb rules import`, the runs page's *Import rules*): the file's name,
 * its SHA-256 and its format. Such a run trains no generation: its centre of generation 0 is the file's rules.
 */
export const importedSchema = z.object({
  file: z.string().min(1).max(255),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hexadecimal digits'),
  format: z.enum(IMPORT_FORMATS),
}).strict();
export type ImportedFrom = z.output<typeof importedSchema>;

/**
 * One training run: what is evolved (policy), on which bodies, with which ES settings, for how long. The run's
 * `seed` keys the initial centre, the candidates' noise offsets and every episode.
 */
export const runConfigFields = z.strictObject({
  name: z.string().trim().min(1).max(200).describe('A name to find the run by'),
  env: z.enum(ENV_NAMES).default('quadruped').describe('Task: the quadruped walking, or the car racing from pixels'),
  /**
   * The solver settings the run is trained and replayed with (envs/quadruped/physics.ts). New runs get the
   * current version; runs stored before versions existed were trained with version 1 and say so (migration 6).
   */
  physics: z.int().min(1).max(CURRENT_PHYSICS).default(CURRENT_PHYSICS).describe('Physics version the run is trained and replayed with'),
  policy: policySpecSchema.default({ kind: 'hebbian', rule: 'ABCD_lr', indexing: 'corrected', init: 'uni', normalise: 'none' }),
  morphologies: morphologyList
    .default(DEFAULT_TRAINING_MORPHOLOGIES)
    .describe('Bodies every candidate lives on once per generation (fitness is the mean)'),
  es: esConfigSchema.default(esConfigSchema.parse({})),
  // At least 1 for a run that trains (checked below); an imported run trains none.
  generations: z.int().min(0).max(1_000_000).default(300).describe('Generations to train'),
  seed: seed.default(0).describe('Keys the initial centre, the noise offsets and every episode: same seed, same run'),
  heldout: heldoutSchema.default(heldoutSchema.parse({})),
  checkpoints: checkpointsSchema.default(checkpointsSchema.parse({})),
  merge: mergeSchema.nullable().default(null).describe('Evolve & Merge: cluster the Hebbian rules into fewer every few generations (none: one rule per synapse throughout)'),
  imported: importedSchema.nullable().default(null).describe('The file an imported run\'s rules came from (set by importing rules; none for a trained run)'),
}).superRefine((c, ctx) => {
  if (c.imported === null && c.generations < 1) ctx.addIssue({ code: 'custom', message: 'must be at least 1', path: ['generations'] });
  if (c.imported !== null) {
    // The rules of an imported run are its centre of generation 0: there is nothing to train or merge.
    if (c.generations !== 0) ctx.addIssue({ code: 'custom', message: 'must be 0 for an imported run (it trains no generation)', path: ['generations'] });
    if (c.policy.kind !== 'hebbian') ctx.addIssue({ code: 'custom', message: 'must be hebbian for an imported run (a rules file holds Hebbian coefficients)', path: ['policy', 'kind'] });
    if (c.merge !== null) ctx.addIssue({ code: 'custom', message: 'does not apply to an imported run (it trains no generation)', path: ['merge'] });
  }
  if (c.merge !== null) {
    if (c.policy.kind !== 'hebbian') ctx.addIssue({ code: 'custom', message: 'applies to Hebbian runs only (a static network has no rules to merge)', path: ['merge'] });
    else if (c.policy.indexing !== 'corrected') {
      // The first release's i + j indexing already shares rows between synapses in a fixed pattern; merging clusters one rule per synapse.
      ctx.addIssue({ code: 'custom', message: 'needs policy.indexing "corrected" (one rule per synapse to start from)', path: ['merge'] });
    }
  }
  if (c.env === 'racing') {
    // The car is gym's one car and its tracks are drawn per lifetime: there are no bodies to choose or hold out.
    const noBodies = 'does not apply to a racing run (the car is fixed; every lifetime drives a new random track): leave it out';
    if (c.morphologies.length > 0) ctx.addIssue({ code: 'custom', message: noBodies, path: ['morphologies'] });
    if (c.heldout.morphologies.length > 0) ctx.addIssue({ code: 'custom', message: `${noBodies}; test on unseen tracks instead (heldout.tracks, hebb train --heldout-tracks)`, path: ['heldout', 'morphologies'] });
    return;
  }
  if (c.heldout.tracks) ctx.addIssue({ code: 'custom', message: 'applies to racing runs only (a quadruped run is tested on held-out bodies: heldout.morphologies)', path: ['heldout', 'tracks'] });
  if (c.morphologies.length === 0) ctx.addIssue({ code: 'custom', message: 'must name at least one morphology', path: ['morphologies'] });
  if (c.heldout.morphologies.some((m) => c.morphologies.includes(m))) {
    ctx.addIssue({ code: 'custom', message: 'must not include a training morphology (held-out bodies are never trained on)', path: ['heldout', 'morphologies'] });
  }
});

export type RunConfig = z.output<typeof runConfigFields>;
export type RunConfigInput = z.input<typeof runConfigFields>;

/**
 * The run config as every boundary parses it (the API, `runConfig`): a racing run's omitted fields take the car's
 * defaults, not the quadruped's — no morphologies, and a Hebbian policy max-abs normalises its weights after every
 * update (`normalise: 'maxabs'`, as the paper's car does); and a stored config's boolean `normalise` reads as the mode
 * it ran (true → maxabs, false → none). `runConfigFields` is the same without them, for forms generated from its
 * fields.
 */
export const runConfigSchema = z.preprocess(withEnvDefaults, runConfigFields);

/**
 * A stored policy's `normalise` as a mode: configs stored before the modes existed (runs, exports, Redis jobs of that
 * version) held a boolean, true for max-abs. Anything else is returned as it is, for the schema to judge.
 */
export function normaliseModeOf(value: unknown): unknown {
  return value === true ? 'maxabs' : value === false ? 'none' : value;
}

export function runConfig(input: unknown): RunConfig {
  return parseConfig(runConfigSchema, input, 'run');
}

function withEnvDefaults(input: unknown): unknown {
  if (typeof input !== 'object' || input === null) return input;
  const run = { ...(input as Record<string, unknown>) };
  let policy = run['policy'] as { kind?: unknown; normalise?: unknown } | null | undefined;
  if (typeof policy === 'object' && policy !== null && typeof policy.normalise === 'boolean') {
    policy = { ...policy, normalise: normaliseModeOf(policy.normalise) };
    run['policy'] = policy;
  }
  if (run['env'] !== 'racing') return run;
  run['morphologies'] ??= [];
  policy ??= { kind: 'hebbian' };
  if (typeof policy === 'object' && policy !== null && policy.kind === 'hebbian' && policy.normalise === undefined) {
    run['policy'] = { ...policy, normalise: 'maxabs' };
  }
  return run;
}
