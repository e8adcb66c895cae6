/**
 * ECharts options rendered to SVG strings in Node (server-side rendering: no DOM, no canvas), for files. ECharts is
 * loaded on first use (`loadSvgCharts`), not at import: it costs about 1.5 s of every CLI start otherwise.
 */
type Echarts = typeof import('echarts/core');
let echarts: Echarts | undefined;

/** Loads ECharts and the chart types the files use; call (and await) before `renderSvg`. */
export async function loadSvgCharts(): Promise<void> {
  if (echarts) return;
  const [core, charts, components, renderers] = await Promise.all([import('echarts/core'), import('echarts/charts'), import('echarts/components'), import('echarts/renderers')]);
  core.use([
    charts.BarChart, charts.LineChart, charts.ScatterChart, components.GridComponent, components.LegendComponent, components.MarkAreaComponent,
    components.MarkLineComponent, components.TitleComponent, components.TooltipComponent, components.VisualMapComponent, renderers.SVGRenderer,
  ]);
  echarts = core;
}

export interface SvgOptions {
  readonly width?: number;
  readonly height?: number;
  /** 'dark' for the docs' images (the app's look), 'light' for pages that print. */
  readonly theme?: 'dark' | 'light';
}

export function renderSvg(option: Record<string, unknown>, { width = 900, height = 420, theme = 'dark' }: SvgOptions = {}): string {
  if (!echarts) throw new Error('renderSvg before loadSvgCharts(): ECharts is not loaded');
  const chart = echarts.init(null, theme === 'dark' ? 'dark' : undefined, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ ...option, animation: false, backgroundColor: theme === 'dark' ? '#100c2a' : '#ffffff' });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}
