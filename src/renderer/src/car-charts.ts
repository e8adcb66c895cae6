/**
 * The car replay's traces over the episode (pure: data in, ECharts option out): steer on −1 … 1, gas and brake on
 * 0 … 1, and the score (Σ reward), stacked on one frame axis so one cursor marks the frame in all four. Damage
 * windows are shaded on each.
 */
import { PALETTE, type FrameSpan } from '../../common/charts/charts';

/** Pixel layout of the stacked grids (top of each, and their common height). */
const TOP = 12;
const ROW = 62;
const GAP = 14;
export const CAR_TRACE_HEIGHT = TOP + 4 * ROW + 3 * GAP + 34;
/** The vertical span of the four grids (px from the chart's top), where the frame cursor is drawn. */
export const CAR_TRACE_SPAN = { top: TOP, height: 4 * ROW + 3 * GAP } as const;

interface Trace {
  readonly name: string;
  readonly min?: number;
  readonly max?: number;
  readonly colour: string;
  readonly data: readonly number[];
}

/**
 * `actions`: frames × 3 (steer, gas, brake applied in the step into each frame; frame 0's are zeros);
 * `score`: Σ reward at each frame.
 */
export function carTraceOption(actions: ArrayLike<number>, score: ArrayLike<number>, spans: readonly FrameSpan[]): Record<string, unknown> {
  const frames = score.length;
  const column = (c: number): number[] => Array.from({ length: frames }, (_, f) => actions[3 * f + c]!);
  const traces: Trace[] = [
    { name: 'steer', min: -1, max: 1, colour: PALETTE[0]!, data: column(0) },
    { name: 'gas', min: 0, max: 1, colour: PALETTE[2]!, data: column(1) },
    { name: 'brake', min: 0, max: 1, colour: PALETTE[4]!, data: column(2) },
    { name: 'score', colour: PALETTE[5]!, data: Array.from(score) },
  ];
  const last = Math.max(1, frames - 1);
  const shaded = {
    silent: true,
    itemStyle: { color: 'rgba(255, 123, 114, 0.16)' },
    data: spans.map((s) => [{ xAxis: s.from, name: s.label }, { xAxis: Math.max(s.to, s.from + 1) }]),
  };
  return {
    backgroundColor: 'transparent',
    animation: false,
    tooltip: { trigger: 'axis' },
    axisPointer: { link: [{ xAxisIndex: 'all' }] },
    grid: traces.map((_, i) => ({ left: 64, right: 16, top: TOP + i * (ROW + GAP), height: ROW })),
    xAxis: traces.map((_, i) => ({
      type: 'value', gridIndex: i, min: 0, max: last,
      axisLabel: { show: i === traces.length - 1 },
      ...(i === traces.length - 1 ? { name: 'frame (env step)', nameLocation: 'middle', nameGap: 22 } : {}),
    })),
    yAxis: traces.map((t, i) => ({
      type: 'value', gridIndex: i, name: t.name, nameLocation: 'middle', nameGap: 42, nameTextStyle: { color: t.colour },
      ...(t.min === undefined ? { scale: true, splitNumber: 2 } : { min: t.min, max: t.max, interval: t.max! - t.min === 2 ? 1 : 0.5 }),
    })),
    series: traces.map((t, i) => ({
      name: t.name, type: 'line', symbol: 'none', xAxisIndex: i, yAxisIndex: i, step: t.name === 'score' ? undefined : 'end',
      data: t.data.map((v, f) => [f, v]), lineStyle: { width: 1.5, color: t.colour }, itemStyle: { color: t.colour },
      markArea: shaded,
    })),
  };
}
