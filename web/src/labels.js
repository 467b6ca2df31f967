// Site labels as HTML markers (no glyph server needed), placed greedily without overlaps, most
// eventful sites first.

import * as maplibregl from './vendor/maplibre-gl.mjs';
import { el } from './dom.js';

export function siteLabels(ctx) {
  const { map, atlas } = ctx;
  const labelled = atlas.sites.filter((s) => s.located && s.lon !== null && s.lat !== null)
    .sort((a, b) => (b.event_count ?? 0) - (a.event_count ?? 0) || a.name.localeCompare(b.name));
  const labels = labelled.map((s) => {
    const node = el('div', { class: 'site-label', 'data-id': s.id, 'aria-hidden': 'true' }, s.name);
    const marker = new maplibregl.Marker({ element: node, anchor: 'left', offset: [9, 0] })
      .setLngLat([s.lon, s.lat]).addTo(map);
    return { site: s, node, marker };
  });
  function place() {
    const placed = [];
    const { clientWidth: W, clientHeight: H } = map.getContainer();
    for (const l of labels) {
      const p = map.project([l.site.lon, l.site.lat]);
      const w = l.node.offsetWidth;
      const h = l.node.offsetHeight;
      const box = [p.x + 9, p.y - h / 2, p.x + 9 + w, p.y + h / 2];
      const inside = box[0] >= 0 && box[2] <= W && box[1] >= 0 && box[3] <= H;
      const free = placed.every((q) => box[2] < q[0] || box[0] > q[2] || box[3] < q[1] || box[1] > q[3]);
      const show = inside && free;
      if (show) placed.push(box);
      l.node.classList.toggle('hidden', !show);
    }
  }
  map.on('moveend', place);
  map.on('load', place);
}
