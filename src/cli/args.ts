/**
 * Command-line flags: `--name value` or `--name=value`, booleans as bare `--json`. Every problem is a UsageError
 * naming the flag, which the CLI turns into exit code 2. Each command declares its flags in one table (FlagTable),
 * which both the parser and `hebb COMMAND --help` (help.ts) read.
 */
import { availableParallelism } from 'node:os';
import { readDecimal } from '../common/numbers';
import { runConfig } from '../core/config';
import { defaultDbPath } from '../main/store/store';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export type FlagKind = 'string' | 'int' | 'number' | 'list' | 'boolean';

/** One flag of a command: how it is read, and what `hebb COMMAND --help` says about it. */
export interface FlagSpec {
  readonly kind: FlagKind;
  /** What the flag does, for people (one line). */
  readonly help: string;
  /** The value used when the flag is absent (read by the command itself, so help shows what happens). */
  readonly default?: string | number | boolean | readonly (string | number)[];
  /** When there is no single default value: what happens when the flag is absent. */
  readonly absent?: string;
  /** The value's placeholder in help ("N", "PATH"); by kind when absent. */
  readonly value?: string;
}

export type FlagTable = Readonly<Record<string, FlagSpec>>;

/** `--db` and `--json`, which every command that opens the store takes. */
export const STORE_FLAGS = {
  db: { kind: 'string', value: 'PATH', help: 'the store (SQLite file) to use', absent: defaultDbPath() },
  json: { kind: 'boolean', help: 'print JSON instead of text' },
} as const satisfies FlagTable;

/** `--workers`: evaluator threads; every core when absent (evaluator-pool's usefulWorkers). */
export const WORKERS_FLAG = {
  kind: 'int', help: 'evaluator worker threads (1–256), at most one per mirrored pair of the population',
  absent: `one per core, ${availableParallelism()} here`,
} as const satisfies FlagSpec;

export interface ParsedArgs {
  readonly positional: string[];
  readonly flags: Map<string, string | boolean>;
}

export function parseArgs(argv: readonly string[], known: FlagTable, command: string): ParsedArgs {
  const positional: string[] = [];
  const flags = new Map<string, string | boolean>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    const kind = Object.hasOwn(known, name) ? known[name]!.kind : undefined;
    if (!kind) throw new UsageError(`unknown option --${name} for ${command} (known: ${Object.keys(known).map((k) => `--${k}`).join(' ')}; see ${command} --help)`);
    // A second value would silently win over the first: ask which one was meant.
    if (flags.has(name)) throw new UsageError(`--${name} is given more than once; give it once`);
    if (kind === 'boolean') {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      flags.set(name, true);
      continue;
    }
    const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || (eq < 0 && value.startsWith('--'))) throw new UsageError(`--${name} needs a value`);
    flags.set(name, value);
  }
  return { positional, flags };
}


/** Typed read of a flag; `undefined` when absent. */
export function flag(args: ParsedArgs, name: string, kind: 'int' | 'number'): number | undefined;
export function flag(args: ParsedArgs, name: string, kind: 'string'): string | undefined;
export function flag(args: ParsedArgs, name: string, kind: 'list'): string[] | undefined;
export function flag(args: ParsedArgs, name: string, kind: 'boolean'): boolean;
export function flag(args: ParsedArgs, name: string, kind: FlagKind): unknown {
  const v = args.flags.get(name);
  if (kind === 'boolean') return v === true;
  if (v === undefined) return undefined;
  const text = String(v);
  if (kind === 'int' || kind === 'number') {
    // Flags take plain decimal (exponents for non-integers), never hex, "1e1" for a whole number, or whitespace.
    const n = readDecimal(text, kind === 'int');
    if (n === undefined) {
      throw new UsageError(`--${name} must be ${kind === 'int' ? 'a whole number written in decimal digits' : 'a decimal number'}, got "${text}"`);
    }
    return n;
  }
  if (kind === 'list') return text.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  return text;
}

/** A run id given as a positional argument; `usage` is shown when it is not one. */
export function runIdArg(text: string | undefined, usage: string): number {
  const id = (text === undefined ? undefined : readDecimal(text, true)) ?? NaN;
  if (!Number.isSafeInteger(id) || id < 1) throw new UsageError(`usage: ${usage} (run ids are positive integers, got "${text ?? ''}")`);
  return id;
}

/** Checks that the named morphologies are stored; one that is not is bad input naming its flag. */
export function requireMorphologies(store: { morphology(name: string): unknown }, names: readonly string[], flagName: string): void {
  for (const name of names) {
    try {
      store.morphology(name);
    } catch (e) {
      throw new UsageError(`--${flagName}: ${(e as Error).message}`);
    }
  }
}

/**
 * A command's body flag for run `runId`: the quadruped's named morphology (checked to exist; `fallback` when
 * the flag is absent), or nothing for a racing run, which refuses the flag (the car is the only body).
 */
export function bodyFlag(
  store: { getRun(id: number): { config: unknown }; morphology(name: string): unknown },
  runId: number,
  given: string | undefined,
  flagName: string,
  fallback?: string,
): string | undefined {
  if (runConfig(store.getRun(runId).config).env === 'racing') {
    if (given !== undefined) throw new UsageError(`--${flagName}: run ${runId} is a racing run; the car is its only body (leave --${flagName} out)`);
    return undefined;
  }
  const name = given ?? fallback;
  if (name === undefined) throw new UsageError(`--${flagName} is required for a quadruped run`);
  requireMorphologies(store, [name], flagName);
  return name;
}
