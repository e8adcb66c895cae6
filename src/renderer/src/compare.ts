/**
 * Comparison math for the Compare page, pure and DOM-free: per-group mean ± std curves over seeds, the config keys
 * that differ between runs, and the CSV export.
 */
import type { GenerationRecord } from '../../common/model';
import { band, PALETTE } from './charts';

export interface CompareRun {
  readonly id: number;
  readonly name: string;
  readonly config: unknown;
  readonly generations: readonly GenerationRecord[];
}

export interface Group {
  readonly label: string;
  readonly runs: readonly number[];
}

export type XAxis = 'generation' | 'wall';

/** Mean and population std of the runs' population means at each generation all of them reached… or some: n counts. */
export function groupCurve(runs: readonly CompareRun[], x: XAxis): { x: number[]; mean: number[]; std: number[]; n: number[] } {
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

/** Every plotted number as CSV: one row per run and generation, with the run's group. */
export function compareCsv(runs: readonly CompareRun[], groups: readonly Group[]): string {
  const groupOf = new Map(groups.flatMap((g) => g.runs.map((id) => [id, g.label] as const)));
  const rows = ['group,run,name,generation,mean,max,min,std,elapsed_s'];
  const quote = (s: string): string => (/[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
  for (const r of runs) {
    let t = 0;
    for (const g of r.generations) {
      t += g.wallMs;
      rows.push([quote(groupOf.get(r.id) ?? ''), r.id, quote(r.name), g.generation, g.mean, g.max, g.min, g.std, t / 1000].join(','));
    }
  }
  return `${rows.join('\n')}\n`;
}

/** The comparison chart: per group a mean line with a ±std band, and each run drawn faintly. */
export function compareOption(runs: readonly CompareRun[], groups: readonly Group[], x: XAxis): Record<string, unknown> {
  const byId = new Map(runs.map((r) => [r.id, r]));
  const series: Record<string, unknown>[] = [];
  groups.forEach((group, k) => {
    const color = PALETTE[k % PALETTE.length]!;
    const members = group.runs.map((id) => byId.get(id)).filter((r): r is CompareRun => !!r);
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
    grid: { left: 60, right: 20, top: 40, bottom: 40 },
    xAxis: { type: 'value', name: x === 'generation' ? 'generation' : 'wall time (s)', nameLocation: 'middle', nameGap: 26, min: 0 },
    yAxis: { type: 'value', name: 'population mean fitness', scale: true },
    series,
  };
}
