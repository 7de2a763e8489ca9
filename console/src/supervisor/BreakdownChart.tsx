// Why Apache ECharts: an Apache Software Foundation project (Apache-2.0, no vendor lock-in), with Chinese as a
// built-in locale (axis and tooltip words in zh-CN without extra files) and the charting library Chinese health
// administrations and their vendors already use. It draws on a canvas, so labels are pixels: a station name set by an
// administrator can never become markup. Only the parts used are imported (echarts/core, the bar chart, four
// components and the canvas renderer) and the chunk is loaded only when a report is opened (React.lazy).
import { BarChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TitleComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

echarts.use([BarChart, GridComponent, LegendComponent, TitleComponent, TooltipComponent, CanvasRenderer]);

export interface ChartSeries {
  name: string;
  /** Seconds per group, in the order of `groups`; null where the group has no such interval. */
  data: (number | null)[];
}

const COLOURS = ['#a78bfa', '#38bdf8', '#f59e0b', '#22c55e', '#ef4444', '#a855f7', '#3b82f6'];

/**
 * The breakdown as horizontal stacked bars, one bar per group and one segment per interval (minutes or seconds), so a
 * response reads left to right from the ring to the handover. Light text on the console's dark panels; dark text
 * while printing.
 */
export default function BreakdownChart({
  title,
  groups,
  series,
  lang,
  unit,
  secondsPerUnit,
}: {
  title: string;
  groups: string[];
  series: ChartSeries[];
  lang: 'zh-CN' | 'en';
  unit: string;
  /** 60 for minutes on the axis, 1 for seconds. */
  secondsPerUnit: number;
}) {
  const element = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!element.current) return;
    const chart = echarts.init(element.current, undefined, { renderer: 'canvas', locale: lang === 'en' ? 'EN' : 'ZH' });
    const draw = (printing: boolean) => {
      const text = printing ? '#111827' : '#cbd5e1';
      const line = printing ? '#d1d5db' : '#263550';
      chart.setOption(
        {
          animation: false,
          color: COLOURS,
          // The console's own CJK font stack, not the canvas default.
          textStyle: { fontFamily: getComputedStyle(element.current ?? document.body).fontFamily },
          title: { text: title, left: 8, top: 4, textStyle: { color: text, fontSize: 13 } },
          legend: { top: 28, textStyle: { color: text } },
          // Rich text, drawn on the canvas: no HTML tooltip, so no name is ever parsed as markup.
          tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, renderMode: 'richText', valueFormatter: (v: unknown) => (typeof v === 'number' ? `${v.toFixed(1)} ${unit}` : '—') },
          grid: { left: 8, right: 44, top: 64, bottom: 8, containLabel: true },
          xAxis: { type: 'value', name: unit, axisLabel: { color: text }, splitLine: { lineStyle: { color: line } } },
          yAxis: { type: 'category', data: groups, inverse: true, axisLabel: { color: text, width: 160, overflow: 'truncate' } },
          series: series.map((s) => ({ type: 'bar', stack: 'response', name: s.name, data: s.data.map((v) => (v === null ? null : v / secondsPerUnit)), barMaxWidth: 26 })),
        },
        true,
      );
    };
    draw(false);
    const media = window.matchMedia('print');
    const onPrint = () => {
      draw(media.matches);
      chart.resize();
    };
    media.addEventListener('change', onPrint);
    const resize = new ResizeObserver(() => chart.resize());
    resize.observe(element.current);
    return () => {
      media.removeEventListener('change', onPrint);
      resize.disconnect();
      chart.dispose();
    };
  }, [title, groups, series, lang, unit, secondsPerUnit]);
  return <div ref={element} className="breakdown-chart" style={{ height: Math.max(220, 80 + groups.length * 34) }} />;
}
