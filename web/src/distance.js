// The distance tool: click two sites, read their geodesic distance (computed here, see geodesy.js).

import { el } from './dom.js';
import { siteDistance } from './geodesy.js';

/** Points along the great circle from a to b ([lon, lat] degrees), for drawing only. */
export function greatCircle(a, b, n = 64) {
  const rad = Math.PI / 180;
  const [l1, p1, l2, p2] = [a[0] * rad, a[1] * rad, b[0] * rad, b[1] * rad];
  const v = (l, p) => [Math.cos(p) * Math.cos(l), Math.cos(p) * Math.sin(l), Math.sin(p)];
  const [u, w] = [v(l1, p1), v(l2, p2)];
  const dot = Math.min(1, Math.max(-1, u[0] * w[0] + u[1] * w[1] + u[2] * w[2]));
  const omega = Math.acos(dot);
  if (omega < 1e-9) return [a, b];
  const out = [];
  for (let i = 0; i <= n; i += 1) {
    const t = i / n;
    const s1 = Math.sin((1 - t) * omega) / Math.sin(omega);
    const s2 = Math.sin(t * omega) / Math.sin(omega);
    const x = s1 * u[0] + s2 * w[0];
    const y = s1 * u[1] + s2 * w[1];
    const z = s1 * u[2] + s2 * w[2];
    out.push([Math.atan2(y, x) / rad, Math.atan2(z, Math.hypot(x, y)) / rad]);
  }
  return out;
}

/** Adds the Distance control; returns { active(), click(siteId), distance(a, b) }. */
export function distanceTool(ctx) {
  const { map, siteById } = ctx;
  const measure = { on: false, a: null, b: null };
  const result = document.getElementById('measure-result');

  function distance(a, b) {
    const sa = siteById.get(a);
    const sb = siteById.get(b);
    if (!sa?.located || !sb?.located) return null;
    return siteDistance(sa, sb);
  }

  function update() {
    const pts = [measure.a, measure.b].filter(Boolean).map((id) => siteById.get(id)).map((s) => [s.lon, s.lat]);
    const features = pts.map((c) => ({ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: c } }));
    if (pts.length === 2) {
      features.push({ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: greatCircle(pts[0], pts[1]) } });
    }
    map.getSource('gazmap-measure')?.setData({ type: 'FeatureCollection', features });
    if (!measure.on) {
      result.hidden = true;
      return;
    }
    result.hidden = false;
    const a = siteById.get(measure.a);
    const b = siteById.get(measure.b);
    if (!a) result.textContent = 'Distance: click a first site.';
    else if (!b) result.textContent = `From ${a.name}: click a second site.`;
    else {
      const d = distance(a.id, b.id);
      result.replaceChildren(
        el('strong', {}, `${a.name} → ${b.name}: `),
        el('span', { class: 'km', 'data-km': d.km }, `${d.km.toFixed(3)} km`),
        ` (geodesic, WGS84; ${d.min_km.toFixed(1)}–${d.max_km.toFixed(1)} km allowing for location uncertainty). Click another site to start again.`);
    }
  }

  class MeasureControl {
    onAdd() {
      this.button = el('button', {
        type: 'button', class: 'measure-button', title: 'Measure the geodesic distance between two sites', 'aria-pressed': 'false',
        onclick: () => {
          measure.on = !measure.on;
          measure.a = null;
          measure.b = null;
          this.button.setAttribute('aria-pressed', String(measure.on));
          map.getCanvas().style.cursor = measure.on ? 'crosshair' : '';
          ctx.closePopup?.();
          update();
        },
      }, 'Distance');
      this.container = el('div', { class: 'maplibregl-ctrl maplibregl-ctrl-group' }, this.button);
      return this.container;
    }

    onRemove() { this.container.remove(); }
  }
  map.addControl(new MeasureControl(), 'top-left');

  map.on('load', () => {
    map.addSource('gazmap-measure', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
    map.addLayer({ id: 'gazmap-measure-line', type: 'line', source: 'gazmap-measure', filter: ['==', ['geometry-type'], 'LineString'], paint: { 'line-color': '#111', 'line-width': 2, 'line-dasharray': ['literal', [2, 1]] } });
    map.addLayer({ id: 'gazmap-measure-points', type: 'circle', source: 'gazmap-measure', filter: ['==', ['geometry-type'], 'Point'], paint: { 'circle-radius': 9, 'circle-color': 'rgba(0,0,0,0)', 'circle-stroke-color': '#111', 'circle-stroke-width': 2 } });
  });

  return {
    active: () => measure.on,
    click(id) {
      if (!measure.a || measure.b) {
        measure.a = id;
        measure.b = null;
      } else if (id !== measure.a) {
        measure.b = id;
      }
      update();
    },
    distance,
  };
}
