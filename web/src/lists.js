// The panel's lists: transfers table, what is under way at the date, layer toggles and legend.

import { $, el, fmtKm } from './dom.js';
import { symbolCanvas } from './symbols.js';
import { activityIn, longDate } from './time.js';

export function lists(ctx) {
  const { atlas, store, styleLayersOf, map, symbolByKind } = ctx;
  const under = (p, s) => (s.all ? null : activityIn(p, s.date, s.end ?? s.date));

  // ---------- transfers table ----------
  const tbody = $('#transfer-table tbody');
  const transfers = [...atlas.transfers].sort((a, b) => (a.start ?? '').localeCompare(b.start ?? '') || a.id.localeCompare(b.id));
  const rows = transfers.map((t) => {
    const tr = el('tr', {
      'data-id': t.id,
      tabindex: 0,
      onclick: () => ctx.select('transfers', t.id, { popup: true, fit: true }),
      onkeydown: (ev) => { if (ev.key === 'Enter') ctx.select('transfers', t.id, { popup: true, fit: true }); },
    },
    el('td', { class: 'when' }, t.when),
    el('td', {}, el('div', {}, `${t.from_name} → ${t.to_name}`), el('div', { class: 'hint' }, t.title)),
    el('td', { class: 'num km', 'data-km': t.located ? t.distance_km : null }, t.located ? fmtKm(t.distance_km) : '—',
      t.located ? el('div', { class: 'hint' }, `${fmtKm(t.distance_min_km)}–${fmtKm(t.distance_max_km)}`) : null),
    el('td', { class: 'num' }, t.people_text || (t.people ?? '')));
    tbody.append(tr);
    return [t, tr];
  });
  function markTransfers(s) {
    for (const [t, tr] of rows) {
      const a = under(t, s);
      tr.classList.toggle('certain', a === 'certain');
      tr.classList.toggle('possible', a === 'possible');
    }
  }

  // ---------- what is under way at the date ----------
  const nowList = $('#now-list');
  const timeline = [
    ...atlas.events.map((e) => ({ layer: 'events', p: e, place: e.site_name })),
    ...atlas.transfers.map((t) => ({ layer: 'transfers', p: t, place: `${t.from_name} → ${t.to_name}` })),
  ].sort((a, b) => (a.p.start ?? '').localeCompare(b.p.start ?? '') || a.p.id.localeCompare(b.p.id));
  function updateNow(s) {
    $('#now-title').textContent = s.all ? 'All events and movements'
      : s.end ? `Under way between ${longDate(s.date)} and ${longDate(s.end)}` : `Under way on ${longDate(s.date)}`;
    const items = [];
    for (const item of timeline) {
      const a = s.all ? 'all' : under(item.p, s);
      if (!a) continue;
      const open = () => ctx.select(item.layer, item.p.id, { popup: true, fit: true });
      items.push(el('li', {
        class: `now-item ${a}`, 'data-id': item.p.id, 'data-layer': item.layer, tabindex: 0,
        onclick: open,
        onkeydown: (ev) => { if (ev.key === 'Enter') open(); },
      },
      a === 'all' ? null : el('span', { class: `badge ${a}` }, a),
      ` ${item.p.title}`,
      el('div', { class: 'hint' }, `${item.p.when}${item.place ? ` · ${item.place}` : ' · no place'}${item.p.located ? '' : ' (not on the map)'}`)));
    }
    nowList.replaceChildren(...(items.length ? items : [el('li', { class: 'hint' }, 'Nothing the account dates to this day.')]));
  }
  const follow = (s, prev) => {
    if (prev && s.date === prev.date && s.end === prev.end && s.all === prev.all) return;
    markTransfers(s);
    updateNow(s);
  };
  store.subscribe(follow);
  follow(store.get());

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
  }

  const legend = $('#legend');
  for (const group of atlas.legend) {
    const items = group.items.map((item) => el('li', {}, swatch(item, symbolByKind), ` ${item.label}`));
    legend.append(el('div', { class: 'legend-group', 'data-layer': group.layer }, el('h3', {}, group.title), el('ul', {}, items)));
  }
  return { setLayerVisible };
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
  const c = el('canvas', { width: W * dpr, height: H * dpr, class: 'swatch', style: `width:${W}px;height:${H}px`, 'aria-hidden': 'true' });
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
