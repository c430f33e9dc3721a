// otsight portal: progressive enhancement of server-rendered pages.
// Every chart is a <div data-chart="KIND" data-src="/api/v1/..."> whose JSON
// twin supplies the data; the page is complete without this script.
import * as echarts from 'echarts/core';
import { LineChart } from 'echarts/charts';
import {
  GridComponent,
  TooltipComponent,
  DataZoomComponent,
  LegendComponent,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

import { formatBytes } from './format.js';
import './admin.js';
import './devices.js';
import './maps.js';

echarts.use([LineChart, GridComponent, TooltipComponent, DataZoomComponent, LegendComponent, CanvasRenderer]);

// The server formats times in the tenant's time zone and sends them as
// labels, so the browser's own zone never shows.
function seriesOf(data) {
  const labels = (data.points || []).map((p) => p.label);
  const series = (data.series || []).map((s) => ({
    name: s.name,
    type: 'line',
    showSymbol: false,
    areaStyle: data.series.length === 1 ? {} : undefined,
    data: s.values,
  }));
  return { labels, series };
}

function sparkline(el, data) {
  const { labels, series } = seriesOf(data);
  return {
    animation: false,
    grid: { left: 2, right: 2, top: 4, bottom: 2 },
    xAxis: { type: 'category', data: labels, show: false, boundaryGap: false },
    yAxis: { type: 'value', show: false },
    tooltip: { trigger: 'axis', valueFormatter: formatBytes },
    series,
  };
}

function traffic(el, data) {
  const { labels, series } = seriesOf(data);
  return {
    animation: false,
    grid: { left: 72, right: 24, top: 36, bottom: 72 },
    legend: { show: series.length > 1, type: 'scroll', top: 0 },
    xAxis: { type: 'category', data: labels, boundaryGap: false },
    yAxis: { type: 'value', axisLabel: { formatter: formatBytes } },
    tooltip: { trigger: 'axis', valueFormatter: formatBytes },
    dataZoom: [{ type: 'inside' }, { type: 'slider' }],
    series,
  };
}

const kinds = { sparkline, traffic };

async function render(el) {
  const kind = kinds[el.dataset.chart];
  if (!kind) return;
  try {
    const res = await fetch(el.dataset.src, {
      credentials: 'same-origin',
      headers: { Accept: 'application/json' },
    });
    if (!res.ok) throw new Error(`${res.status}`);
    const data = await res.json();
    const chart = echarts.init(el, null, { renderer: 'canvas' });
    chart.setOption(kind(el, data));
    el.classList.add('chart-ready');
    window.addEventListener('resize', () => chart.resize());
  } catch (err) {
    el.classList.add('chart-failed');
    el.textContent = el.dataset.failed || String(err);
  }
}

function init() {
  document.querySelectorAll('[data-chart]').forEach(render);
}

if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', init);
} else {
  init();
}
