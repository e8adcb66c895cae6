/**
 * Chart options built from run data (pure functions: data in, ECharts option out). A band is drawn the ECharts
 * way: an invisible lower series and a stacked, filled (upper − lower) series on top of it.
 */
import type { GenerationRecord, HeldoutRecord } from '../model';
import { rulesAt, type RuleStages } from '../../core/merge/merge';

type Series = Record<string, unknown>;
const PALETTE = ['#58a6ff', '#f0883e', '#7ee787', '#d2a8ff', '#ff7b72', '#e3b341', '#79c0ff', '#ffa198', '#56d364', '#bc8cff'];

/** The generation axis of every chart: integer ticks, from 0 to the last generation drawn. */
export const GENERATION_AXIS = { type: 'value', name: 'generation', nameLocation: 'middle', nameGap: 26, min: 0, max: 'dataMax', minInterval: 1 } as const;

/** A value axis named along its side, clear of the legend above the plot. */
export function valueAxis(name: string): Record<string, unknown> {
  return { type: 'value', name, nameLocation: 'middle', nameGap: 50, scale: true };
}

/** A filled band between `lower` and `upper` (same x), under stack id `stack`. */
export function band(name: string, x: number[], lower: number[], upper: number[], color: string, stack: string): Series[] {
  return [
    // stackStrategy 'all': stack across signs too (ECharts stacks negatives and positives apart by default).
    { name: `${name} lower`, type: 'line', data: x.map((xi, i) => [xi, lower[i]]), stack, stackStrategy: 'all', symbol: 'none', lineStyle: { opacity: 0 }, tooltip: { show: false }, silent: true },
    {
      name,
      type: 'line',
      data: x.map((xi, i) => [xi, upper[i]! - lower[i]!]),
      stack,
      stackStrategy: 'all',
      symbol: 'none',
      lineStyle: { opacity: 0 },
      itemStyle: { color },
      areaStyle: { color, opacity: 0.18 },
      tooltip: { show: false },
      silent: true,
    },
  ];
}

/** A run's held-out tests as one curve per body: generation, mean and std over that test's lifetimes. */
export function heldoutCurves(heldout: readonly HeldoutRecord[]): Map<string, { x: number[]; mean: number[]; std: number[] }> {
  const curves = new Map<string, { x: number[]; mean: number[]; std: number[] }>();
  for (const h of [...heldout].sort((a, b) => a.generation - b.generation)) {
    const c = curves.get(h.morphology) ?? { x: [], mean: [], std: [] };
    curves.set(h.morphology, c);
    c.x.push(h.generation);
    c.mean.push(h.mean);
    c.std.push(h.std);
  }
  return curves;
}

/** The series name of a run's held-out curve on `morphology`. */
export const heldoutName = (morphology: string): string => `held-out ${morphology} (centre)`;

/**
 * One run's fitness: population mean with its min–max band, max, and per-morphology means; and, when the run tests
 * its centre on held-out bodies, the centre's mean there (dotted, with points) and a ±std band over its lifetimes.
 */
export function fitnessOption(generations: readonly GenerationRecord[], heldout: readonly HeldoutRecord[] = []): Record<string, unknown> {
  const x = generations.map((g) => g.generation);
  const morphologies = [...new Set(generations.flatMap((g) => Object.keys(g.perMorphology)))];
  const line = (name: string, values: number[], color: string, extra: Series = {}): Series => ({
    name, type: 'line', data: x.map((xi, i) => [xi, values[i]]), symbol: 'none', lineStyle: { color, width: 2 }, itemStyle: { color }, ...extra,
  });
  const tested = [...heldoutCurves(heldout)].map(([m, c], k) => ({ m, c, color: PALETTE[(2 + morphologies.length + k) % PALETTE.length]! }));
  return {
    backgroundColor: 'transparent',
    animation: false,
    tooltip: { trigger: 'axis' },
    legend: { top: 0, data: ['mean', 'min–max', 'max', ...morphologies.map((m) => `mean on ${m}`), ...tested.map((t) => heldoutName(t.m))] },
    grid: { left: 70, right: 20, top: 40, bottom: 40 },
    xAxis: GENERATION_AXIS,
    yAxis: valueAxis('fitness'),
    series: [
      ...band('min–max', x, generations.map((g) => g.min), generations.map((g) => g.max), PALETTE[0]!, 'range'),
      line('mean', generations.map((g) => g.mean), PALETTE[0]!, { lineStyle: { color: PALETTE[0], width: 2.5 } }),
      line('max', generations.map((g) => g.max), PALETTE[1]!, { lineStyle: { color: PALETTE[1], width: 1, type: 'dashed' } }),
      ...morphologies.map((m, k) => line(`mean on ${m}`, generations.map((g) => g.perMorphology[m] ?? NaN), PALETTE[2 + k]!, { lineStyle: { color: PALETTE[2 + k], width: 1 } })),
      ...tested.flatMap(({ m, c, color }) => [
        ...band(`${heldoutName(m)} ± std`, c.x, c.mean.map((v, i) => v - c.std[i]!), c.mean.map((v, i) => v + c.std[i]!), color, `heldout-${m}`),
        { name: heldoutName(m), type: 'line', data: c.x.map((xi, i) => [xi, c.mean[i]]), symbolSize: 5, lineStyle: { color, width: 2, type: 'dotted' }, itemStyle: { color } },
      ]),
    ],
  };
}

/** The ES schedule of one run: lr and σ per generation. */
export function scheduleOption(generations: readonly GenerationRecord[]): Record<string, unknown> {
  const x = generations.map((g) => g.generation);
  return {
    backgroundColor: 'transparent',
    animation: false,
    tooltip: { trigger: 'axis' },
    legend: { top: 0, data: ['lr', 'σ'] },
    grid: { left: 60, right: 60, top: 40, bottom: 40 },
    xAxis: GENERATION_AXIS,
    yAxis: [{ type: 'value', name: 'lr', scale: true }, { type: 'value', name: 'σ', scale: true }],
    series: [
      { name: 'lr', type: 'line', symbol: 'none', data: x.map((xi, i) => [xi, generations[i]!.lr]), itemStyle: { color: PALETTE[3] } },
      { name: 'σ', type: 'line', symbol: 'none', yAxisIndex: 1, data: x.map((xi, i) => [xi, generations[i]!.sigma]), itemStyle: { color: PALETTE[5] } },
    ],
  };
}

/**
 * Evolve & Merge: the rules in the table of each generation's centre (left) and the rule coefficients the ES
 * evolves (right), both on log axes, stepping down at each merge.
 */
export function rulesOption(generations: readonly GenerationRecord[], rules: RuleStages): Record<string, unknown> {
  const x = generations.map((g) => g.generation);
  const count = x.map((g) => rulesAt(rules.stages, g));
  return {
    backgroundColor: 'transparent',
    animation: false,
    tooltip: { trigger: 'axis' },
    legend: { top: 0, data: ['rules', 'coefficients'] },
    grid: { left: 70, right: 70, top: 40, bottom: 40 },
    xAxis: GENERATION_AXIS,
    yAxis: [{ type: 'log', name: 'rules', logBase: 10 }, { type: 'log', name: 'coefficients', logBase: 10, splitLine: { show: false } }],
    series: [
      { name: 'rules', type: 'line', step: 'end', symbol: 'none', data: x.map((xi, i) => [xi, count[i]]), itemStyle: { color: PALETTE[2] } },
      { name: 'coefficients', type: 'line', step: 'end', symbol: 'none', yAxisIndex: 1, data: x.map((xi, i) => [xi, count[i]! * rules.perRule]), lineStyle: { type: 'dashed' }, itemStyle: { color: PALETTE[3] } },
    ],
  };
}

/** "12 288 → 6 144 (g 20) → 3 072 (g 40)": a merging run's planned table sizes, in words. */
export function mergePlanText(rules: RuleStages): string {
  return rules.stages.map((s, i) => (i === 0 ? s.rules.toLocaleString('en-GB') : `${s.rules.toLocaleString('en-GB')} (generation ${s.from})`)).join(' → ');
}

/** A span of frames to shade (damage windows), labelled. */
export interface FrameSpan {
  readonly from: number;
  readonly to: number;
  readonly label: string;
}

/**
 * One recorded lifetime over frames: cumulative progress (left axis) and each step's progress (right axis), with
 * the damage windows shaded. The replay draws its time cursor over this chart, so the option never changes
 * during playback.
 */
export function episodeOption(cumulative: ArrayLike<number>, perStep: ArrayLike<number>, spans: readonly FrameSpan[]): Record<string, unknown> {
  const x = Array.from({ length: cumulative.length }, (_, f) => f);
  return {
    backgroundColor: 'transparent',
    animation: false,
    tooltip: { trigger: 'axis' },
    legend: { top: 0, data: ['progress (Σ)', 'per step'] },
    grid: { left: 60, right: 60, top: 36, bottom: 36 },
    xAxis: { type: 'value', name: 'frame', nameLocation: 'middle', nameGap: 24, min: 0, max: Math.max(1, cumulative.length - 1) },
    yAxis: [{ type: 'value', name: 'Σ progress', scale: true }, { type: 'value', name: 'per step', scale: true, splitLine: { show: false } }],
    series: [
      {
        name: 'progress (Σ)', type: 'line', symbol: 'none', data: x.map((f) => [f, cumulative[f]]), lineStyle: { width: 2, color: PALETTE[0] }, itemStyle: { color: PALETTE[0] },
        markArea: {
          silent: true,
          itemStyle: { color: 'rgba(255, 123, 114, 0.16)' },
          label: { color: '#ff7b72', position: 'insideTop' },
          data: spans.map((s) => [{ xAxis: s.from, name: s.label }, { xAxis: Math.max(s.to, s.from + 1) }]),
        },
      },
      { name: 'per step', type: 'line', symbol: 'none', yAxisIndex: 1, data: x.map((f) => [f, perStep[f]]), lineStyle: { width: 1, color: PALETTE[1], opacity: 0.6 }, itemStyle: { color: PALETTE[1] } },
    ],
  };
}

export { PALETTE };

/** The parts of a stored damage experiment the charts read (common/model's ExperimentRow). */
interface ExperimentLike {
  readonly recipe: unknown;
  readonly results: readonly {
    readonly runId: number;
    readonly name: string;
    readonly policy: string;
    readonly conditions: readonly { label: string; at?: number | null; fitness: readonly number[]; meanCurve: readonly number[] }[];
  }[];
}

const runLabel = (r: ExperimentLike['results'][number]): string => `#${r.runId} ${r.name} (${r.policy})`;

/**
 * A freeze or zeroing experiment: mean Σ progress over the lifetime per run, damaged (solid) and undamaged
 * control (dashed), with the perturbation shaded.
 */
export function damageCurvesOption(e: ExperimentLike): Record<string, unknown> {
  const recipe = e.recipe as { kind: string; from?: number; to?: number; at?: number };
  const span = recipe.kind === 'freezeActuators' ? [recipe.from!, recipe.to!] : [recipe.at!, recipe.at! + 4];
  const series = e.results.flatMap((r, k) =>
    r.conditions.map((c, ci) => ({
      name: `${runLabel(r)} · ${c.label}`,
      type: 'line',
      symbol: 'none',
      data: c.meanCurve.map((v, t) => [t, v]),
      lineStyle: { color: PALETTE[k % PALETTE.length], width: ci === 0 ? 1.5 : 2.5, type: ci === 0 ? 'dashed' : 'solid' },
      itemStyle: { color: PALETTE[k % PALETTE.length] },
      ...(k === 0 && ci === 0
        ? { markArea: { silent: true, itemStyle: { color: 'rgba(255, 123, 114, 0.16)' }, data: [[{ xAxis: span[0] }, { xAxis: span[1] }]] } }
        : {}),
    })));
  return {
    backgroundColor: 'transparent',
    animation: false,
    tooltip: { trigger: 'axis' },
    legend: { bottom: 0, type: 'scroll' },
    grid: { left: 60, right: 20, top: 30, bottom: 70 },
    xAxis: { type: 'value', name: 'policy step t', nameLocation: 'middle', nameGap: 26, min: 0 },
    yAxis: { type: 'value', name: 'Σ progress (mean over seeds)', scale: true },
    series,
  };
}

/** Plasticity stopped at T: final Σ progress (mean, min–max over seeds) against T; the never-stopped control dashed. */
export function freezeTimeOption(e: ExperimentLike): Record<string, unknown> {
  const mean = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);
  const series = e.results.flatMap((r, k) => {
    const color = PALETTE[k % PALETTE.length]!;
    const stopped = r.conditions.filter((c) => typeof c.at === 'number');
    const control = r.conditions.find((c) => c.at === null);
    const x = stopped.map((c) => c.at!);
    return [
      ...band(`${runLabel(r)} min–max`, x, stopped.map((c) => Math.min(...c.fitness)), stopped.map((c) => Math.max(...c.fitness)), color, `range${k}`),
      { name: runLabel(r), type: 'line', data: stopped.map((c) => [c.at, mean(c.fitness)]), symbolSize: 7, lineStyle: { color, width: 2.5 }, itemStyle: { color } },
      ...(control
        ? [{ name: `${runLabel(r)} never stopped`, type: 'line', symbol: 'none', data: [[0, mean(control.fitness)], [Math.max(1, ...x), mean(control.fitness)]], lineStyle: { color, type: 'dashed', width: 1.5 }, itemStyle: { color } }]
        : []),
    ];
  });
  return {
    backgroundColor: 'transparent',
    animation: false,
    tooltip: { trigger: 'axis' },
    grid: { left: 60, right: 20, top: 30, bottom: 70 },
    xAxis: { type: 'value', name: 'plasticity stopped at t', nameLocation: 'middle', nameGap: 26, min: 0 },
    yAxis: { type: 'value', name: 'Σ progress over the lifetime', scale: true },
    legend: { bottom: 0, type: 'scroll', data: e.results.flatMap((r) => [runLabel(r), `${runLabel(r)} never stopped`]) },
    series,
  };
}
