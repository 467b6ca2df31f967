// Popups: what the map has under a click, described with dates, certainty and the quote.

import * as maplibregl from './vendor/maplibre-gl.mjs';
import { el, fmtKm } from './dom.js';
import { quoteBlock } from './source.js';
import { activityIn, describeDates, longDate } from './time.js';

/** Layers a click looks at, most specific first. */
export const CLICK_ORDER = ['sites', 'events', 'transfers', 'claims', 'lines', 'uncertainty'];

export function popups(ctx) {
  const { map, store, ui, siteById, symbolByKind, styleLayersOf } = ctx;
  const kindLabel = (kind) => symbolByKind.get(kind)?.label ?? kind;

  function activityLine(p) {
    const s = store.get();
    if (!p.start || s.all) return null;
    const a = activityIn(p, s.date, s.end ?? s.date);
    const text = a === 'certain' ? 'certainly under way' : a === 'possible' ? 'possibly under way (fuzzy date)' : 'not under way';
    const when = s.end ? `Between ${longDate(s.date)} and ${longDate(s.end)}` : `On ${longDate(s.date)}`;
    return el('p', { class: `activity ${a ?? 'inactive'}` }, `${when}: ${text}.`);
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

  function entry(layer, p) {
    const parts = [];
    switch (layer) {
      case 'sites':
        parts.push(el('h3', {}, p.name), el('p', { class: 'kind' }, kindLabel(p.kind)), names(p),
          uncertaintyLine(p), p.basis_reason ? el('p', { class: 'hint' }, p.basis_reason) : null);
        break;
      case 'events':
        parts.push(el('h3', {}, p.title), el('p', { class: 'kind' }, `${p.kind ?? 'event'}${p.site_name ? ` at ${p.site_name}` : ''}`),
          el('p', { class: 'dates' }, describeDates(p)), activityLine(p),
          p.people_text ? el('p', {}, `People: ${p.people_text}`) : null, uncertaintyLine(p),
          p.disputed ? el('p', { class: 'disputed' }, `Disputed: ${p.disputed}`) : null);
        break;
      case 'transfers':
        parts.push(el('h3', {}, p.title),
          el('p', {}, `${p.from_name} → ${p.to_name}: ${fmtKm(p.distance_km)} km (${fmtKm(p.distance_min_km)}–${fmtKm(p.distance_max_km)} km allowing for location uncertainty)`),
          el('p', { class: 'dates' }, describeDates(p)), activityLine(p),
          p.people_text ? el('p', {}, `People: ${p.people_text}`) : null,
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
    parts.push(quoteBlock(ui, p));
    return el('section', { class: `entry entry-${layer}`, 'data-layer': layer, 'data-id': p.id }, parts);
  }

  const interactive = () => CLICK_ORDER.flatMap((n) => styleLayersOf[n] ?? [])
    .filter((id) => map.getLayer(id) && map.getLayoutProperty(id, 'visibility') !== 'none');

  /** The features under a screen point, most specific first, once each. */
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
    // Uncertainty circles are big: only when nothing else is there.
    const specific = out.filter((f) => f.layer !== 'uncertainty');
    return specific.length ? specific : out;
  }

  let popup = null;
  /** Opens a popup describing `found`; `onClose(found)` runs when it closes. */
  function showPopup(lngLat, found, onClose) {
    popup?.remove();
    const max = 20;
    const body = el('div', { class: 'popup-body' }, found.slice(0, max).map((f) => entry(f.layer, f.properties)),
      found.length > max ? el('p', { class: 'hint' }, `and ${found.length - max} more here: narrow the dates with the slider`) : null);
    popup = new maplibregl.Popup({ maxWidth: '360px', focusAfterOpen: false })
      .setLngLat(lngLat).setDOMContent(body).addTo(map);
    if (onClose) popup.on('close', () => onClose(found));
    return popup;
  }
  const closePopup = () => popup?.remove();
  return { entry, featuresAt, showPopup, closePopup };
}
