// Maps (V2-1 device map, V2-2 service map): <div data-map="devices|services"
// data-src="/api/v1/maps/..."> draws the graph its JSON twin describes. The
// server computes the positions (layout "none"; see maplayout.go for the
// measurement behind that), so the browser only draws: zoom with the wheel,
// pan by dragging, click a device to open its page.
import * as echarts from 'echarts/core';
import { GraphChart } from 'echarts/charts';
import { TooltipComponent, LegendComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

import { formatBytes } from './format.js';

echarts.use([GraphChart, TooltipComponent, LegendComponent, CanvasRenderer]);

const OT_COLOUR = '#c2410c';
const IT_COLOUR = '#94a3b8';
const SERVICE_COLOUR = '#7c3aed';

function option(el, data) {
  const cats = [
    { name: el.dataset.ot, itemStyle: { color: OT_COLOUR } },
    { name: el.dataset.it, itemStyle: { color: '#2563eb' } },
    { name: el.dataset.service, itemStyle: { color: SERVICE_COLOUR } },
  ];
  const maxBytes = Math.max(1, ...data.nodes.map((n) => n.bytes));
  const nodes = data.nodes.map((n) => ({
    name: n.id,
    value: n.bytes,
    x: n.x,
    y: n.y,
    category: n.kind === 'service' ? 2 : n.ot ? 0 : 1,
    symbol: n.kind === 'service' ? 'diamond' : 'circle',
    symbolSize: 5 + 11 * Math.sqrt(n.bytes / maxBytes),
    label: { show: n.kind === 'service', formatter: n.label },
    tooltip: { formatter: `${n.label}<br>${n.group}<br>${formatBytes(n.bytes)}` },
    url: n.url,
  }));
  // Group names (sensor and subnet, or services) above their groups, as
  // label-only nodes after the real ones so the links' indices still hold.
  for (const g of data.layout === 'force' ? [] : data.groups || []) {
    nodes.push({
      name: `group:${g.name}`,
      x: g.x,
      y: g.y,
      symbolSize: 0,
      silent: true,
      label: { show: true, position: 'inside', fontSize: 11, fontWeight: 'bold', color: '#334155', formatter: g.name === 'services' ? el.dataset.service : g.name },
      tooltip: { show: false },
    });
  }
  const links = data.links.map((l) => ({
    source: l.source,
    target: l.target,
    value: l.bytes,
    lineStyle: l.ot
      ? { color: OT_COLOUR, width: 1.6, opacity: 0.9 }
      : { color: IT_COLOUR, width: 0.6, opacity: 0.5, type: 'dashed' },
    tooltip: {
      formatter: `${data.nodes[l.source].label} → ${data.nodes[l.target].label}<br>${
        (l.protocols || []).join(', ')}${l.protocols ? '<br>' : ''}${formatBytes(l.bytes)}`,
    },
  }));
  const force = data.layout === 'force';
  return {
    animation: false,
    tooltip: { confine: true },
    legend: { data: cats.map((c) => c.name), top: 0 },
    series: [{
      type: 'graph',
      layout: force ? 'force' : 'none',
      force: force ? { repulsion: 40, edgeLength: 30, layoutAnimation: false } : undefined,
      roam: true,
      scaleLimit: { min: 0.2, max: 20 },
      categories: cats,
      data: nodes,
      links,
      edgeSymbol: ['none', 'arrow'],
      edgeSymbolSize: 4,
      labelLayout: { hideOverlap: true },
      emphasis: { focus: 'adjacency', label: { show: true } },
      label: { position: 'right', fontSize: 10 },
      top: 32,
    }],
  };
}

async function draw(el) {
  const started = performance.now();
  try {
    const res = await fetch(el.dataset.src, {
      credentials: 'same-origin',
      headers: { Accept: 'application/json' },
    });
    if (!res.ok) throw new Error(`${res.status}`);
    const data = await res.json();
    const fetched = performance.now();
    const chart = echarts.init(el, null, { renderer: 'canvas' });
    chart.on('finished', () => {
      if (el.classList.contains('chart-ready')) return;
      // Read by the 1,500-device browser test: fetch and draw times.
      el.dataset.fetchMs = String(Math.round(fetched - started));
      el.dataset.drawMs = String(Math.round(performance.now() - fetched));
      el.classList.add('chart-ready');
    });
    chart.on('click', (p) => {
      if (p.dataType === 'node' && p.data.url) window.location.assign(p.data.url);
    });
    chart.setOption(option(el, data));
    el.otsightChart = chart; // for the browser test's click on a node
    window.addEventListener('resize', () => chart.resize());
  } catch (err) {
    el.classList.add('chart-failed');
    el.textContent = el.dataset.failed || String(err);
  }
}

function init() {
  document.querySelectorAll('[data-map]').forEach(draw);
}

if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', init);
} else {
  init();
}
