// The gazmap web map. Reads atlas.json and style.json (written by `gazmap build`), draws the
// atlas with MapLibre GL JS from a PMTiles archive or GeoJSON files, and adds the time slider,
// popups with quotes, the source-text panel, layer toggles, legend, transfers table and distance
// tool. Every request stays on the site's own origin.
//
// The map object is `window.map`; `window.gazmap` has the atlas, `setDate(iso)`, `openSource()`
// and `ready` (a promise resolved once the first full render is done).

import * as maplibregl from './vendor/maplibre-gl.mjs';
import { activity, describeDates, fromDays, longDate, periodsAt, toDays } from './time.js';
import { drawSymbol, symbolCanvas, symbolImage } from './symbols.js';

const $ = (sel) => document.querySelector(sel);

/** Creates an element with attributes and children (strings become text nodes). */
function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

async function getJson(url) {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return r.json();
}

const absolute = (url) => new URL(url, window.location.href).href;

/** Makes the style's data URLs absolute (workers resolve relative URLs against their script). */
function resolveSources(style) {
  for (const source of Object.values(style.sources)) {
    if (typeof source.url === 'string' && source.url.startsWith('pmtiles://')) {
      source.url = `pmtiles://${absolute(source.url.slice('pmtiles://'.length))}`;
    } else if (typeof source.url === 'string') {
      source.url = absolute(source.url);
    }
    if (typeof source.data === 'string') source.data = absolute(source.data);
  }
  return style;
}

const fmtKm = (x) => (x === null || x === undefined || x === '' ? '—'
  : Number(x).toLocaleString('en', { maximumFractionDigits: Number(x) < 10 ? 2 : 1 }));

/** Layers a click looks at, most specific first. */
const CLICK_ORDER = ['sites', 'events', 'transfers', 'claims', 'lines', 'event_areas', 'uncertainty'];

async function main() {
  const [atlas, style] = await Promise.all([getJson('atlas.json'), getJson('style.json')]);
  document.title = atlas.title;
  $('#title').textContent = atlas.title;

  if (atlas.data.mode === 'pmtiles') {
    const protocol = new window.pmtiles.Protocol();
    maplibregl.addProtocol('pmtiles', protocol.tile);
  }
  resolveSources(style);

  const styleLayersOf = {};
  for (const l of style.layers) {
    const name = l.metadata?.['gazmap:layer'];
    if (name) (styleLayersOf[name] ??= []).push(l.id);
  }
  // Label style from src/style (the QGIS labels use the same).
  const root = document.documentElement.style;
  root.setProperty('--label-font', `"${atlas.labels.font}"`);
  root.setProperty('--label-size', `${atlas.labels.size_pt}pt`);
  root.setProperty('--label-colour', atlas.labels.colour);
  root.setProperty('--label-halo', atlas.labels.halo);
  root.setProperty('--label-halo-px', `${atlas.labels.halo_px}px`);
  const symbols = Object.fromEntries(atlas.site_symbols.map((s) => [`site-${s.kind}`, s]));
  const [x0, y0, x1, y1] = atlas.extent;

  const map = new maplibregl.Map({
    container: 'map',
    style,
    bounds: [[x0, y0], [x1, y1]],
    fitBoundsOptions: { padding: 20 },
    attributionControl: { compact: true },
    // Lets tests and "save image" read the canvas back.
    canvasContextAttributes: { preserveDrawingBuffer: true },
    dragRotate: false,
    pitchWithRotate: false,
    maxPitch: 0,
  });
  window.map = map;
  map.touchZoomRotate.disableRotation();
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-left');
  map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-left');

  map.setMissingStyleImageResolver((id) => {
    const sym = symbols[id] ?? symbols['site-other'];
    if (sym && !map.hasImage(id)) map.addImage(id, symbolImage(sym, 2), { pixelRatio: 2 });
  });

  const state = { date: atlas.initial_date, all: !atlas.initial_date };
  // The style holds the time filter as global state; it can only be set once the style is in.
  let styleLoaded = false;
  function pushState() {
    if (!styleLoaded) return;
    map.setGlobalStateProperty('time_filter', !state.all);
    map.setGlobalStateProperty('date', state.date ?? '');
  }
  map.on('style.load', () => {
    styleLoaded = true;
    pushState();
  });
  const api = { atlas, map, state };
  window.gazmap = api;

  // ---------- time ----------
  const slider = $('#time-slider');
  const range = atlas.time_range ?? (atlas.initial_date
    ? { start: atlas.initial_date, end: atlas.initial_date } : null);
  const day0 = range ? toDays(range.start) : 0;
  if (range) {
    slider.max = String(toDays(range.end) - day0);
    slider.value = String(toDays(state.date ?? range.start) - day0);
  } else {
    $('#time').hidden = true;
  }
  const periodSelect = $('#period');
  for (const p of atlas.periods) {
    periodSelect.append(el('option', { value: p.id }, `${p.title} (${longDate(p.start)} – ${longDate(p.end)})`));
  }

  const listeners = [];
  function setDate(iso, { fromSlider = false } = {}) {
    if (Number.isNaN(toDays(iso))) throw new Error(`not a date: ${iso}`);
    state.date = iso;
    if (!fromSlider && range) slider.value = String(toDays(iso) - day0);
    $('#date-label').textContent = longDate(iso);
    $('#date-label').dataset.date = iso;
    pushState();
    const periods = periodsAt(atlas.periods, iso);
    $('#period-label').textContent = state.all ? 'All dates shown' : periods.map((p) => p.title).join(' · ');
    for (const f of listeners) f();
  }
  function setAll(all) {
    state.all = all;
    $('#time-all').checked = all;
    document.body.classList.toggle('all-dates', all);
    pushState();
    setDate(state.date ?? range?.start);
  }
  slider.addEventListener('input', () => {
    if (state.all) setAll(false);
    setDate(fromDays(day0 + Number(slider.value)), { fromSlider: true });
  });
  $('#time-all').addEventListener('change', (e) => setAll(e.target.checked));
  periodSelect.addEventListener('change', () => {
    const p = atlas.periods.find((x) => x.id === periodSelect.value);
    if (p) {
      if (state.all) setAll(false);
      setDate(p.start);
    }
    periodSelect.value = '';
  });

  let timer = null;
  const playButton = $('#play');
  function pause() {
    clearInterval(timer);
    timer = null;
    playButton.textContent = '▶';
    playButton.setAttribute('aria-label', 'Play through the timeline');
  }
  function play() {
    if (!range) return;
    if (state.all) setAll(false);
    if (Number(slider.value) >= Number(slider.max)) setDate(range.start);
    playButton.textContent = '⏸';
    playButton.setAttribute('aria-label', 'Pause');
    timer = setInterval(() => {
      const next = Number(slider.value) + 7;
      if (next > Number(slider.max)) {
        setDate(range.end);
        pause();
      } else {
        setDate(fromDays(day0 + next));
      }
    }, 250);
  }
  playButton.addEventListener('click', () => (timer ? pause() : play()));
  api.setDate = (iso) => {
    if (state.all) setAll(false);
    setDate(iso);
  };
  api.play = play;
  api.pause = pause;

  // ---------- tabs ----------
  function showTab(name) {
    for (const b of document.querySelectorAll('#tabs button')) {
      b.setAttribute('aria-selected', String(b.dataset.tab === name));
    }
    for (const s of document.querySelectorAll('.tab')) s.hidden = s.id !== `tab-${name}`;
  }
  for (const b of document.querySelectorAll('#tabs button')) {
    b.addEventListener('click', () => showTab(b.dataset.tab));
  }

  // ---------- about ----------
  $('#description').textContent = atlas.description;
  for (const c of atlas.credits) $('#credits').append(el('li', {}, c));
  $('#licence').textContent = `Licence: ${atlas.licence}`;

  // ---------- source text ----------
  let sourcesIndex = null;
  const texts = new Map();
  async function openSource(sourceId, charOffset, quote) {
    sourcesIndex ??= await getJson('sources.json');
    const src = sourcesIndex.find((s) => s.id === sourceId);
    if (!src) throw new Error(`unknown source ${sourceId}`);
    if (!texts.has(src.id)) {
      const r = await fetch(src.file);
      if (!r.ok) throw new Error(`${src.file}: HTTP ${r.status}`);
      texts.set(src.id, await r.text());
    }
    const text = texts.get(src.id);
    // Offsets count Unicode characters (code points), as gazmap's checks do.
    const chars = Array.from(text);
    let start = Number(charOffset);
    let len = Array.from(quote ?? '').length;
    if (!(Number.isInteger(start) && chars.slice(start, start + len).join('') === quote)) {
      const at = quote ? text.indexOf(quote) : -1;
      start = at >= 0 ? Array.from(text.slice(0, at)).length : -1;
      if (start < 0) len = 0;
    }
    $('#text-title').textContent = src.title;
    const meta = [src.author, src.published && `published ${src.published}`, src.licence]
      .filter(Boolean).join(' · ');
    $('#text-meta').textContent = meta;
    const panel = $('#text-panel');
    panel.replaceChildren();
    if (start >= 0) {
      panel.append(
        chars.slice(0, start).join(''),
        el('mark', { class: 'quote', id: 'quote-mark', 'data-offset': start }, chars.slice(start, start + len).join('')),
        chars.slice(start + len).join(''),
      );
    } else {
      panel.append(text);
    }
    showTab('text');
    const mark = $('#quote-mark');
    if (mark) mark.scrollIntoView({ block: 'center' });
    return start;
  }
  api.openSource = openSource;

  function quoteBlock(p) {
    if (!p.quote) return null;
    return el('div', { class: 'quote-block' },
      el('blockquote', {}, `“${p.quote}”`),
      el('div', { class: 'cite' },
        p.citation ?? '',
        ' · ',
        el('a', {
          href: '#',
          class: 'read-source',
          onclick: (ev) => {
            ev.preventDefault();
            openSource(p.source, p.char_offset, p.quote).catch(report);
          },
        }, 'Read in the source')));
  }

  // ---------- popups ----------
  const siteById = new Map(atlas.sites.map((s) => [s.id, s]));
  const symbolByKind = new Map(atlas.site_symbols.map((s) => [s.kind, s]));
  const kindLabel = (kind) => symbolByKind.get(kind)?.label ?? kind;

  function activityLine(p) {
    if (!p.start) return null;
    if (state.all) return null;
    const a = activity(p, state.date);
    const text = a === 'certain' ? 'certainly under way' : a === 'possible' ? 'possibly under way (fuzzy date)' : 'not under way';
    return el('p', { class: `activity ${a ?? 'inactive'}` }, `On ${longDate(state.date)}: ${text}.`);
  }

  function names(p) {
    if (!p.names) return null;
    const list = String(p.names).split(';').map((s) => s.trim()).filter(Boolean).map((n) => {
      const at = n.lastIndexOf('@');
      return at > 0 ? `${n.slice(0, at)} (${n.slice(at + 1)})` : n;
    });
    return list.length ? el('p', { class: 'names' }, `Also: ${list.join('; ')}`) : null;
  }

  function uncertaintyLine(p) {
    const r = Number(p.uncertainty_m);
    const basis = p.basis ?? p.site_basis;
    if (!basis && !r) return null;
    const radius = r ? (r >= 1000 ? `±${fmtKm(r / 1000)} km` : `±${Math.round(r)} m`) : 'exact';
    return el('p', { class: 'uncertainty' }, `Location: ${basis ?? ''}${basis ? ', ' : ''}${radius}`);
  }

  /** " (30–40)" when the row states a range of people, else nothing. */
  function peopleRange(p) {
    const has = (x) => x !== null && x !== undefined && x !== '';
    return has(p.people_min) && has(p.people_max) ? ` (${p.people_min}–${p.people_max})` : '';
  }

  function entry(layer, p) {
    const parts = [];
    switch (layer) {
      case 'sites':
        parts.push(el('h3', {}, p.name), el('p', { class: 'kind' }, kindLabel(p.kind)), names(p),
          uncertaintyLine(p), p.basis_reason ? el('p', { class: 'hint' }, p.basis_reason) : null);
        break;
      case 'events':
      case 'event_areas':
        parts.push(el('h3', {}, p.title), el('p', { class: 'kind' }, `${p.kind ?? 'event'}${p.site_name ? ` ${layer === 'event_areas' ? 'in' : 'at'} ${p.site_name}` : ''}`),
          el('p', { class: 'dates' }, describeDates(p)), activityLine(p),
          p.people_text ? el('p', {}, `People: ${p.people_text}${peopleRange(p)}`) : null, uncertaintyLine(p),
          p.disputed ? el('p', { class: 'disputed' }, `Disputed: ${p.disputed}`) : null);
        break;
      case 'transfers':
        parts.push(el('h3', {}, p.title),
          el('p', {}, `${p.from_name} → ${p.to_name}: ${fmtKm(p.distance_km)} km (${fmtKm(p.distance_min_km)}–${fmtKm(p.distance_max_km)} km allowing for location uncertainty)`),
          el('p', { class: 'dates' }, describeDates(p)), activityLine(p),
          p.people_text ? el('p', {}, `People: ${p.people_text}${peopleRange(p)}`) : null,
          p.mode ? el('p', {}, `Means: ${p.mode}`) : null,
          p.disputed ? el('p', { class: 'disputed' }, `Disputed: ${p.disputed}`) : null);
        break;
      case 'claims':
        parts.push(el('h3', {}, `Stated distance: ${fmtKm(p.stated_km)} km`),
          el('p', {}, `${siteById.get(p.from_site)?.name ?? p.from_site} → ${siteById.get(p.to_site)?.name ?? p.to_site}; computed ${fmtKm(p.computed_km)} km (${fmtKm(p.min_km)}–${fmtKm(p.max_km)}): ${p.status}`),
          p.notes ? el('p', { class: 'hint' }, p.notes) : null);
        break;
      case 'lines':
        parts.push(el('h3', {}, p.name), el('p', { class: 'kind' }, `${p.kind}${p.schematic === true || p.schematic === 'true' ? ', schematic course' : ''}`),
          p.geometry_ref ? el('p', { class: 'hint' }, p.geometry_ref) : null);
        break;
      case 'uncertainty':
        parts.push(el('h3', {}, `Where ${p.name} may be`), uncertaintyLine(p));
        break;
      default:
        parts.push(el('h3', {}, p.name ?? p.title ?? p.id));
    }
    parts.push(quoteBlock(p));
    return el('section', { class: `entry entry-${layer}`, 'data-layer': layer, 'data-id': p.id }, parts);
  }

  const interactive = () => CLICK_ORDER.flatMap((n) => styleLayersOf[n] ?? [])
    .filter((id) => map.getLayer(id) && map.getLayoutProperty(id, 'visibility') !== 'none');

  function featuresAt(point, radius = 5) {
    const box = [[point.x - radius, point.y - radius], [point.x + radius, point.y + radius]];
    const found = map.queryRenderedFeatures(box, { layers: interactive() });
    const seen = new Set();
    const out = [];
    for (const f of found) {
      const layer = f.layer.metadata?.['gazmap:layer'];
      const key = `${layer}/${f.properties.id}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ layer, properties: f.properties });
    }
    out.sort((a, b) => CLICK_ORDER.indexOf(a.layer) - CLICK_ORDER.indexOf(b.layer));
    // Uncertainty shapes and event areas are big: only when nothing else is there.
    const specific = out.filter((f) => f.layer !== 'uncertainty' && f.layer !== 'event_areas');
    return specific.length ? specific : out;
  }

  let popup = null;
  function showPopup(lngLat, found) {
    popup?.remove();
    const max = 20;
    const body = el('div', { class: 'popup-body' }, found.slice(0, max).map((f) => entry(f.layer, f.properties)),
      found.length > max ? el('p', { class: 'hint' }, `and ${found.length - max} more here: narrow the dates with the slider`) : null);
    popup = new maplibregl.Popup({ maxWidth: '360px', focusAfterOpen: false })
      .setLngLat(lngLat).setDOMContent(body).addTo(map);
    return popup;
  }
  api.showPopup = showPopup;

  // ---------- distance tool ----------
  const measure = { on: false, a: null, b: null };
  const measureIds = atlas.measures.ids;
  const measureIndex = new Map(measureIds.map((id, i) => [id, i]));
  function distance(a, b) {
    const i = measureIndex.get(a);
    const j = measureIndex.get(b);
    if (i === undefined || j === undefined) return null;
    return { km: atlas.measures.km[i][j], min_km: atlas.measures.min_km[i][j], max_km: atlas.measures.max_km[i][j] };
  }
  api.distance = distance;
  const measureResult = $('#measure-result');
  function updateMeasure() {
    const src = map.getSource('gazmap-measure');
    const pts = [measure.a, measure.b].filter(Boolean).map((id) => siteById.get(id)).map((s) => [s.lon, s.lat]);
    const features = pts.map((c) => ({ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: c } }));
    if (pts.length === 2) {
      features.push({ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: greatCircle(pts[0], pts[1]) } });
    }
    src?.setData({ type: 'FeatureCollection', features });
    if (!measure.on) {
      measureResult.hidden = true;
      return;
    }
    measureResult.hidden = false;
    const a = siteById.get(measure.a);
    const b = siteById.get(measure.b);
    if (!a) measureResult.textContent = 'Distance: click a first site.';
    else if (!b) measureResult.textContent = `From ${a.name}: click a second site.`;
    else {
      const d = distance(a.id, b.id);
      measureResult.replaceChildren(
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
          popup?.remove();
          updateMeasure();
        },
      }, 'Distance');
      this.container = el('div', { class: 'maplibregl-ctrl maplibregl-ctrl-group' }, this.button);
      return this.container;
    }
    onRemove() { this.container.remove(); }
  }
  map.addControl(new MeasureControl(), 'top-left');

  // ---------- clicks ----------
  map.on('click', (e) => {
    if (measure.on) {
      const site = featuresAt(e.point, 10).find((f) => f.layer === 'sites');
      if (!site) return;
      const id = site.properties.id;
      if (!measure.a || measure.b) {
        measure.a = id;
        measure.b = null;
      } else if (id !== measure.a) {
        measure.b = id;
      }
      updateMeasure();
      return;
    }
    const found = featuresAt(e.point);
    if (found.length) showPopup(e.lngLat, found);
  });
  map.on('mousemove', (e) => {
    if (measure.on) return;
    map.getCanvas().style.cursor = featuresAt(e.point, 3).length ? 'pointer' : '';
  });

  // ---------- transfers table ----------
  const tbody = $('#transfer-table tbody');
  const transfers = [...atlas.transfers].sort((a, b) => (a.start ?? '').localeCompare(b.start ?? '') || a.id.localeCompare(b.id));
  const rows = transfers.map((t) => {
    const tr = el('tr', {
      'data-id': t.id,
      tabindex: 0,
      onclick: () => focusTransfer(t),
      onkeydown: (ev) => { if (ev.key === 'Enter') focusTransfer(t); },
    },
    el('td', { class: 'when' }, t.when),
    el('td', {}, el('div', {}, `${t.from_name} → ${t.to_name}`), el('div', { class: 'hint' }, t.title)),
    el('td', { class: 'num km', 'data-km': t.located ? t.distance_km : null }, t.located ? fmtKm(t.distance_km) : '—',
      t.located ? el('div', { class: 'hint' }, `${fmtKm(t.distance_min_km)}–${fmtKm(t.distance_max_km)}`) : null),
    el('td', { class: 'num' }, t.people_text || (t.people ?? '')));
    tbody.append(tr);
    return [t, tr];
  });
  function markTransfers() {
    for (const [t, tr] of rows) {
      const a = state.all ? null : activity(t, state.date);
      tr.classList.toggle('certain', a === 'certain');
      tr.classList.toggle('possible', a === 'possible');
    }
  }
  listeners.push(markTransfers);
  function focusTransfer(t) {
    const a = siteById.get(t.from_site);
    const b = siteById.get(t.to_site);
    const pts = [a, b].filter((s) => s && s.lon !== null);
    if (pts.length === 2) {
      const bounds = new maplibregl.LngLatBounds([pts[0].lon, pts[0].lat], [pts[0].lon, pts[0].lat]);
      bounds.extend([pts[1].lon, pts[1].lat]);
      map.fitBounds(bounds, { padding: 60, maxZoom: 9 });
      const mid = greatCircle([a.lon, a.lat], [b.lon, b.lat], 2)[1];
      showPopup(mid, [{ layer: 'transfers', properties: t }]);
    } else {
      showPopup(map.getCenter(), [{ layer: 'transfers', properties: t }]);
    }
  }

  // ---------- what is under way at the date ----------
  const nowList = $('#now-list');
  const timeline = [
    ...atlas.events.map((e) => ({ layer: 'events', p: e, place: e.site_name })),
    ...atlas.transfers.map((t) => ({ layer: 'transfers', p: t, place: `${t.from_name} → ${t.to_name}` })),
  ].sort((a, b) => (a.p.start ?? '').localeCompare(b.p.start ?? '') || a.p.id.localeCompare(b.p.id));
  function focusEvent(item) {
    if (item.layer === 'transfers') {
      focusTransfer(item.p);
      return;
    }
    const site = siteById.get(item.p.site);
    if (site && site.lon !== null) {
      map.easeTo({ center: [site.lon, site.lat], zoom: Math.max(map.getZoom(), 8) });
      showPopup([site.lon, site.lat], [{ layer: 'events', properties: item.p }]);
    } else {
      openSource(item.p.source, item.p.char_offset, item.p.quote).catch(report);
    }
  }
  function updateNow() {
    $('#now-title').textContent = state.all ? 'All events and movements' : `Under way on ${longDate(state.date)}`;
    const items = [];
    for (const item of timeline) {
      const a = state.all ? 'all' : activity(item.p, state.date);
      if (!a) continue;
      items.push(el('li', {
        class: `now-item ${a}`, 'data-id': item.p.id, 'data-layer': item.layer, tabindex: 0,
        onclick: () => focusEvent(item),
        onkeydown: (ev) => { if (ev.key === 'Enter') focusEvent(item); },
      },
      a === 'all' ? null : el('span', { class: `badge ${a}` }, a),
      ` ${item.p.title}`,
      el('div', { class: 'hint' }, `${item.p.when}${item.place ? ` · ${item.place}` : ' · no place'}${item.p.located ? '' : ' (not on the map)'}`)));
    }
    nowList.replaceChildren(...(items.length ? items : [el('li', { class: 'hint' }, 'Nothing the account dates to this day.')]));
  }
  listeners.push(updateNow);

  // ---------- layer toggles and legend ----------
  const toggles = $('#layer-toggles');
  for (const l of atlas.layers) {
    const ids = styleLayersOf[l.name];
    if (!ids) continue;
    const box = el('input', {
      type: 'checkbox', checked: true, 'data-layer': l.name,
      onchange: (ev) => setLayerVisible(l.name, ev.target.checked),
    });
    const count = l.role === 'atlas' ? el('span', { class: 'hint' }, ` ${l.located} on the map${l.features > l.located ? `, ${l.features - l.located} without a place` : ''}`) : null;
    toggles.append(el('li', { class: `toggle-${l.role}` }, el('label', {}, box, ` ${l.title}`, count)));
  }
  function setLayerVisible(name, visible) {
    for (const id of styleLayersOf[name] ?? []) map.setLayoutProperty(id, 'visibility', visible ? 'visible' : 'none');
    if (name === 'sites') document.body.classList.toggle('hide-labels', !visible);
  }
  api.setLayerVisible = setLayerVisible;

  const legend = $('#legend');
  for (const group of atlas.legend) {
    const items = group.items.map((item) => el('li', {}, swatch(item, symbolByKind), ` ${item.label}`));
    legend.append(el('div', { class: 'legend-group', 'data-layer': group.layer }, el('h3', {}, group.title), el('ul', {}, items)));
  }

  // ---------- labels (HTML, so no glyph server is needed) ----------
  const labelled = atlas.sites.filter((s) => s.located && s.lon !== null && s.lat !== null)
    .sort((a, b) => (b.event_count ?? 0) - (a.event_count ?? 0) || a.name.localeCompare(b.name));
  const labels = labelled.map((s) => {
    const node = el('div', { class: 'site-label', 'data-id': s.id }, s.name);
    const marker = new maplibregl.Marker({ element: node, anchor: 'left', offset: [9, 0] })
      .setLngLat([s.lon, s.lat]).addTo(map);
    return { site: s, node, marker };
  });
  function placeLabels() {
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
  map.on('moveend', placeLabels);

  // ---------- measure layer (added once the style is in) ----------
  map.on('load', () => {
    map.addSource('gazmap-measure', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
    map.addLayer({ id: 'gazmap-measure-line', type: 'line', source: 'gazmap-measure', filter: ['==', ['geometry-type'], 'LineString'], paint: { 'line-color': '#111', 'line-width': 2, 'line-dasharray': ['literal', [2, 1]] } });
    map.addLayer({ id: 'gazmap-measure-points', type: 'circle', source: 'gazmap-measure', filter: ['==', ['geometry-type'], 'Point'], paint: { 'circle-radius': 9, 'circle-color': 'rgba(0,0,0,0)', 'circle-stroke-color': '#111', 'circle-stroke-width': 2 } });
    placeLabels();
    // Credits are long: start with the attribution folded (the ⓘ button opens it; About lists them).
    map.getContainer().querySelector('.maplibregl-ctrl-attrib')?.classList.remove('maplibregl-compact-show');
  });

  setAll(state.all);
  if (state.date) setDate(state.date);

  api.ready = new Promise((resolve) => {
    map.once('load', () => map.once('idle', () => {
      document.body.dataset.ready = 'true';
      resolve(api);
    }));
  });
  return api;
}

/** Points along the great circle from a to b ([lon, lat] degrees), for drawing only. */
function greatCircle(a, b, n = 64) {
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

/** A small legend swatch for one legend item. */
function swatch(item, symbolByKind) {
  if (item.type === 'symbol') {
    const sym = symbolByKind.get(item.kind);
    return sym ? symbolCanvas(sym, window.devicePixelRatio || 1) : el('span');
  }
  const W = 34;
  const H = 16;
  const dpr = window.devicePixelRatio || 1;
  const c = el('canvas', { width: W * dpr, height: H * dpr, class: 'swatch', style: `width:${W}px;height:${H}px` });
  const ctx = c.getContext('2d');
  ctx.scale(dpr, dpr);
  if (item.type === 'fill') {
    ctx.globalAlpha = Math.max(item.opacity ?? 1, 0.25);
    ctx.fillStyle = item.colour;
    ctx.fillRect(2, 2, W - 4, H - 4);
    ctx.globalAlpha = 1;
    ctx.strokeStyle = '#999';
    ctx.strokeRect(2, 2, W - 4, H - 4);
  } else if (item.type === 'circle') {
    const stroke = item.stroke_px ?? 2;
    ctx.beginPath();
    ctx.arc(W / 2, H / 2, Math.min(item.radius_px ?? 6, H / 2 - stroke / 2), 0, Math.PI * 2);
    ctx.globalAlpha = item.fill_opacity ?? 0;
    ctx.fillStyle = item.colour;
    ctx.fill();
    ctx.globalAlpha = item.stroke_opacity ?? 1;
    ctx.strokeStyle = item.colour;
    ctx.lineWidth = stroke;
    ctx.stroke();
  } else if (item.type === 'line') {
    ctx.strokeStyle = item.colour;
    ctx.globalAlpha = item.opacity ?? 1;
    const widths = item.widths_px ?? [item.width_px ?? 1];
    widths.forEach((w, i) => {
      const y = widths.length === 1 ? H / 2 : 3 + (i * (H - 6)) / (widths.length - 1);
      ctx.lineWidth = w;
      ctx.setLineDash((item.dash ?? []).map((d) => d * w));
      ctx.beginPath();
      ctx.moveTo(2, y);
      ctx.lineTo(W - 2, y);
      ctx.stroke();
    });
  }
  return c;
}

function report(err) {
  console.error(err);
  const box = document.getElementById('measure-result');
  box.hidden = false;
  box.textContent = `Error: ${err.message ?? err}`;
}

window.gazmapStarted = main().catch((err) => {
  document.body.dataset.ready = 'error';
  document.body.dataset.error = String(err?.message ?? err);
  report(err);
  throw err;
});
// Kept for embedders who want to draw the same symbols elsewhere.
export { drawSymbol };
