/**
 * The new-run form, derived from the run config schema (src/core/config.ts) through its JSON Schema: every
 * field's kind, bounds, default and description come from the schema, so a new option appears in the dialog by
 * being added there. Validation is the schema's own (`runConfig`), mapped to field paths.
 */
import { z } from 'zod';
import { ApiError } from '../../../common/api';
import { ConfigError, peopleErrors, runConfig, runConfigFields } from '../../../core/config';

export interface JsonSchema {
  type?: string;
  const?: unknown;
  enum?: unknown[];
  default?: unknown;
  description?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  items?: JsonSchema;
}

export const RUN_SCHEMA = z.toJSONSchema(runConfigFields, { io: 'input', unrepresentable: 'any' }) as JsonSchema;

/**
 * Fields of one task only, by path: hidden, and left out of the config, when a run is of the other task
 * (docs/METHOD.md#the-cars-task): a racing run has no bodies and no quadruped physics version, and tests its
 * centre on unseen tracks instead of held-out bodies.
 */
const TASK_FIELDS: Readonly<Record<'quadruped' | 'racing', readonly string[]>> = {
  quadruped: ['morphologies', 'heldout.morphologies', 'physics'],
  racing: ['heldout.tracks'],
};

/** The field paths a run of task `env` (the draft's `env`) does not have. */
export function notApplying(env: unknown): readonly string[] {
  return env === 'racing' ? TASK_FIELDS.quadruped : TASK_FIELDS.racing;
}

/** Whether top-level field `key` applies to a run of task `env`. */
export function appliesTo(env: unknown, key: string): boolean {
  return !notApplying(env).includes(key);
}

/** The draft as the config it stands for: without the fields its task does not have (top-level or one level in). */
export function forEnv(draft: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...draft };
  for (const path of notApplying(draft['env'])) {
    const [top, sub] = path.split('.') as [string, string | undefined];
    if (sub === undefined) delete out[top];
    else if (typeof out[top] === 'object' && out[top] !== null) out[top] = Object.fromEntries(Object.entries(out[top] as Record<string, unknown>).filter(([k]) => k !== sub));
  }
  return out;
}

/**
 * Evolve & Merge (run config `merge`: a settings object, or null for none) is not a generated field — a nullable
 * object has no one widget — but a switch with its fields beside it, for Hebbian runs only (NewRunDialog).
 */
export const MERGE_SCHEMA: JsonSchema = RUN_SCHEMA.properties?.['merge']?.anyOf?.find((s) => s.type === 'object') ?? {};
/** Neither is `imported`: set only by importing rules, never in the dialog. */
export const GENERATED_FIELDS = (key: string): boolean => key !== 'merge' && key !== 'imported';

/** The settings a run gets when merging is switched on in the form: the schema's defaults, merging every 20 generations. */
export function mergeDraft(): Record<string, unknown> {
  const out: Record<string, unknown> = { every: 20 };
  for (const [key, s] of Object.entries(MERGE_SCHEMA.properties ?? {})) if (s.default !== undefined) out[key] = s.default;
  return out;
}

/** ES options shown up front; the rest sit under "Advanced". */
export const PRIMARY_ES_FIELDS = ['popSize', 'sigma', 'lr', 'optimizer'];

/**
 * Fields a run does not use, so the form does not offer them: a run's seed keys its ES noise offsets (the
 * coordinator passes it to the ES), so `es.seed` would be a second seed field that changes nothing.
 */
export const HIDDEN_FIELDS: readonly string[] = ['es.seed'];

/** The defaults of every field, as a fresh editable object (`name` empty: the user must give one). */
export function defaultDraft(): Record<string, unknown> {
  const out: Record<string, unknown> = { name: '' };
  for (const [key, s] of Object.entries(RUN_SCHEMA.properties ?? {})) {
    if (s.default !== undefined) out[key] = structuredClone(s.default);
  }
  return out;
}

/** The branches of a discriminated union, by their `kind`. */
export function branches(s: JsonSchema): { kind: string; schema: JsonSchema }[] {
  return (s.oneOf ?? []).map((b) => ({ kind: String(b.properties?.['kind']?.const), schema: b }));
}

/** A branch's defaults (what the object becomes when the user picks that kind). */
export function branchDefaults(b: JsonSchema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, s] of Object.entries(b.properties ?? {})) out[key] = s.const ?? structuredClone(s.default);
  return out;
}

/** What `schema` (an API request's field, say) says of `value`, in words for people; undefined when accepted. */
export function fieldError(schema: z.ZodType, value: unknown): string | undefined {
  const result = schema.safeParse(value, { error: peopleErrors });
  return result.success ? undefined : result.error.issues[0]?.message;
}

/** Validates a draft; returns messages by field path (`es.popSize`), empty when valid. */
export function validate(draft: unknown): Record<string, string> {
  try {
    runConfig(draft);
    return {};
  } catch (e) {
    if (!(e instanceof ConfigError)) return { '': (e as Error).message };
    return issuesByField(e.issues);
  }
}

/** A failed request's messages by field (the API's issues), or its one message under '' when it names none. */
export function errorsOf(e: unknown): Record<string, string> {
  return e instanceof ApiError && e.issues.length > 0 ? issuesByField(e.issues) : { '': (e as Error).message };
}

/** `run.es.popSize` → `es.popSize`, `request.seed` → `seed`; the first message per field wins. */
export function issuesByField(issues: readonly { path: string; message: string }[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of issues) {
    const key = i.path.replace(/^(run|request)\.?/, '');
    out[key] ??= i.message;
  }
  return out;
}

/** Labels that read better than their keys. */
const LABELS: Record<string, string> = {
  es: 'evolution strategy', every: 'every (generations)', floor: 'floor (rules)', popSize: 'population', init: 'initial weights', lr: 'learning rate', l2Coefficient: 'L2 penalty', heldout: 'held-out testing',
};

/** A readable label from a field key: `sigmaDecay` → "sigma decay". */
export function label(key: string): string {
  return LABELS[key] ?? key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
}
