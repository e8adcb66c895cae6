/**
 * ECharts options rendered to SVG text in Node (ECharts' server-side rendering, no DOM): the CLI's chart exports,
 * drawn by the same option builders as the GUI's charts.
 */
import { BarChart, LineChart, ScatterChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkAreaComponent, MarkLineComponent, TitleComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';

echarts.use([BarChart, LineChart, ScatterChart, GridComponent, LegendComponent, MarkAreaComponent, MarkLineComponent, TitleComponent, TooltipComponent, VisualMapComponent, SVGRenderer]);

/** A self-contained SVG document of `option` at `width` × `height` pixels, on the GUI's dark background. */
export function renderSvg(option: Record<string, unknown>, width: number, height: number): string {
  const chart = echarts.init(null, 'dark', { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ ...option, animation: false, backgroundColor: '#100c2a' });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}
