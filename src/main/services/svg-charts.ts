/** ECharts options rendered to SVG strings in Node (server-side rendering: no DOM, no canvas), for files. */
import { BarChart, LineChart, ScatterChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkAreaComponent, MarkLineComponent, TitleComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';

echarts.use([
  BarChart, LineChart, ScatterChart, GridComponent, LegendComponent, MarkAreaComponent, MarkLineComponent, TitleComponent, TooltipComponent, VisualMapComponent, SVGRenderer,
]);

export interface SvgOptions {
  readonly width?: number;
  readonly height?: number;
  /** 'dark' for the docs' images (the app's look), 'light' for pages that print. */
  readonly theme?: 'dark' | 'light';
}

export function renderSvg(option: Record<string, unknown>, { width = 900, height = 420, theme = 'dark' }: SvgOptions = {}): string {
  const chart = echarts.init(null, theme === 'dark' ? 'dark' : undefined, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ ...option, animation: false, backgroundColor: theme === 'dark' ? '#100c2a' : '#ffffff' });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}
