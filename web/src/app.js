// The gazmap web map's entry point: reads atlas.json and style.json (written by `gazmap build`),
// makes the map and the store, and wires the modules together:
//
//   state.js        the store (one state object with subscribers)
//   timecontrol.js  slider, range, histogram, play     hash.js    the URL hash and history
//   story.js        story mode (the account as spine)  popup.js   popups
//   source.js       the source-text panel              lists.js   transfers, "at this date", layers, legend
//   distance.js     the distance tool (geodesy.js)     labels.js  which site labels are in full ink
//   print.js        "Print this view"                  time.js    date arithmetic and the activity rule
//
// `window.map` is the map; `window.gazmap` has the atlas, the store, `select()`, `setDate()`,
// `openSource()`, `story`, `print()` and `ready` (resolved once the first full render is done).

import * as maplibregl from './vendor/maplibre-gl.mjs';
import { $, getJson, report } from './dom.js';
import { distanceTool, greatCircle } from './distance.js';
import { formatHash, parseHash, syncHash } from './hash.js';
import { activeSites } from './labels.js';
import { lists } from './lists.js';
import { popups } from './popup.js';
import { printButton } from './print.js';
import { openSource } from './source.js';
import { createStore } from './state.js';
import { story } from './story.js';
import { drawSymbol, symbolImage } from './symbols.js';
import { timeControl } from './timecontrol.js';

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
  // Not through URL(): it would percent-encode the {fontstack} and {range} placeholders.
  if (typeof style.glyphs === 'string' && !/^[a-z]+:/.test(style.glyphs)) style.glyphs = absolute('.') + style.glyphs;
  return style;
}

async function main() {
  const [atlas, style] = await Promise.all([getJson('atlas.json'), getJson('style.json')]);
  document.title = atlas.title;
  $('#title').textContent = atlas.title;
  if (atlas.data.mode === 'pmtiles') maplibregl.addProtocol('pmtiles', new window.pmtiles.Protocol().tile);
  resolveSources(style);

  const styleLayersOf = {};
  for (const l of style.layers) {
    const name = l.metadata?.['gazmap:layer'];
    if (name) (styleLayersOf[name] ??= []).push(l.id);
  }
  const root = document.documentElement.style;

  // ---------- state: defaults, then what the URL hash says ----------
  const hasStory = atlas.periods.length > 0;
  const defaultMode = hasStory ? 'story' : 'map';
  const defaults = { date: atlas.initial_date, end: null, all: !atlas.initial_date, mode: defaultMode, chapter: null, selected: null };
  const fromHash = parseHash(window.location.hash);
  const store = createStore({ ...defaults, ...fromHash.state });
  if (!hasStory) store.set({ mode: 'map', chapter: null });

  const [x0, y0, x1, y1] = atlas.extent;
  const map = new maplibregl.Map({
    container: 'map',
    style,
    ...(fromHash.view ? { center: fromHash.view.center, zoom: fromHash.view.zoom } : { bounds: [[x0, y0], [x1, y1]], fitBoundsOptions: { padding: 20 } }),
    attributionControl: { compact: true },
    // Lets tests and "print this view" read the canvas back.
    canvasContextAttributes: { preserveDrawingBuffer: true },
    dragRotate: false,
    pitchWithRotate: false,
    maxPitch: 0,
  });
  window.map = map;
  map.touchZoomRotate.disableRotation();
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-left');
  map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-left');
  const symbols = Object.fromEntries(atlas.site_symbols.map((s) => [`site-${s.kind}`, s]));
  map.setMissingStyleImageResolver((id) => {
    const sym = symbols[id] ?? symbols['site-other'];
    if (sym && !map.hasImage(id)) map.addImage(id, symbolImage(sym, 2), { pixelRatio: 2 });
  });

  // The style holds the time filter as global state; it can only be set once the style is in.
  let styleLoaded = false;
  function pushFilter(s) {
    if (!styleLoaded) return;
    map.setGlobalStateProperty('time_filter', !s.all);
    map.setGlobalStateProperty('date', s.date ?? '');
    map.setGlobalStateProperty('date_end', s.end ?? s.date ?? '');
    map.setGlobalStateProperty('active_sites', activeSites(atlas, s));
  }
  map.on('style.load', () => {
    styleLoaded = true;
    pushFilter(store.get());
  });
  store.subscribe(pushFilter);

  // ---------- panel tabs; the Story tab is story mode ----------
  if (!hasStory) $('#tabs button[data-tab="story"]').remove();
  function showTab(name) {
    for (const b of document.querySelectorAll('#tabs button')) {
      b.setAttribute('aria-selected', String(b.dataset.tab === name));
      b.tabIndex = b.dataset.tab === name ? 0 : -1;
    }
    for (const s of document.querySelectorAll('.tab')) s.hidden = s.id !== `tab-${name}`;
    if (hasStory && (name === 'story') !== (store.get().mode === 'story')) {
      store.set(name === 'story' ? { mode: 'story' } : { mode: 'map', chapter: null }, { commit: true });
    }
  }
  const tabButtons = [...document.querySelectorAll('#tabs button')];
  for (const b of tabButtons) {
    b.addEventListener('click', () => showTab(b.dataset.tab));
    b.addEventListener('keydown', (ev) => {
      const i = tabButtons.indexOf(b) + (ev.key === 'ArrowRight' ? 1 : ev.key === 'ArrowLeft' ? -1 : 0);
      if (i === tabButtons.indexOf(b) || !tabButtons[i]) return;
      ev.preventDefault();
      ev.stopPropagation();
      tabButtons[i].focus();
      showTab(tabButtons[i].dataset.tab);
    });
  }
  const modeButton = $('#mode-toggle');
  modeButton.hidden = !hasStory;
  modeButton.addEventListener('click', () => showTab(store.get().mode === 'story' ? 'layers' : 'story'));
  store.subscribe((s, prev) => {
    if (s.mode === prev.mode) return;
    const open = document.querySelector('#tabs button[aria-selected="true"]')?.dataset.tab;
    if (s.mode === 'story' && open !== 'story') showTab('story');
    if (s.mode === 'map' && open === 'story') showTab('layers');
  });
  const renderMode = (s) => {
    document.body.classList.toggle('story-mode', s.mode === 'story');
    modeButton.textContent = s.mode === 'story' ? 'Free map' : 'Story';
    modeButton.setAttribute('aria-label', s.mode === 'story' ? 'Leave the story for the free map' : 'Read the account as a story');
  };
  store.subscribe(renderMode);
  renderMode(store.get());
  showTab(store.get().mode === 'story' ? 'story' : 'layers');
  const tabsHeight = () => root.setProperty('--tabs-h', `${$('#tabs').offsetHeight}px`);
  tabsHeight();
  window.addEventListener('resize', tabsHeight);

  // Bottom sheet (narrow screens): the handle folds and unfolds the panel.
  $('#sheet-handle').addEventListener('click', () => {
    const open = document.body.classList.toggle('sheet-open');
    $('#sheet-handle').setAttribute('aria-expanded', String(open));
  });

  // ---------- about ----------
  $('#description').textContent = atlas.description;
  for (const c of atlas.credits) $('#credits').append(Object.assign(document.createElement('li'), { textContent: c }));
  $('#licence').textContent = `Licence: ${atlas.licence}`;

  // ---------- modules ----------
  const siteById = new Map(atlas.sites.map((s) => [s.id, s]));
  const symbolByKind = new Map(atlas.site_symbols.map((s) => [s.kind, s]));
  const ui = { showTab };
  const ctx = { atlas, map, store, ui, siteById, symbolByKind, styleLayersOf };
  const time = timeControl(atlas, store);
  const pop = popups(ctx);
  ctx.closePopup = pop.closePopup;
  const measure = distanceTool(ctx);
  const panelLists = lists(ctx);

  // ---------- selection ----------
  const rowsOf = { sites: atlas.sites, events: atlas.events, transfers: atlas.transfers };
  const rowOf = (layer, id) => rowsOf[layer]?.find((r) => r.id === id) ?? null;
  /** Where a feature is: { point, bounds } from the site table (null when not located). */
  function placeOf(layer, row) {
    const at = (s) => (s?.located ? [s.lon, s.lat] : null);
    if (layer === 'sites') return at(row) && { point: at(row) };
    if (layer === 'events') return at(siteById.get(row.site)) && { point: at(siteById.get(row.site)) };
    const [a, b] = [at(siteById.get(row.from_site)), at(siteById.get(row.to_site))];
    if (!a || !b) return null;
    const bounds = new maplibregl.LngLatBounds(a, a).extend(b);
    return { point: greatCircle(a, b, 2)[1], bounds };
  }
  function popupFor(layer, row, fit) {
    const place = placeOf(layer, row);
    if (!place) {
      if (row.source) openSource(ui, row.source, row.char_offset, row.quote).catch(report);
      return;
    }
    if (fit) {
      if (place.bounds) map.fitBounds(place.bounds, { padding: 60, maxZoom: 9 });
      else map.easeTo({ center: place.point, zoom: Math.max(map.getZoom(), 8) });
    }
    pop.showPopup(place.point, [{ layer, properties: row }], onPopupClose);
  }
  /** Closing the popup of the selected feature ends the selection (no history entry). */
  function onPopupClose(found) {
    const ref = found[0] && `${found[0].layer}/${found[0].properties.id}`;
    if (ref && store.get().selected === ref) store.set({ selected: null });
  }
  /** Selects a feature: the slider moves to its date, the story marks its passages. */
  function select(layer, id, { popup = false, fit = false } = {}) {
    const row = rowOf(layer, id);
    const patch = { selected: `${layer}/${id}` };
    if (row?.start && layer !== 'sites') Object.assign(patch, { date: row.start, end: null, all: false });
    store.set(patch, { commit: true, source: 'select' });
    if (popup && row) popupFor(layer, row, fit);
  }
  ctx.select = select;

  map.on('click', (e) => {
    if (measure.active()) {
      const site = pop.featuresAt(e.point, 10).find((f) => f.layer === 'sites');
      if (site) measure.click(site.properties.id);
      return;
    }
    const found = pop.featuresAt(e.point);
    if (!found.length) return;
    pop.showPopup(e.lngLat, found, onPopupClose);
    const first = found[0];
    if (['sites', 'events', 'transfers'].includes(first.layer)) select(first.layer, first.properties.id);
  });
  map.on('mousemove', (e) => {
    if (measure.active()) return;
    map.getCanvas().style.cursor = pop.featuresAt(e.point, 3).length ? 'pointer' : '';
  });

  const print = printButton(ctx);
  const api = {
    atlas, map, store, select, print,
    get state() { return store.get(); },
    setDate: (iso) => store.set({ date: iso, end: null, all: false }, { commit: true }),
    openSource: (id, offset, quote) => openSource(ui, id, offset, quote),
    showPopup: pop.showPopup,
    distance: measure.distance,
    setLayerVisible: panelLists.setLayerVisible,
    formatHash: () => formatHash(store.get(), { zoom: map.getZoom(), center: map.getCenter().toArray() }, defaultMode),
    time,
  };
  window.gazmap = api;

  const loaded = new Promise((resolve) => map.once('load', resolve));
  api.story = hasStory ? await story(ctx) : null;
  await loaded;
  // Credits are long: start with the attribution folded (the ⓘ button opens it; About lists them).
  map.getContainer().querySelector('.maplibregl-ctrl-attrib')?.classList.remove('maplibregl-compact-show');

  const s = store.get();
  if (api.story && s.mode === 'story') {
    // A link with a chapter and no date opens the chapter's span; a link without a view, its place.
    if (s.chapter && fromHash.state.date) api.story.scrollTo(s.chapter);
    else if (!fromHash.state.date || s.chapter) {
      api.story.enter(s.chapter ?? api.story.chapters[0].id, { instant: true, move: !fromHash.view });
    }
  }
  if (s.selected) {
    const [layer, id] = s.selected.split('/');
    const row = rowOf(layer, id);
    if (row) popupFor(layer, row, false);
  }
  syncHash(ctx, {
    defaultMode,
    apply(state, view) {
      pop.closePopup();
      store.set({ ...defaults, ...(hasStory ? {} : { mode: 'map' }), ...state }, { source: 'hash' });
      if (view) map.jumpTo(view);
    },
  });

  api.ready = new Promise((resolve) => {
    map.once('idle', () => {
      document.body.dataset.ready = 'true';
      resolve(api);
    });
    map.triggerRepaint();
  });
  return api;
}

window.gazmapStarted = main().catch((err) => {
  document.body.dataset.ready = 'error';
  document.body.dataset.error = String(err?.message ?? err);
  report(err);
  throw err;
});
// Kept for embedders who want to draw the same symbols elsewhere.
export { drawSymbol };
