/**
 * `hebb --help`, `hebb COMMAND --help` and `hebb help COMMAND`: rendered from each command's flag table (args.ts),
 * so a flag added to a table is in its help, with the default the command itself reads from that table.
 */
import type { FlagSpec, FlagTable } from './args';

/** What `hebb` knows about a command besides how to run it. */
export interface CommandInfo {
  readonly name: string;
  /** One line: what it does. */
  readonly summary: string;
  /** What follows `hebb NAME` ("RUN [options]"). */
  readonly usage: string;
  readonly flags: FlagTable;
  /** Whole command lines a user could type. */
  readonly examples: readonly string[];
  /** Where the project's docs say more (a path in the repository, with its section anchor). */
  readonly docs: string;
}

const PLACEHOLDER: Readonly<Record<FlagSpec['kind'], string>> = { int: 'N', number: 'X', list: 'A,B', string: 'TEXT', boolean: '' };

/** 0.3333333333333333 → "0.3333": a default as people read it. */
const shown = (v: NonNullable<FlagSpec['default']>): string => {
  if (Array.isArray(v)) return v.map((x) => shown(x as string | number)).join(',');
  if (typeof v === 'number') return String(Number(v.toPrecision(4)));
  return String(v);
};

function flagLine(name: string, spec: FlagSpec): [string, string] {
  const value = spec.value ?? PLACEHOLDER[spec.kind];
  const left = `--${name}${value ? ` ${value}` : ''}`;
  const fallback = spec.default !== undefined ? shown(spec.default) : spec.absent;
  return [left, fallback === undefined ? spec.help : `${spec.help} [default: ${fallback}]`];
}

/** Two columns; a left part too wide for the column goes on its own line. */
function columns(rows: readonly [string, string][], width = 30): string[] {
  return rows.flatMap(([left, right]) => (left.length < width - 1 ? [`  ${left.padEnd(width)}${right}`] : [`  ${left}`, `  ${''.padEnd(width)}${right}`]));
}

export function commandHelp(c: CommandInfo): string {
  return [
    `usage: hebb ${c.name} ${c.usage}`,
    c.summary,
    '',
    'options:',
    ...columns(Object.entries(c.flags).map(([name, spec]) => flagLine(name, spec))),
    '',
    c.examples.length === 1 ? 'example:' : 'examples:',
    ...c.examples.map((e) => `  ${e}`),
    '',
    `more: ${c.docs}`,
  ].join('\n');
}

export function overview(commands: readonly CommandInfo[]): string {
  return [
    'usage: hebb COMMAND [options]',
    '',
    'commands:',
    ...columns(commands.map((c) => [c.name, c.summary]), 12),
    '',
    '`hebb COMMAND --help` (or `hebb help COMMAND`) lists its options with their defaults and an example.',
    'Exit codes: 0 ok, 2 bad input (the message names the flag), 1 failure. More: docs/USER-GUIDE.md#from-the-command-line',
  ].join('\n');
}
