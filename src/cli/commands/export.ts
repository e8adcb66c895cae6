/**
 * `hebb export RUN --format csv|json [--out FILE]`: a run's learning curve. CSV has one row per generation
 * (population statistics, per-morphology means, lr, σ, env steps, wall time and cumulative wall time, then per
 * held-out body the centre's test fitness mean and std and metres walked, empty where it was not tested); JSON
 * holds the run, its generations, its held-out tests, its evaluations and its recorded episodes (without their
 * trajectories).
 */
import type { GenerationRecord, HeldoutRecord, Store } from '../../main/store/store';
import { flag, parseArgs, runIdArg, STORE_FLAGS, UsageError, type FlagTable, type ParsedArgs } from '../args';
import { writeOut } from '../output';

export const EXPORT_FLAGS = {
  ...STORE_FLAGS,
  json: { kind: 'boolean', help: 'the same as --format json' },
  format: { kind: 'string', value: 'csv|json', help: 'CSV: one row per generation; JSON: the run with its generations, tests and episodes', default: 'csv' },
  out: { kind: 'string', value: 'FILE', help: 'write to FILE (replaced whole, never half-written)', absent: 'standard output' },
} as const satisfies FlagTable;
const USAGE = 'hebb export RUN --format csv|json [--out FILE]';

/** RFC 4180 field: quoted when it holds a comma, quote or line break. */
const field = (v: string | number): string => {
  const text = String(v);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

export function generationsCsv(generations: readonly GenerationRecord[], heldout: readonly HeldoutRecord[] = []): string {
  const morphologies = [...new Set(generations.flatMap((g) => Object.keys(g.perMorphology)))];
  const tested = [...new Set(heldout.map((h) => h.morphology))];
  const test = new Map(heldout.map((h) => [`${h.generation} ${h.morphology}`, h]));
  const header = [
    'generation', 'mean', 'max', 'min', 'std', ...morphologies.map((m) => `mean_${m}`), 'lr', 'sigma', 'env_steps', 'wall_ms', 'elapsed_s',
    ...tested.flatMap((m) => [`heldout_${m}_mean`, `heldout_${m}_std`, `heldout_${m}_distance_m`]),
  ];
  let elapsed = 0;
  const rows = generations.map((g) => {
    elapsed += g.wallMs;
    const tests = tested.flatMap((m): (number | string)[] => {
      const h = test.get(`${g.generation} ${m}`);
      return h ? [h.mean, h.std, h.distance.reduce((s, d) => s + d, 0) / h.episodes] : ['', '', ''];
    });
    return [g.generation, g.mean, g.max, g.min, g.std, ...morphologies.map((m) => g.perMorphology[m] ?? ''), g.lr, g.sigma, g.envSteps, g.wallMs, elapsed / 1000, ...tests];
  });
  return [header, ...rows].map((r) => r.map(field).join(',')).join('\n') + '\n';
}

export function exportCommand(argv: readonly string[], open: (args: ParsedArgs) => Store): void {
  const args = parseArgs(argv, EXPORT_FLAGS, 'hebb export');
  if (args.positional.length !== 1) throw new UsageError(`usage: ${USAGE}`);
  const id = runIdArg(args.positional[0], USAGE);
  const format = flag(args, 'format', 'string') ?? (flag(args, 'json', 'boolean') ? 'json' : EXPORT_FLAGS.format.default);
  if (format !== 'csv' && format !== 'json') throw new UsageError(`--format must be csv or json, got "${format}"`);
  const store = open(args);
  try {
    const run = store.getRun(id);
    const generations = store.generations(id);
    const heldout = store.heldout(id);
    const text = format === 'csv'
      ? generationsCsv(generations, heldout)
      : `${JSON.stringify({ run, generations, heldout, evaluations: store.evaluations(id), episodes: store.episodes(id) }, null, 1)}\n`;
    writeOut(text, flag(args, 'out', 'string'), store.path);
  } finally {
    store.close();
  }
}
