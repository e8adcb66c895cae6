// Renders the learning curves of stored runs as an SVG (the Compare page's charts, server-side), for docs:
//   npx tsx scripts/results-chart.ts --db PATH --out FILE.svg RUN RUN...
// writes FILE.svg and FILE-wall.svg (by generation, by wall time), and FILE-heldout.svg when the runs tested their
// centres on held-out bodies.
import { LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TitleComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { writeFileSync } from 'node:fs';
import { compareOption, heldoutCompareOption, heldoutMorphologies } from '../src/renderer/src/compare';
import { compareRuns } from '../src/main/services/evaluation';
import { Store } from '../src/main/store/store';

echarts.use([LineChart, GridComponent, LegendComponent, TitleComponent, TooltipComponent, SVGRenderer]);
const args = process.argv.slice(2);
const take = (flag: string): string => {
  const i = args.indexOf(flag);
  if (i < 0 || !args[i + 1]) throw new Error(`usage: results-chart.ts --db PATH --out FILE.svg RUN...`);
  return args.splice(i, 2)[1]!;
};
const db = take('--db');
const out = take('--out');
const ids = args.map(Number);
const store = Store.open(db);
const runs = ids.map((id) => ({ id, name: store.getRun(id).name, config: store.getRun(id).config, generations: store.generations(id), heldout: store.heldout(id) }));
const groups = compareRuns(store, ids).rows.map((r) => ({ label: r.label, runs: r.runs }));
store.close();
const render = (option: Record<string, unknown>, file: string): void => {
  const chart = echarts.init(null, 'dark', { renderer: 'svg', ssr: true, width: 900, height: 420 });
  chart.setOption({ ...option, backgroundColor: '#100c2a' });
  writeFileSync(file, chart.renderToSVGString());
  chart.dispose();
};
render(compareOption(runs, groups, 'generation'), out);
render(compareOption(runs, groups, 'wall'), out.replace(/\.svg$/, '-wall.svg'));
if (heldoutMorphologies(runs).length > 0) render(heldoutCompareOption(runs, groups, 'generation'), out.replace(/\.svg$/, '-heldout.svg'));
