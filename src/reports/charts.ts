// Charts as server-side SVG: Apache ECharts' SSR renderer (no canvas, no browser). Loaded lazily.
import { raw, type Html } from '../http/html.ts';

const FONT = "'Noto Sans CJK SC','Noto Sans SC','Microsoft YaHei',sans-serif";

async function render(option: Record<string, unknown>, width = 680, height = 280): Promise<Html> {
  const echarts = await import('echarts');
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ animation: false, textStyle: { fontFamily: FONT }, ...option });
    return raw(chart.renderToSVGString());
  } finally {
    chart.dispose();
  }
}

export function lineChart(title: string, labels: string[], series: { name: string; data: number[] }[]): Promise<Html> {
  return render({
    title: { text: title, left: 'center', textStyle: { fontSize: 13, fontFamily: FONT } },
    legend: { bottom: 0, textStyle: { fontFamily: FONT } },
    grid: { left: 48, right: 20, top: 40, bottom: 50 },
    xAxis: { type: 'category', data: labels, axisLabel: { fontSize: 10 } },
    yAxis: { type: 'value', minInterval: 1 },
    series: series.map((s, i) => ({ type: 'line', name: s.name, data: s.data, symbolSize: 4, lineStyle: { type: i ? 'dashed' : 'solid' } })),
  });
}

export function barChart(title: string, labels: string[], series: { name: string; data: number[] }[], horizontal = false): Promise<Html> {
  const cat = { type: 'category', data: labels, axisLabel: { fontSize: 10, interval: 0, rotate: horizontal ? 0 : labels.length > 6 ? 30 : 0 } };
  const val = { type: 'value', minInterval: 1 };
  const h = horizontal ? Math.max(200, 40 + labels.length * 24) : 280;
  return render(
    {
      title: { text: title, left: 'center', textStyle: { fontSize: 13, fontFamily: FONT } },
      legend: { bottom: 0 },
      grid: { left: horizontal ? 130 : 48, right: 24, top: 40, bottom: horizontal ? 36 : 70 },
      xAxis: horizontal ? val : cat,
      yAxis: horizontal ? { ...cat, inverse: true } : val,
      series: series.map((s) => ({ type: 'bar', name: s.name, data: s.data, label: { show: series.length === 1, position: horizontal ? 'right' : 'top', fontSize: 10 } })),
    },
    680,
    h,
  );
}
