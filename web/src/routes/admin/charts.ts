// ECharts, tree-shaken: only the bar and line charts and the pieces they use, SVG rendered.
// Imported dynamically by the dashboard alone, so no other page (and no teacher) loads it.
import * as echarts from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, MarkLineComponent, TooltipComponent, SVGRenderer]);

export interface Series {
  name: string;
  values: number[];
  /** A target drawn as a dashed line across the chart. */
  target?: number;
  color: string;
}

export function barChart(el: HTMLElement, categories: string[], series: Series[], opts: { percent?: boolean } = {}) {
  const chart = echarts.getInstanceByDom(el) ?? echarts.init(el, undefined, { renderer: 'svg' });
  chart.setOption(
    {
      animation: false,
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 48, right: 24, top: 36, bottom: 56 },
      xAxis: { type: 'category', data: categories, axisLabel: { interval: 0, rotate: categories.length > 6 ? 30 : 0 } },
      yAxis: { type: 'value', max: opts.percent ? 100 : undefined, axisLabel: { formatter: opts.percent ? '{value}%' : '{value}' } },
      series: series.map((s) => ({
        name: s.name,
        type: 'bar',
        data: s.values,
        itemStyle: { color: s.color },
        markLine:
          s.target === undefined
            ? undefined
            : { symbol: 'none', lineStyle: { type: 'dashed', color: s.color, width: 2 }, label: { formatter: `${s.target}${opts.percent ? '%' : ''}` }, data: [{ yAxis: s.target }] },
      })),
    },
    true,
  );
  return chart;
}

export function dispose(el: HTMLElement | undefined) {
  if (el) echarts.getInstanceByDom(el)?.dispose();
}
