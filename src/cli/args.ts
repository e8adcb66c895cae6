/**
 * Command-line flags: `--name value` or `--name=value`, booleans as bare `--json`. Every problem is a UsageError
 * naming the flag, which the CLI turns into exit code 2.
 */
import { runConfig } from '../core/config';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export type FlagKind = 'string' | 'int' | 'number' | 'list' | 'boolean';

export interface ParsedArgs {
  readonly positional: string[];
  readonly flags: Map<string, string | boolean>;
}

export function parseArgs(argv: readonly string[], known: Readonly<Record<string, FlagKind>>, command: string): ParsedArgs {
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
    const kind = known[name];
    if (!kind) throw new UsageError(`unknown option --${name} for ${command} (known: ${Object.keys(known).map((k) => `--${k}`).join(' ')})`);
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

const INT = /^[+-]?\d+$/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

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
    const n = Number(text);
    // Number() also takes hex, binary, "1e1" and whitespace; flags take plain decimal (exponents for non-integers).
    if (!(kind === 'int' ? INT : NUMBER).test(text) || !Number.isFinite(n) || (kind === 'int' && !Number.isSafeInteger(n))) {
      throw new UsageError(`--${name} must be ${kind === 'int' ? 'a whole number written in decimal digits' : 'a decimal number'}, got "${text}"`);
    }
    return n;
  }
  if (kind === 'list') return text.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  return text;
}

/** A run id given as a positional argument; `usage` is shown when it is not one. */
export function runIdArg(text: string | undefined, usage: string): number {
  const id = text !== undefined && INT.test(text) ? Number(text) : NaN;
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
