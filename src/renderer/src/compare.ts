/**
 * Comparison math for the Compare page, pure and DOM-free: per-group mean ± std curves over seeds (training, and
 * the centre's held-out tests), the config keys that differ between runs, and the CSV export.
 */
import type { GenerationRecord, HeldoutRecord } from '../../common/model';
import { band, GENERATION_AXIS, PALETTE, valueAxis } from './charts';

/** What the charts draw of a run: its curve and its held-out tests (also built from exported results, see scripts/results-chart.ts). */
export interface CurveRun {
  readonly id: number;
  readonly generations: readonly Pick<GenerationRecord, 'generation' | 'mean' | 'wallMs'>[];
  /** The run's held-out tests during training (none if it ran without). */
  readonly heldout: readonly Pick<HeldoutRecord, 'generation' | 'morphology' | 'mean'>[];
}

export interface CompareRun extends CurveRun {
  readonly name: string;
  readonly config: unknown;
  readonly generations: readonly GenerationRecord[];
  readonly heldout: readonly HeldoutRecord[];
}

export interface Group {
  readonly label: string;
  readonly runs: readonly number[];
}

export type XAxis = 'generation' | 'wall';

/** Mean and population std of the runs' population means at each generation all of them reached… or some: n counts. */
export function groupCurve(runs: readonly CurveRun[], x: XAxis): { x: number[]; mean: number[]; std: number[]; n: number[] } {
  const length = Math.max(0, ...runs.map((r) => r.generations.length));
  const out = { x: [] as number[], mean: [] as number[], std: [] as number[], n: [] as number[] };
  const elapsed = runs.map((r) => {
    let t = 0;
    return r.generations.map((g) => (t += g.wallMs) / 1000);
  });
  for (let i = 0; i < length; i++) {
    const values: number[] = [];
    const times: number[] = [];
    runs.forEach((r, k) => {
      const g = r.generations[i];
      if (g) {
        values.push(g.mean);
        times.push(elapsed[k]![i]!);
      }
    });
    const m = values.reduce((s, v) => s + v, 0) / values.length;
    const sd = Math.sqrt(values.reduce((s, v) => s + (v - m) ** 2, 0) / values.length);
    out.x.push(x === 'generation' ? i : times.reduce((s, t) => s + t, 0) / times.length);
    out.mean.push(m);
    out.std.push(sd);
    out.n.push(values.length);
  }
  return out;
}

/** Seconds of training when each generation was committed (its held-out test included). */
function elapsedAt(run: CurveRun): Map<number, number> {
  let t = 0;
  return new Map(run.generations.map((g) => [g.generation, (t += g.wallMs) / 1000]));
}

/** The held-out bodies any of the runs was tested on, in first-seen order. */
export function heldoutMorphologies(runs: readonly CurveRun[]): string[] {
  return [...new Set(runs.flatMap((r) => r.heldout.map((h) => h.morphology)))];
}

/**
 * Over runs (seeds), the centre's held-out fitness on `morphology` at every generation some run tested: the mean
 * and population std of the runs' test means, n the runs tested then. On the wall axis x is the mean time at which
 * those runs committed that generation.
 */
export function groupHeldoutCurve(runs: readonly CurveRun[], morphology: string, x: XAxis): { x: number[]; mean: number[]; std: number[]; n: number[] } {
  const out = { x: [] as number[], mean: [] as number[], std: [] as number[], n: [] as number[] };
  const elapsed = runs.map(elapsedAt);
  const tested = runs.map((r) => new Map(r.heldout.filter((h) => h.morphology === morphology).map((h) => [h.generation, h.mean])));
  const generations = [...new Set(tested.flatMap((t) => [...t.keys()]))].sort((a, b) => a - b);
  for (const g of generations) {
    const values: number[] = [];
    const times: number[] = [];
    tested.forEach((t, k) => {
      const v = t.get(g);
      if (v === undefined) return;
      values.push(v);
      times.push(elapsed[k]!.get(g) ?? NaN);
    });
    const m = values.reduce((s, v) => s + v, 0) / values.length;
    out.x.push(x === 'generation' ? g : times.reduce((s, t) => s + t, 0) / times.length);
    out.mean.push(m);
    out.std.push(Math.sqrt(values.reduce((s, v) => s + (v - m) ** 2, 0) / values.length));
    out.n.push(values.length);
  }
  return out;
}

/** Flattens a config into dotted paths → JSON values. */
function flatten(value: unknown, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out[prefix] = JSON.stringify(value);
  }
  return out;
}

/** The config keys whose values are not the same in every run, with each run's value (undefined: absent). */
export function configDiff(runs: readonly CompareRun[]): { key: string; values: (string | undefined)[] }[] {
  const flat = runs.map((r) => flatten(r.config));
  const keys = [...new Set(flat.flatMap((f) => Object.keys(f)))].sort();
  return keys
    .map((key) => ({ key, values: flat.map((f) => f[key]) }))
    .filter(({ values }) => new Set(values).size > 1);
}

/**
 * Every plotted number as CSV: one row per run and generation, with the run's group, and per held-out body the
 * centre's test mean at that generation (empty where it was not tested).
 */
export function compareCsv(runs: readonly CompareRun[], groups: readonly Group[]): string {
  const groupOf = new Map(groups.flatMap((g) => g.runs.map((id) => [id, g.label] as const)));
  const tested = heldoutMorphologies(runs);
  const quote = (s: string): string => (/[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
  const rows = [['group,run,name,generation,mean,max,min,std,elapsed_s', ...tested.map((m) => quote(`heldout_${m}`))].join(',')];
  for (const r of runs) {
    let t = 0;
    const test = new Map(r.heldout.map((h) => [`${h.generation} ${h.morphology}`, h.mean]));
    for (const g of r.generations) {
      t += g.wallMs;
      const tests = tested.map((m) => test.get(`${g.generation} ${m}`) ?? '');
      rows.push([quote(groupOf.get(r.id) ?? ''), r.id, quote(r.name), g.generation, g.mean, g.max, g.min, g.std, t / 1000, ...tests].join(','));
    }
  }
  return `${rows.join('\n')}\n`;
}

/** The comparison chart: per group a mean line with a ±std band, and each run drawn faintly. */
export function compareOption(runs: readonly CurveRun[], groups: readonly Group[], x: XAxis): Record<string, unknown> {
  const byId = new Map(runs.map((r) => [r.id, r]));
  const series: Record<string, unknown>[] = [];
  groups.forEach((group, k) => {
    const color = PALETTE[k % PALETTE.length]!;
    const members = group.runs.map((id) => byId.get(id)).filter((r): r is CurveRun => !!r);
    for (const r of members) {
      let t = 0;
      const data = r.generations.map((g) => [x === 'generation' ? g.generation : (t += g.wallMs) / 1000, g.mean]);
      series.push({ name: `run ${r.id}`, type: 'line', data, symbol: 'none', lineStyle: { color, width: 1, opacity: 0.3 }, itemStyle: { color }, silent: true, tooltip: { show: false } });
    }
    const c = groupCurve(members, x);
    series.push(...band(`${group.label} ± std`, c.x, c.mean.map((m, i) => m - c.std[i]!), c.mean.map((m, i) => m + c.std[i]!), color, `band-${k}`));
    series.push({ name: group.label, type: 'line', data: c.x.map((xi, i) => [xi, c.mean[i]]), symbol: 'none', lineStyle: { color, width: 2.5 }, itemStyle: { color } });
  });
  return {
    backgroundColor: 'transparent',
    animation: false,
    tooltip: { trigger: 'axis' },
    legend: { top: 0, data: groups.map((g) => g.label) },
    grid: { left: 70, right: 20, top: 40, bottom: 40 },
    xAxis: x === 'generation' ? GENERATION_AXIS : { type: 'value', name: 'wall time (s)', nameLocation: 'middle', nameGap: 26, min: 0 },
    yAxis: valueAxis('population mean fitness'),
    series,
  };
}

/** Line styles telling held-out bodies apart within a group's colour. */
const DASHES = ['solid', 'dashed', 'dotted'] as const;

/**
 * The generalisation chart: per group and held-out body, the centre's test fitness as a mean line with a ±std band
 * over the group's runs (seeds), and each run drawn faintly; the same x axis as the training chart.
 */
export function heldoutCompareOption(runs: readonly CurveRun[], groups: readonly Group[], x: XAxis): Record<string, unknown> {
  const byId = new Map(runs.map((r) => [r.id, r]));
  const tested = heldoutMorphologies(runs);
  const series: Record<string, unknown>[] = [];
  const legend: string[] = [];
  groups.forEach((group, k) => {
    const color = PALETTE[k % PALETTE.length]!;
    const members = group.runs.map((id) => byId.get(id)).filter((r): r is CurveRun => !!r);
    tested.forEach((m, j) => {
      const type = DASHES[j % DASHES.length];
      for (const r of members) {
        const elapsed = elapsedAt(r);
        const data = r.heldout.filter((h) => h.morphology === m).map((h) => [x === 'generation' ? h.generation : elapsed.get(h.generation), h.mean]);
        if (data.length > 0) series.push({ name: `run ${r.id} · ${m}`, type: 'line', data, symbol: 'none', lineStyle: { color, width: 1, opacity: 0.3, type }, itemStyle: { color }, silent: true, tooltip: { show: false } });
      }
      const c = groupHeldoutCurve(members, m, x);
      if (c.x.length === 0) return;
      const name = `${group.label} · ${m}`;
      legend.push(name);
      series.push(...band(`${name} ± std`, c.x, c.mean.map((v, i) => v - c.std[i]!), c.mean.map((v, i) => v + c.std[i]!), color, `heldout-${k}-${j}`));
      series.push({ name, type: 'line', data: c.x.map((xi, i) => [xi, c.mean[i]]), symbolSize: 5, lineStyle: { color, width: 2.5, type }, itemStyle: { color } });
    });
  });
  return {
    backgroundColor: 'transparent',
    animation: false,
    tooltip: { trigger: 'axis' },
    legend: { top: 0, type: 'scroll', data: legend },
    grid: { left: 70, right: 20, top: 40, bottom: 40 },
    xAxis: x === 'generation' ? GENERATION_AXIS : { type: 'value', name: 'wall time (s)', nameLocation: 'middle', nameGap: 26, min: 0 },
    yAxis: valueAxis('held-out fitness of the centre'),
    series,
  };
}
