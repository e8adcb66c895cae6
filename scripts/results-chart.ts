// Renders learning curves as SVG (the Compare page's charts, server-side), for docs. Two sources:
//   npx tsx scripts/results-chart.ts --db PATH --out FILE.svg RUN RUN...   stored runs, grouped as the Compare page groups them;
//                                                                           writes FILE.svg, FILE-wall.svg and, when the runs
//                                                                           tested their centres on held-out bodies, FILE-heldout.svg
//   npx tsx scripts/results-chart.ts --json RESULTS.json --out FILE.svg    a scripts/paper-runs.ts summary: one group per arm
//                                                                           over its seeds; FILE.svg and FILE-heldout.svg (the
//                                                                           summary has no wall times)
// Each group is a mean line with a ±std band over its runs (seeds), each run drawn faintly behind.
import { readFileSync, writeFileSync } from 'node:fs';
import { fnv1a } from '../src/common/config-paths';
import { compareOption, heldoutCompareOption, heldoutMorphologies, type CurveRun, type Group } from '../src/common/charts/compare';
import { compareRuns } from '../src/main/services/evaluation';
import { loadSvgCharts, renderSvg } from '../src/main/services/svg-charts';
import { Store } from '../src/main/store/store';

const USAGE = 'usage: results-chart.ts (--db PATH RUN... | --json RESULTS.json) --out FILE.svg';
const args = process.argv.slice(2);
const take = (flag: string): string | undefined => {
  const i = args.indexOf(flag);
  if (i < 0) return undefined;
  if (!args[i + 1]) throw new Error(`${flag} needs a value\n${USAGE}`);
  return args.splice(i, 2)[1]!;
};
const db = take('--db');
const json = take('--json');
const out = take('--out');
if (!out || (db === undefined) === (json === undefined)) throw new Error(USAGE);

/** Stored runs, grouped by the config keys that differ (the Compare page's grouping). */
function fromStore(path: string, ids: number[]): { runs: CurveRun[]; groups: Group[]; wall: boolean } {
  const store = Store.open(path);
  try {
    const runs = ids.map((id) => {
      const { name, config } = store.getRun(id);
      return { id, name, config, generations: store.generations(id), heldout: store.heldout(id) };
    });
    const groups = compareRuns(store, ids).rows.map((r) => ({ key: r.key, label: r.label, runs: r.runs }));
    return { runs, groups, wall: true };
  } finally {
    store.close();
  }
}

interface SeedSummary {
  readonly seed: number;
  readonly run: number;
  readonly curve: number[];
  readonly heldout: { generation: number; morphology: string; mean: number }[];
}
type Summary = { budget: { population: number; generations: number } } & Record<'hebbian' | 'static', { perSeed: SeedSummary[] }>;

/** A paper-runs summary: one group per arm, its seeds as the runs. */
function fromSummary(path: string): { runs: CurveRun[]; groups: Group[]; wall: boolean } {
  const summary = JSON.parse(readFileSync(path, 'utf8')) as Summary;
  const runs: CurveRun[] = [];
  const groups: Group[] = [];
  for (const arm of ['hebbian', 'static'] as const) {
    const seeds = summary[arm].perSeed;
    for (const s of seeds) {
      if (s.heldout.some((h) => typeof h.morphology !== 'string')) throw new Error(`${path}: ${arm} seed ${s.seed}: held-out entries need a morphology (rerun scripts/paper-runs.ts)`);
      // No wall times in a summary: only the generation axis is drawn.
      runs.push({ id: s.run, generations: s.curve.map((mean, generation) => ({ generation, mean, wallMs: Number.NaN })), heldout: s.heldout });
    }
    groups.push({ key: fnv1a(arm), label: `${arm} · pop ${summary.budget.population} × ${summary.budget.generations} · seeds ${seeds.map((s) => s.seed).join(', ')}`, runs: seeds.map((s) => s.run) });
  }
  return { runs, groups, wall: false };
}

const { runs, groups, wall } = db !== undefined ? fromStore(db, args.map(Number)) : fromSummary(json!);
await loadSvgCharts();
const render = (option: Record<string, unknown>, file: string): void => {
  writeFileSync(file, renderSvg(option));
  process.stdout.write(`wrote ${file}\n`);
};
render(compareOption(runs, groups, 'generation'), out);
if (wall) render(compareOption(runs, groups, 'wall'), out.replace(/\.svg$/, '-wall.svg'));
if (heldoutMorphologies(runs).length > 0) render(heldoutCompareOption(runs, groups, 'generation'), out.replace(/\.svg$/, '-heldout.svg'));
