/**
 * Comparison math for the Compare page, pure and DOM-free: per-group mean ± std curves over seeds (training, and
 * the centre's held-out tests), the config keys that differ between runs, and the CSV export.
 */
import { differingPaths } from '../config-paths';
import type { GenerationRecord, HeldoutRecord } from '../model';
import { band, GENERATION_AXIS, PALETTE, valueAxis } from './charts';

/** What the charts draw of a run: its curve and its held-out tests (also built from exported results, see scripts/results-chart.ts). */
export interface CurveRun {
  readonly id: number;
  /** Shown beside the id in tooltips. */
  readonly name?: string;
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
  /** A stable id of the group (the server's hash of its config): picks its colour, the same on every page. */
  readonly key: string;
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

/** The config keys whose values are not the same in every run, with each run's value (undefined: absent). */
export function configDiff(runs: readonly CompareRun[]): { key: string; values: (string | undefined)[] }[] {
  return differingPaths(runs.map((r) => r.config));
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

/** How a comparison chart is drawn: EMA smoothing weight in [0, 1) (0: raw), log y axis, zoom controls. */
export interface ChartView {
  readonly smoothing: number;
  readonly logY: boolean;
  readonly zoom: boolean;
}
export const RAW_VIEW: ChartView = { smoothing: 0, logY: false, zoom: false };

/**
 * Exponential moving average with TensorBoard's debiasing (divided by 1 − weightⁱ⁺¹), so the first points are not
 * pulled towards 0: weight 0 returns the values, weight → 1 flattens them.
 */
export function ema(values: readonly number[], weight: number): number[] {
  let last = 0;
  return values.map((v, i) => {
    last = last * weight + (1 - weight) * v;
    return last / (1 - weight ** (i + 1));
  });
}

/**
 * Each group's colour, picked from its key so a group keeps its colour on every page and in every selection; a
 * clash within one chart takes the next free colour.
 */
export function groupColours(groups: readonly Group[]): string[] {
  const used = new Set<number>();
  return groups.map((g) => {
    let i = Number.parseInt(g.key.slice(-6), 16) % PALETTE.length || 0;
    for (let n = 0; n < PALETTE.length && used.has(i); n++) i = (i + 1) % PALETTE.length;
    used.add(i);
    return PALETTE[i]!;
  });
}

/** Why the log axis cannot show these runs' values, or null when it can (every value positive). */
export function logYBlocker(runs: readonly CurveRun[], values: (r: CurveRun) => readonly number[] = (r) => r.generations.map((g) => g.mean)): string | null {
  for (const r of runs) {
    const v = values(r).find((y) => !(y > 0));
    if (v !== undefined) return `run ${r.id} has fitness ${fmt(v)}: a log axis shows only values above 0`;
  }
  return null;
}

/** A value rounded to the digits a reader can use: integers from 100 on, one decimal from 1, else 3 significant. */
export function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a >= 100 ? v.toFixed(0) : a >= 1 ? v.toFixed(1) : v === 0 ? '0' : v.toPrecision(3);
}

/** What a tooltip line says for a series: a group's mean (with its std at each point) or one run. */
type Readout = { kind: 'group'; label: string; std: readonly number[] } | { kind: 'run'; label: string; group: string };

/** The axis tooltip: the x as an integer generation (or seconds), then each group's mean ± std and each run's value. */
function tooltip(x: XAxis, readouts: Map<string, Readout>): Record<string, unknown> {
  type Item = { seriesName: string; dataIndex: number; value: [number, number]; marker: string };
  return {
    trigger: 'axis',
    formatter: (params: Item | Item[]) => {
      const items = (Array.isArray(params) ? params : [params]).filter((p) => readouts.has(p.seriesName));
      if (items.length === 0) return '';
      const at = items[0]!.value[0];
      const lines = [x === 'generation' ? `generation ${Math.round(at)}` : `${at.toFixed(1)} s`];
      // Each group's mean ± std, then the runs it averages.
      for (const p of items) {
        const r = readouts.get(p.seriesName)!;
        if (r.kind !== 'group') continue;
        lines.push(`${p.marker}<b>${r.label}</b>: ${fmt(p.value[1])} ± ${fmt(r.std[p.dataIndex] ?? NaN)}`);
        for (const q of items) {
          const m = readouts.get(q.seriesName)!;
          if (m.kind === 'run' && m.group === r.label) lines.push(`&nbsp;&nbsp;&nbsp;${m.label}: ${fmt(q.value[1])}`);
        }
      }
      return lines.join('<br>');
    },
  };
}

const ZOOM = [{ type: 'inside', xAxisIndex: 0 }, { type: 'slider', xAxisIndex: 0, height: 18, bottom: 6 }];

/** Labels made unique: two groups the server could not tell apart by config get their run ids added. */
function uniqueLabels(groups: readonly Group[]): string[] {
  const count = new Map<string, number>();
  for (const g of groups) count.set(g.label, (count.get(g.label) ?? 0) + 1);
  return groups.map((g) => (count.get(g.label)! > 1 ? `${g.label} (runs ${g.runs.join(', ')})` : g.label));
}

/**
 * The comparison chart: per group a mean line with a ±std band over its runs (seeds), each run drawn faintly; with
 * smoothing, every run is smoothed before the group's statistics and the raw mean stays faint behind.
 */
export function compareOption(runs: readonly CurveRun[], groups: readonly Group[], x: XAxis, view: ChartView = RAW_VIEW): Record<string, unknown> {
  const byId = new Map(runs.map((r) => [r.id, r]));
  const colours = groupColours(groups);
  const labels = uniqueLabels(groups);
  const logY = view.logY && logYBlocker(runs) === null;
  const series: Record<string, unknown>[] = [];
  const readouts = new Map<string, Readout>();
  groups.forEach((group, k) => {
    const color = colours[k]!;
    const label = labels[k]!;
    const raw = group.runs.map((id) => byId.get(id)).filter((r): r is CurveRun => !!r);
    const smooth = view.smoothing > 0;
    const members = smooth ? raw.map((r) => ({ ...r, generations: zipMeans(r.generations, ema(r.generations.map((g) => g.mean), view.smoothing)) })) : raw;
    for (const r of members) {
      let t = 0;
      const data = r.generations.map((g) => [x === 'generation' ? g.generation : (t += g.wallMs) / 1000, g.mean]);
      const name = `run ${r.id}${r.name ? ` · ${r.name}` : ''}`;
      readouts.set(name, { kind: 'run', label: name, group: label });
      series.push({ name, type: 'line', data, symbol: 'none', lineStyle: { color, width: 1, opacity: 0.3 }, itemStyle: { color }, emphasis: { disabled: true } });
    }
    const c = groupCurve(members, x);
    // On a log axis a band cannot reach 0 or below: its lower edge stops at the lowest run there.
    const lowest = c.x.map((_, i) => Math.min(...members.map((r) => r.generations[i]?.mean ?? Infinity)));
    const lower = c.mean.map((m, i) => (logY ? Math.max(m - c.std[i]!, lowest[i]!) : m - c.std[i]!));
    series.push(...band(`${label} ± std`, c.x, lower, c.mean.map((m, i) => m + c.std[i]!), color, `band-${k}`));
    if (smooth) {
      const r0 = groupCurve(raw, x);
      series.push({ name: `${label} (raw)`, type: 'line', data: r0.x.map((xi, i) => [xi, r0.mean[i]]), symbol: 'none', lineStyle: { color, width: 1.5, opacity: 0.35 }, itemStyle: { color }, silent: true });
    }
    readouts.set(label, { kind: 'group', label, std: c.std });
    series.push({ name: label, type: 'line', data: c.x.map((xi, i) => [xi, c.mean[i]]), symbol: 'none', lineStyle: { color, width: 2.5 }, itemStyle: { color } });
  });
  return {
    backgroundColor: 'transparent',
    animation: false,
    tooltip: tooltip(x, readouts),
    legend: { top: 0, type: 'scroll', data: labels },
    grid: { left: 70, right: 20, top: 40, bottom: view.zoom ? 64 : 40 },
    xAxis: x === 'generation' ? GENERATION_AXIS : { type: 'value', name: 'wall time (s)', nameLocation: 'middle', nameGap: 26, min: 0 },
    yAxis: { ...valueAxis('population mean fitness'), ...(logY ? { type: 'log' } : {}) },
    ...(view.zoom ? { dataZoom: ZOOM } : {}),
    series,
  };
}

/** Generation records with their means replaced, for drawing smoothed curves. */
function zipMeans<G extends { mean: number }>(generations: readonly G[], means: readonly number[]): G[] {
  return generations.map((g, i) => ({ ...g, mean: means[i]! }));
}

/** Line styles telling held-out bodies apart within a group's colour. */
const DASHES = ['solid', 'dashed', 'dotted'] as const;

/**
 * The generalisation chart: per group and held-out body, the centre's test fitness as a mean line with a ±std band
 * over the group's runs (seeds), and each run drawn faintly; the same x axis as the training chart.
 */
export function heldoutCompareOption(runs: readonly CurveRun[], groups: readonly Group[], x: XAxis, view: ChartView = RAW_VIEW): Record<string, unknown> {
  const byId = new Map(runs.map((r) => [r.id, r]));
  const tested = heldoutMorphologies(runs);
  const colours = groupColours(groups);
  const labels = uniqueLabels(groups);
  const logY = view.logY && logYBlocker(runs, (r) => r.heldout.map((h) => h.mean)) === null;
  const series: Record<string, unknown>[] = [];
  const legend: string[] = [];
  const readouts = new Map<string, Readout>();
  groups.forEach((group, k) => {
    const color = colours[k]!;
    const members = group.runs.map((id) => byId.get(id)).filter((r): r is CurveRun => !!r);
    tested.forEach((m, j) => {
      const type = DASHES[j % DASHES.length];
      for (const r of members) {
        const elapsed = elapsedAt(r);
        const data = r.heldout.filter((h) => h.morphology === m).map((h) => [x === 'generation' ? h.generation : elapsed.get(h.generation), h.mean]);
        const name = `run ${r.id}${r.name ? ` · ${r.name}` : ''} · ${m}`;
        readouts.set(name, { kind: 'run', label: name, group: `${labels[k]!} · ${m}` });
        if (data.length > 0) series.push({ name, type: 'line', data, symbol: 'none', lineStyle: { color, width: 1, opacity: 0.3, type }, itemStyle: { color }, emphasis: { disabled: true } });
      }
      const c = groupHeldoutCurve(members, m, x);
      if (c.x.length === 0) return;
      const name = `${labels[k]!} · ${m}`;
      legend.push(name);
      readouts.set(name, { kind: 'group', label: name, std: c.std });
      const lower = c.mean.map((v, i) => v - c.std[i]!);
      const floor = Math.min(...members.flatMap((r) => r.heldout.filter((h) => h.morphology === m).map((h) => h.mean)));
      series.push(...band(`${name} ± std`, c.x, logY ? lower.map((v) => Math.max(v, floor)) : lower, c.mean.map((v, i) => v + c.std[i]!), color, `heldout-${k}-${j}`));
      series.push({ name, type: 'line', data: c.x.map((xi, i) => [xi, c.mean[i]]), symbolSize: 5, lineStyle: { color, width: 2.5, type }, itemStyle: { color } });
    });
  });
  return {
    backgroundColor: 'transparent',
    animation: false,
    tooltip: tooltip(x, readouts),
    legend: { top: 0, type: 'scroll', data: legend },
    grid: { left: 70, right: 20, top: 40, bottom: view.zoom ? 64 : 40 },
    xAxis: x === 'generation' ? GENERATION_AXIS : { type: 'value', name: 'wall time (s)', nameLocation: 'middle', nameGap: 26, min: 0 },
    yAxis: { ...valueAxis('held-out fitness of the centre'), ...(logY ? { type: 'log' } : {}) },
    ...(view.zoom ? { dataZoom: ZOOM } : {}),
    series,
  };
}
