/**
 * `hebb analyse pca RUN` (weight trajectories of a centre on principal components, and the spread between
 * lifetimes over time) and `hebb analyse rules RUN [RUN]` (the evolved rules per layer); docs/METHOD.md says
 * what each computes.
 */
import type { RuleReport, WeightTrajectories } from '../../common/analysis';
import { OFF_RELATIVE } from '../../core/analysis/rules';
import { inspectRunRules, weightTrajectories } from '../../main/services/analysis';
import { loadSvgCharts, renderSvg } from '../../main/services/svg-charts';
import type { Store } from '../../main/store/store';
import { attractorOption, trajectoryCsv } from '../../common/charts/analysis-charts';
import { centreText } from '../../common/format';
import { flag, parseArgs, requireMorphologies, runIdArg, STORE_FLAGS, UsageError, type FlagTable, type ParsedArgs } from '../args';
import { writeOut } from '../output';
import { damageArg } from './record';

export const ANALYSE_PCA_FLAGS = {
  ...STORE_FLAGS,
  generation: { kind: 'int', value: 'G', help: 'the centre that produced generation G (0: the initial one)', absent: 'the latest checkpoint' },
  morphology: { kind: 'string', value: 'M', help: 'the body the lifetimes live on', default: 'standard' },
  lifetimes: { kind: 'int', help: 'lifetimes, from recording seeds 1…N (each its own random initial weights)', default: 5 },
  stride: { kind: 'int', help: 'a weight snapshot every S policy steps', default: 10, value: 'S' },
  damage: { kind: 'string', value: 'JSON|FILE', help: 'a damage schedule every lifetime runs with (marked on the charts)', absent: 'no damage' },
  layers: { kind: 'list', value: 'L,L', help: 'the layers to analyse (0 = input → first hidden)', absent: 'all' },
  csv: { kind: 'string', value: 'FILE', help: 'write the trajectories (scores per seed and step, the spread) as CSV' },
  svg: { kind: 'string', value: 'FILE', help: 'write the attractor figure (trajectories on PC1–PC2, PC1–PC3, the spread) as SVG' },
} as const satisfies FlagTable;

export const ANALYSE_RULES_FLAGS = {
  ...STORE_FLAGS,
  generation: { kind: 'int', value: 'G', help: 'the centre that produced generation G of every run', absent: "each run's latest checkpoint" },
  'off-threshold': { kind: 'number', help: "a synapse is off below this share of its layer's median strength", default: OFF_RELATIVE },
} as const satisfies FlagTable;

/** Every flag of `hebb analyse` (its help lists them; each subcommand accepts its own). */
export const ANALYSE_FLAGS: FlagTable = { ...ANALYSE_PCA_FLAGS, ...ANALYSE_RULES_FLAGS, generation: { kind: 'int', value: 'G', help: 'the centre that produced generation G (0: the initial one)', absent: "the latest checkpoint (each run's)" } };

const USAGE = 'hebb analyse pca RUN [--generation G] [--morphology M] [--lifetimes N] [--stride S] [--damage SPEC] [--layers L,L] [--csv FILE] [--svg FILE] [--json]\n' +
  '       hebb analyse rules RUN [RUN] [--generation G] [--off-threshold X] [--json]';

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

function printTrajectories(t: WeightTrajectories): void {
  const a = t.analysis;
  const c = a.convergence;
  const lines = [
    `run ${t.runId} ${t.name}, ${centreText(t.generation)}, on ${t.morphology}: ${t.seeds.length} lifetimes (seeds ${t.seeds.join(',')}), ` +
      `${a.snapshots} snapshots of ${a.synapses} synapses (layers ${a.layers.join(',')}), every ${t.stride} steps (${(t.wallMs / 1000).toFixed(1)} s)`,
    `variance explained: ${a.explained.map((e, j) => `PC${j + 1} ${pct(e)}`).join(', ')}` +
      (a.residual > 1e-6 ? ` (approximate: the eigen-solver stopped at relative residual ${a.residual.toExponential(1)})` : ''),
    `fitness per lifetime: ${t.fitness.map((f) => f.toFixed(1)).join(' ')}`,
    ...a.events.map((e) => `damage: ${e.label}`),
    `spread (mean pairwise distance; relative to the mean norm):`,
    ...spreadRows(a.spread).map(([step, d, r, n]) => `  t ${String(step).padStart(4)}  ${d.toFixed(3).padStart(9)}  ${r.toFixed(4)}${n < t.seeds.length ? `  (${n} lifetimes)` : ''}`),
    `relative spread ${c.initialRelative.toFixed(4)} → ${c.finalRelative.toFixed(4)}; ` +
      (c.halfStep === null ? 'it never stays at or below half its start' : `at or below half its start from t ${c.halfStep} on`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** About ten rows of the spread, evenly over the lifetime, the last included. */
function spreadRows(s: WeightTrajectories['analysis']['spread']): [number, number, number, number][] {
  const every = Math.max(1, Math.ceil(s.steps.length / 10));
  const picked = s.steps.map((_, i) => i).filter((i) => i % every === 0 || i === s.steps.length - 1);
  return picked.map((i) => [s.steps[i]!, s.meanPairwise[i]!, s.relative[i]!, s.lifetimes[i]!]);
}

async function pcaCommand(argv: readonly string[], open: (args: ParsedArgs) => Store): Promise<void> {
  const args = parseArgs(argv, ANALYSE_PCA_FLAGS, 'hebb analyse pca');
  if (args.positional.length !== 1) throw new UsageError(`usage: ${USAGE}`);
  const id = runIdArg(args.positional[0], USAGE);
  const lifetimes = flag(args, 'lifetimes', 'int') ?? ANALYSE_PCA_FLAGS.lifetimes.default;
  if (lifetimes < 2 || lifetimes > 50) throw new UsageError(`--lifetimes must be between 2 and 50 (the spread needs two lifetimes), got ${lifetimes}`);
  const stride = flag(args, 'stride', 'int') ?? ANALYSE_PCA_FLAGS.stride.default;
  if (stride < 1 || stride > 1000) throw new UsageError(`--stride must be between 1 and 1000 policy steps, got ${stride}`);
  const layerText = flag(args, 'layers', 'list');
  const layers = layerText?.map((l) => {
    if (!/^\d+$/.test(l)) throw new UsageError(`--layers must list layer numbers (0, 1, 2), got "${l}"`);
    return Number(l);
  });
  const spec = flag(args, 'damage', 'string');
  const damage = spec === undefined ? undefined : damageArg(spec);
  const morphology = flag(args, 'morphology', 'string') ?? ANALYSE_PCA_FLAGS.morphology.default;
  const store = open(args);
  try {
    requireMorphologies(store, [morphology], 'morphology');
    const csv = flag(args, 'csv', 'string');
    const svg = flag(args, 'svg', 'string');
    const t = await weightTrajectories(store, id, { morphology, lifetimes, stride, damage, layers, generation: flag(args, 'generation', 'int') });
    if (csv !== undefined) writeOut(trajectoryCsv(t), csv, store.path);
    if (svg !== undefined) await loadSvgCharts();
    if (svg !== undefined) writeOut(renderSvg(attractorOption(t), { width: 1200, height: 860 }), svg, store.path);
    if (flag(args, 'json', 'boolean')) process.stdout.write(`${JSON.stringify(t)}\n`);
    else printTrajectories(t);
  } finally {
    store.close();
  }
}

function printRules(report: RuleReport): void {
  const lines: string[] = [];
  for (const r of report.runs) {
    lines.push(`run ${r.runId} ${r.name}, ${centreText(r.generation)}: rule ${r.rule} (${r.indexing} indexing)`);
    for (const l of r.layers) {
      lines.push(`  layer ${l.layer} (${l.nIn} → ${l.nOut}, ${l.synapses} synapses): off ${l.off} (${pct(l.offShare)}, strength < ${l.offBelow.toPrecision(3)} = ${report.offRelative} × median ${l.medianStrength.toPrecision(3)})`);
      for (const c of l.coefficients) {
        lines.push(`    ${c.label.padEnd(6)} median ${c.median.toFixed(3).padStart(8)}  mean ${c.mean.toFixed(3).padStart(8)}  range [${c.min.toFixed(3)}, ${c.max.toFixed(3)}]`);
      }
    }
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

function rulesCommand(argv: readonly string[], open: (args: ParsedArgs) => Store): void {
  const args = parseArgs(argv, ANALYSE_RULES_FLAGS, 'hebb analyse rules');
  if (args.positional.length < 1 || args.positional.length > 2) throw new UsageError(`usage: ${USAGE}`);
  const ids = args.positional.map((p) => runIdArg(p, USAGE));
  const offRelative = flag(args, 'off-threshold', 'number') ?? ANALYSE_RULES_FLAGS['off-threshold'].default;
  if (!(offRelative >= 0 && offRelative < 1)) throw new UsageError(`--off-threshold must be in [0, 1) (a share of the layer's median strength), got ${offRelative}`);
  const store = open(args);
  try {
    const report = inspectRunRules(store, ids, { generation: flag(args, 'generation', 'int'), offRelative });
    if (flag(args, 'json', 'boolean')) process.stdout.write(`${JSON.stringify(report)}\n`);
    else printRules(report);
  } finally {
    store.close();
  }
}

export async function analyseCommand(argv: readonly string[], open: (args: ParsedArgs) => Store): Promise<void> {
  const [what, ...rest] = argv;
  if (what === 'pca') return pcaCommand(rest, open);
  if (what === 'rules') return rulesCommand(rest, open);
  parseArgs(argv, ANALYSE_FLAGS, 'hebb analyse'); // a flag no subcommand has is refused as such, naming the flags
  throw new UsageError(`hebb analyse: say what to analyse, pca or rules${what === undefined ? '' : ` (got "${what}")`}\nusage: ${USAGE}`);
}
