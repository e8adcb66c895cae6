/**
 * Chart options and CSV for the analysis page (pure: data in, ECharts option or text out), shared by the GUI and
 * the CLI's SVG export (`hebb analyse pca --svg`, rendered in Node by ECharts' SSR).
 *
 * The attractor figure: the lifetimes' weight trajectories on PC1–PC2 and PC1–PC3, each point coloured by its
 * policy step, starts and damage marked; under them the spread between lifetimes over time.
 */
import type { RuleReport, WeightTrajectories } from '../analysis';
import { PALETTE } from './charts';

type Series = Record<string, unknown>;

/** Early → late (viridis' ends and middle): the time colour of trajectory points. */
export const TIME_COLOURS = ['#440154', '#3b528b', '#21918c', '#5ec962', '#fde725'];
export const START_COLOUR = '#ffffff';
export const DAMAGE_COLOUR = '#ff7b72';

const pcName = (t: WeightTrajectories, j: number): string => {
  const share = t.analysis.explained[j];
  return `PC${j + 1}${share === undefined ? '' : ` (${(100 * share).toFixed(1)} %)`}`;
};

/** Scores of lifetime l on components (a, b) with the step: [x, y, step, seed]. */
function points(t: WeightTrajectories, l: number, a: number, b: number): number[][] {
  const life = t.analysis.lifetimes[l]!;
  return life.steps.map((s, i) => [life.scores[a]?.[i] ?? 0, life.scores[b]?.[i] ?? 0, s, life.seed]);
}

/** The series of one trajectory panel (grid `g`): a faint line per lifetime, its points by time, starts, damage marks. */
function panel(t: WeightTrajectories, g: number, a: number, b: number): Series[] {
  const axes = { xAxisIndex: g, yAxisIndex: g };
  const lifetimes = t.analysis.lifetimes.map((_, l) => points(t, l, a, b));
  const marks = (which: 'eventSnapshots' | 'eventEndSnapshots', suffix: string) => t.analysis.lifetimes.flatMap((life, l) =>
    life[which].flatMap((i, e) => (i === null ? [] : [{ value: lifetimes[l]![i]!, name: `${t.analysis.events[e]!.label}${suffix}` }])));
  const damage = marks('eventSnapshots', '');
  const ends = marks('eventEndSnapshots', ' (end)');
  return [
    ...lifetimes.map((data, l) => ({
      name: `seed ${t.seeds[l]}`, type: 'line', ...axes, data, symbol: 'none', silent: true, z: 1,
      lineStyle: { width: 1, color: '#8b949e', opacity: 0.45 }, tooltip: { show: false },
    })),
    ...lifetimes.map((data, l) => ({ name: `seed ${t.seeds[l]} points`, type: 'scatter', ...axes, data, symbolSize: 5, z: 2 })),
    {
      name: 'start', type: 'scatter', ...axes, z: 3, symbol: 'triangle', symbolSize: 13,
      data: lifetimes.map((d) => d[0]!), itemStyle: { color: START_COLOUR, borderColor: '#000', borderWidth: 1 },
    },
    ...(damage.length > 0
      ? [{ name: 'damage', type: 'scatter', ...axes, z: 4, symbol: 'diamond', symbolSize: 14, data: damage, itemStyle: { color: DAMAGE_COLOUR, borderColor: '#000', borderWidth: 1 } }]
      : []),
    ...(ends.length > 0
      ? [{ name: 'damage ends', type: 'scatter', ...axes, z: 4, symbol: 'emptyDiamond', symbolSize: 14, data: ends, itemStyle: { color: DAMAGE_COLOUR, borderWidth: 2 } }]
      : []),
  ];
}

/** The attractor figure: two trajectory panels over the spread chart, one option (one export). */
export function attractorOption(t: WeightTrajectories): Record<string, unknown> {
  const s = t.analysis.spread;
  const lastStep = Math.max(1, ...t.analysis.lifetimes.map((l) => l.steps.at(-1) ?? 0));
  const left = panel(t, 0, 0, 1);
  const right = panel(t, 1, 0, 2);
  const scatterIndices = [...left, ...right].flatMap((x, i) => (x['type'] === 'scatter' && String(x['name']).endsWith('points') ? [i] : []));
  const windows = t.analysis.events.filter((e) => e.to !== null);
  const moments = t.analysis.events.filter((e) => e.to === null);
  const axis = (name: string, gridIndex: number): Record<string, unknown> => ({ type: 'value', name, nameLocation: 'middle', nameGap: 28, scale: true, gridIndex });
  const c = t.analysis.convergence;
  const converged = c.halfStep === null ? 'never settles at half its start' : `settles at half its start from t ${c.halfStep}`;
  return {
    backgroundColor: 'transparent',
    animation: false,
    // The panels are named by their axes (PC1 against PC2, PC1 against PC3); the legend runs above both.
    title: [
      { text: `Spread between lifetimes (relative: ${c.initialRelative.toFixed(3)} → ${c.finalRelative.toFixed(3)}, ${converged})`, left: '6%', top: '60%', textStyle: { fontSize: 13 } },
    ],
    tooltip: { trigger: 'item' },
    legend: {
      top: 0, left: 'center',
      data: ['start', ...(t.analysis.events.length > 0 ? ['damage'] : []), ...(t.analysis.events.some((e) => e.to !== null) ? ['damage ends'] : []), 'relative spread', 'mean pairwise distance'],
    },
    visualMap: {
      type: 'continuous', dimension: 2, min: 0, max: lastStep, seriesIndex: scatterIndices, inRange: { color: TIME_COLOURS },
      orient: 'horizontal', left: 'center', top: '54%', itemWidth: 10, itemHeight: 160, text: [`t ${lastStep}`, 't 0'], textStyle: { color: '#c9d1d9' }, calculable: false,
    },
    grid: [
      { left: '6%', width: '40%', top: 36, height: '42%' },
      { left: '54%', width: '40%', top: 36, height: '42%' },
      { left: '6%', right: '7%', top: '66%', bottom: 40 },
    ],
    xAxis: [axis(pcName(t, 0), 0), axis(pcName(t, 0), 1), { type: 'value', name: 'policy step t', nameLocation: 'middle', nameGap: 26, gridIndex: 2, min: 0, max: lastStep }],
    yAxis: [
      { ...axis(pcName(t, 1), 0), nameGap: 40 },
      { ...axis(pcName(t, 2), 1), nameGap: 40 },
      { type: 'value', name: 'relative', gridIndex: 2, min: 0 },
      { type: 'value', name: 'distance', gridIndex: 2, min: 0, splitLine: { show: false } },
    ],
    series: [
      ...left,
      ...right,
      {
        name: 'relative spread', type: 'line', xAxisIndex: 2, yAxisIndex: 2, symbol: 'none', data: s.steps.map((x, i) => [x, s.relative[i]]),
        lineStyle: { width: 2.5, color: PALETTE[0] }, itemStyle: { color: PALETTE[0] },
        markArea: { silent: true, itemStyle: { color: 'rgba(255, 123, 114, 0.16)' }, data: windows.map((e) => [{ xAxis: e.from, name: e.label }, { xAxis: e.to }]) },
        markLine: { silent: true, symbol: 'none', lineStyle: { color: DAMAGE_COLOUR, type: 'dashed' }, label: { formatter: '{b}', color: DAMAGE_COLOUR }, data: moments.map((e) => ({ xAxis: e.from, name: e.label })) },
      },
      {
        name: 'mean pairwise distance', type: 'line', xAxisIndex: 2, yAxisIndex: 3, symbol: 'none', data: s.steps.map((x, i) => [x, s.meanPairwise[i]]),
        lineStyle: { width: 1.5, color: PALETTE[1], type: 'dashed' }, itemStyle: { color: PALETTE[1] },
      },
    ],
  };
}

/** One row per (lifetime, snapshot): its scores and the spread at that step. */
export function trajectoryCsv(t: WeightTrajectories): string {
  const s = t.analysis.spread;
  const k = t.analysis.variances.length;
  const head = ['seed', 'step', ...Array.from({ length: k }, (_, j) => `pc${j + 1}`), 'mean_pairwise_distance', 'relative_spread', 'lifetimes_at_step'];
  const rows = t.analysis.lifetimes.flatMap((l) =>
    l.steps.map((step, i) => {
      const at = s.steps.indexOf(step);
      return [l.seed, step, ...l.scores.map((pc) => pc[i]), at < 0 ? '' : s.meanPairwise[at], at < 0 ? '' : s.relative[at], at < 0 ? 1 : s.lifetimes[at]].join(',');
    }));
  return `${[head.join(','), ...rows].join('\n')}\n`;
}

/** A run in a legend (the rules table beside the charts names its centre). */
const runLabel = (r: RuleReport['runs'][number]): string => `#${r.runId} ${r.name}`;

/** Histograms of one coefficient of one layer, the runs' bars side by side over their shared bins. */
export function coefficientOption(report: RuleReport, layer: number, label: string): Record<string, unknown> {
  const runs = report.runs.map((r) => ({ r, c: r.layers[layer]?.coefficients.find((x) => x.label === label) })).filter((x) => x.c);
  const h = runs[0]?.c?.histogram ?? { lo: 0, hi: 1, counts: [] };
  const width = (h.hi - h.lo) / Math.max(1, h.counts.length);
  const centres = h.counts.map((_, b) => h.lo + (b + 0.5) * width);
  return {
    backgroundColor: 'transparent',
    animation: false,
    tooltip: { trigger: 'axis' },
    legend: { top: 0, data: runs.map(({ r }) => runLabel(r)) },
    grid: { left: 55, right: 15, top: 30, bottom: 36 },
    xAxis: { type: 'category', name: label, nameLocation: 'middle', nameGap: 22, data: centres.map((c) => c.toPrecision(3)) },
    yAxis: { type: 'value', name: 'synapses', nameLocation: 'middle', nameGap: 40 },
    series: runs.map(({ r, c }, k) => ({ name: runLabel(r), type: 'bar', data: c!.histogram.counts, barGap: '0%', itemStyle: { color: PALETTE[k % PALETTE.length] } })),
  };
}

/** log10 strength per synapse with the "off" threshold of each run drawn across. */
export function strengthOption(report: RuleReport, layer: number): Record<string, unknown> {
  const runs = report.runs.filter((r) => r.layers[layer]);
  const h = runs[0]!.layers[layer]!.strengthLog10;
  const width = (h.hi - h.lo) / Math.max(1, h.counts.length);
  return {
    backgroundColor: 'transparent',
    animation: false,
    tooltip: { trigger: 'axis' },
    legend: { top: 0, data: runs.map(runLabel) },
    grid: { left: 55, right: 15, top: 40, bottom: 36 },
    xAxis: { type: 'value', name: 'log10 strength', nameLocation: 'middle', nameGap: 22, min: h.lo, max: h.hi },
    yAxis: { type: 'value', name: 'synapses', nameLocation: 'middle', nameGap: 40, axisLine: { onZero: false } },
    series: runs.map((r, k) => {
      const l = r.layers[layer]!;
      const colour = PALETTE[k % PALETTE.length];
      return {
        name: runLabel(r), type: 'line', step: 'middle', symbol: 'none', data: l.strengthLog10.counts.map((n, b) => [h.lo + (b + 0.5) * width, n]),
        lineStyle: { color: colour, width: 2 }, itemStyle: { color: colour }, areaStyle: { color: colour, opacity: 0.15 },
        markLine: l.offBelow > 0
          ? { silent: true, symbol: 'none', lineStyle: { color: colour, type: 'dashed' }, label: { formatter: `off < ${l.offBelow.toPrecision(2)}`, color: colour }, data: [{ xAxis: Math.log10(l.offBelow) }] }
          : undefined,
      };
    }),
  };
}

/** A against η per synapse, one colour per run. */
export function aEtaOption(report: RuleReport, layer: number): Record<string, unknown> {
  const runs = report.runs.filter((r) => r.layers[layer]?.scatter);
  return {
    backgroundColor: 'transparent',
    animation: false,
    tooltip: { trigger: 'item' },
    legend: { top: 0, data: runs.map(runLabel) },
    grid: { left: 55, right: 15, top: 30, bottom: 36 },
    xAxis: { type: 'value', name: 'A', nameLocation: 'middle', nameGap: 22, scale: true },
    yAxis: { type: 'value', name: 'η', nameLocation: 'middle', nameGap: 30, scale: true, axisLine: { onZero: false } },
    series: runs.map((r, k) => {
      const { a, eta } = r.layers[layer]!.scatter!;
      return { name: runLabel(r), type: 'scatter', symbolSize: 2, large: true, data: a.map((x, i) => [x, eta[i]]), itemStyle: { color: PALETTE[k % PALETTE.length], opacity: 0.5 } };
    }),
  };
}
