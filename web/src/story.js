// Story mode: the account is the spine. Its text is cut into chapters, one per period; reading
// (scrolling) or stepping (buttons, ← →) through it moves the map to the chapter's features, sets
// the time slider to the chapter's span and highlights what the paragraph on screen cites. The
// other way round, selecting a feature marks every passage that cites it and scrolls to the first.
//
// Chapters: each cited event or movement belongs to the shortest period that contains its whole
// span; a chapter starts at the paragraph of the first citation (after the previous chapter's
// start) of a feature that belongs to it; the first chapter starts with the text. A chapter
// with no such citation has a heading and no text. The pure functions below are unit-tested.

import { $, el, reducedMotion } from './dom.js';
import { greatCircle } from './distance.js';
import { sourceText } from './source.js';
import { longDate, toDays } from './time.js';

/** The source the most features cite: the account the story follows (null when none). */
export function accountSource(atlas) {
  const counts = new Map();
  for (const p of [...atlas.events, ...atlas.transfers, ...atlas.sites]) {
    if (p.source && p.quote) counts.set(p.source, (counts.get(p.source) ?? 0) + 1);
  }
  let best = null;
  for (const [id, n] of counts) if (!best || n > counts.get(best)) best = id;
  return best;
}

/**
 * Paragraphs (runs of non-blank lines) of `chars` (an array of code points): [{ start, end }]. A
 * text of several lines without a single blank one (a Bible text of one verse per line, a log, a
 * list of entries) has a paragraph per line, else the story would have one paragraph only.
 */
export function paragraphs(chars) {
  const runs = blockParagraphs(chars);
  if (runs.length !== 1 || !chars.slice(runs[0].start, runs[0].end).includes('\n')) return runs;
  const lines = [];
  let start = 0;
  for (let i = 0; i <= chars.length; i += 1) {
    if (i < chars.length && chars[i] !== '\n') continue;
    let end = i;
    while (end > start && /\s/.test(chars[end - 1])) end -= 1;
    if (end > start) lines.push({ start, end });
    start = i + 1;
  }
  return lines;
}

/** Runs of non-blank lines, trimmed. */
function blockParagraphs(chars) {
  const out = [];
  let start = null;
  let lineStart = 0;
  let blank = true;
  for (let i = 0; i <= chars.length; i += 1) {
    const c = chars[i];
    if (i === chars.length || c === '\n') {
      if (blank) {
        if (start !== null) out.push({ start, end: lineStart });
        start = null;
      } else if (start === null) {
        start = lineStart;
      }
      lineStart = i + 1;
      blank = true;
    } else if (!/\s/.test(c)) {
      blank = false;
    }
  }
  if (start !== null) out.push({ start, end: chars.length });
  for (const p of out) while (p.end > p.start && /\s/.test(chars[p.end - 1])) p.end -= 1;
  return out;
}

/** The period a dated feature belongs to: the shortest that contains its whole span (or null). */
export function primaryPeriod(periods, p) {
  let best = null;
  for (const [i, q] of periods.entries()) {
    if (!p.start || !p.end || q.start > p.start || p.end > q.end) continue;
    const len = toDays(q.end) - toDays(q.start);
    if (best === null || len < best.len) best = { i, len };
  }
  return best?.i ?? null;
}

/** The citations of the account: [{ layer, id, start, end, row }] by offset (code points). */
export function citations(atlas, source, chars) {
  const out = [];
  for (const [layer, rows] of [['events', atlas.events], ['transfers', atlas.transfers], ['sites', atlas.sites]]) {
    for (const row of rows) {
      if (row.source !== source || !row.quote || !Number.isInteger(row.char_offset)) continue;
      const len = Array.from(row.quote).length;
      if (chars && chars.slice(row.char_offset, row.char_offset + len).join('') !== row.quote) continue;
      out.push({ layer, id: row.id, start: row.char_offset, end: row.char_offset + len, row });
    }
  }
  return out.sort((a, b) => a.start - b.start || a.layer.localeCompare(b.layer) || a.id.localeCompare(b.id));
}

/** Index of the paragraph holding character `offset`. */
function paragraphAt(paras, offset) {
  let lo = 0;
  let hi = paras.length - 1;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (paras[mid].start <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * The chapters: one per period, in the atlas's order, each with its paragraph range
 * `first..<last` (first === last: no text) and its citations.
 */
export function chapters(periods, paras, cites) {
  const anchors = [];
  let last = -1;
  periods.forEach((_, k) => {
    if (k === 0) {
      anchors.push(0);
      last = 0;
      return;
    }
    const c = cites.find((x) => x.layer !== 'sites' && primaryPeriod(periods, x.row) === k
      && paragraphAt(paras, x.start) > last);
    anchors.push(c ? paragraphAt(paras, c.start) : null);
    if (c) last = anchors[k];
  });
  return periods.map((period, k) => {
    if (anchors[k] === null) {
      const at = anchors.slice(k + 1).find((a) => a !== null) ?? paras.length;
      return { period, index: k, first: at, last: at, cites: [], empty: true };
    }
    const next = anchors.slice(k + 1).find((a) => a !== null) ?? paras.length;
    const from = k === 0 ? 0 : paras[anchors[k]].start;
    const to = next < paras.length ? paras[next].start : Infinity;
    return {
      period, index: k, first: anchors[k], last: next, empty: false,
      cites: cites.filter((c) => c.start >= from && c.start < to),
    };
  });
}

/** Story mode in the panel; returns { chapters, step(delta), goTo(id), highlighted() }. */
export async function story(ctx) {
  const { atlas, map, store, siteById } = ctx;
  const source = accountSource(atlas);
  if (!source || !atlas.periods.length) return null;
  const { src, text } = await sourceText(source);
  const chars = Array.from(text);
  const paras = paragraphs(chars);
  const cites = citations(atlas, source, chars);
  const chs = chapters(atlas.periods, paras, cites);
  const byPeriod = new Map(chs.map((c) => [c.period.id, c]));
  const panel = $('#panel');
  const container = $('#story-text');
  $('#story-source').textContent = `${src.title}${src.author ? `, ${src.author}` : ''}`;

  // ---------- the text, with every citation marked ----------
  const paraNodes = [];
  for (const ch of chs) {
    const section = el('section', { class: 'chapter', 'data-chapter': ch.period.id, 'aria-labelledby': `chapter-${ch.period.id}` },
      el('h3', { class: 'chapter-title', id: `chapter-${ch.period.id}` }, ch.period.title),
      el('p', { class: 'chapter-dates hint' }, `${longDate(ch.period.start)} – ${longDate(ch.period.end)}`));
    if (ch.first === ch.last) section.append(el('p', { class: 'hint' }, 'The account has no passage of its own for this span; the map shows what may be under way.'));
    for (let i = ch.first; i < ch.last; i += 1) {
      const para = paras[i];
      const inPara = cites.filter((c) => c.start >= para.start && c.start < para.end);
      const node = el('p', { class: 'para', 'data-start': para.start, 'data-chapter': ch.period.id,
        'data-refs': inPara.map((c) => `${c.layer}/${c.id}`).join(' ') });
      // Segments between every citation boundary, each marked with the citations that cover it.
      const cuts = new Set([para.start, para.end]);
      for (const c of inPara) { cuts.add(c.start); cuts.add(Math.min(c.end, para.end)); }
      const points = [...cuts].sort((a, b) => a - b);
      for (let j = 0; j + 1 < points.length; j += 1) {
        const [a, b] = [points[j], points[j + 1]];
        const piece = chars.slice(a, b).join('');
        const refs = inPara.filter((c) => c.start <= a && b <= c.end).map((c) => `${c.layer}/${c.id}`);
        node.append(refs.length ? el('mark', { class: 'cite', 'data-refs': refs.join(' ') }, piece) : piece);
      }
      section.append(node);
      paraNodes.push({ node, chapter: ch, refs: inPara });
    }
    container.append(section);
  }

  // ---------- the map: highlights of what the paragraph on screen cites ----------
  const placeOf = (layer, row) => {
    if (layer === 'sites') return row.located ? { type: 'Point', coordinates: [row.lon, row.lat] } : null;
    if (layer === 'events') {
      const s = siteById.get(row.site);
      return s?.located ? { type: 'Point', coordinates: [s.lon, s.lat] } : null;
    }
    const a = siteById.get(row.from_site);
    const b = siteById.get(row.to_site);
    return a?.located && b?.located ? { type: 'LineString', coordinates: greatCircle([a.lon, a.lat], [b.lon, b.lat], 32) } : null;
  };
  let highlighted = [];
  let highlightData = { type: 'FeatureCollection', features: [] };
  function highlight(refs) {
    highlighted = refs.map((c) => `${c.layer}/${c.id}`);
    container.dataset.highlight = highlighted.join(' ');
    highlightData = {
      type: 'FeatureCollection',
      features: refs.map((c) => ({ type: 'Feature', properties: { ref: `${c.layer}/${c.id}` }, geometry: placeOf(c.layer, c.row) }))
        .filter((f) => f.geometry),
    };
    map.getSource('gazmap-highlight')?.setData(highlightData);
  }
  map.on('load', () => {
    map.addSource('gazmap-highlight', { type: 'geojson', data: highlightData });
    map.addLayer({ id: 'gazmap-highlight-line', type: 'line', source: 'gazmap-highlight', filter: ['==', ['geometry-type'], 'LineString'], layout: { 'line-cap': 'round' }, paint: { 'line-color': '#ffb000', 'line-width': 7, 'line-opacity': 0.55 } }, firstAtlasLayer());
    map.addLayer({ id: 'gazmap-highlight-point', type: 'circle', source: 'gazmap-highlight', filter: ['==', ['geometry-type'], 'Point'], paint: { 'circle-radius': 14, 'circle-color': 'rgba(255,176,0,0.25)', 'circle-stroke-color': '#ffb000', 'circle-stroke-width': 3 } });
  });
  function firstAtlasLayer() {
    return map.getStyle().layers.find((l) => ['events', 'transfers', 'sites'].includes(l.metadata?.['gazmap:layer']))?.id;
  }

  // ---------- reading: the paragraph at the reading line ----------
  let quietUntil = 0; // programmatic scrolls do not change the chapter
  let current = null;
  function readingParagraph() {
    const top = panel.getBoundingClientRect().top + ($('#sheet-handle')?.offsetHeight ?? 0)
      + ($('#tabs')?.offsetHeight ?? 0) + ($('#story-nav')?.offsetHeight ?? 0);
    const line = top + 0.25 * (panel.clientHeight - (top - panel.getBoundingClientRect().top));
    return paraNodes.find((p) => p.node.getBoundingClientRect().bottom > line) ?? paraNodes[paraNodes.length - 1];
  }
  function setCurrent(p) {
    if (p === current) return;
    current?.node.classList.remove('current');
    current = p;
    if (!p) return highlight([]);
    p.node.classList.add('current');
    highlight(p.refs);
  }
  function onScroll() {
    if (store.get().mode !== 'story') return;
    const p = readingParagraph();
    setCurrent(p);
    if (p && performance.now() > quietUntil && p.chapter.period.id !== store.get().chapter) enter(p.chapter, { scroll: false });
  }
  let ticking = false;
  panel.addEventListener('scroll', () => {
    if (ticking) return;
    ticking = true;
    requestAnimationFrame(() => { ticking = false; onScroll(); });
  });

  // ---------- chapters ----------
  /** The located places of what a chapter cites (else of what is under way in its span). */
  function chapterBounds(ch) {
    const dated = (c) => c.row.start && c.row.start <= ch.period.end && ch.period.start <= c.row.end;
    let refs = ch.cites.filter(dated);
    if (!refs.some((c) => placeOf(c.layer, c.row))) refs = ch.cites.filter((c) => c.layer === 'sites');
    if (!refs.some((c) => placeOf(c.layer, c.row))) {
      refs = [...atlas.events.map((row) => ({ layer: 'events', row })), ...atlas.transfers.map((row) => ({ layer: 'transfers', row }))]
        .filter((c) => c.row.start && c.row.start <= ch.period.end && ch.period.start <= c.row.end);
    }
    const pts = refs.map((c) => placeOf(c.layer, c.row)).filter(Boolean)
      .flatMap((g) => (g.type === 'Point' ? [g.coordinates] : [g.coordinates[0], g.coordinates[g.coordinates.length - 1]]));
    if (!pts.length) return null;
    const xs = pts.map((p) => p[0]);
    const ys = pts.map((p) => p[1]);
    return [[Math.min(...xs), Math.min(...ys)], [Math.max(...xs), Math.max(...ys)]];
  }
  function fly(ch, instant = false) {
    const b = chapterBounds(ch);
    if (!b) return;
    // Below 700 px the panel is a bottom sheet over the map's lower part: keep the features above it.
    const narrow = window.innerWidth < 700;
    const sheet = narrow ? panel.getBoundingClientRect().height : 0;
    const padding = narrow ? { top: 30, left: 30, right: 30, bottom: sheet + 20 } : 60;
    map.fitBounds(b, { padding, maxZoom: 8, duration: instant || reducedMotion() ? 0 : 900 });
  }
  function scrollToChapter(ch) {
    quietUntil = performance.now() + 400;
    const section = container.querySelector(`section[data-chapter="${CSS.escape(ch.period.id)}"]`);
    const top = panel.scrollTop + section.getBoundingClientRect().top - panel.getBoundingClientRect().top
      - ($('#sheet-handle')?.offsetHeight ?? 0) - ($('#tabs')?.offsetHeight ?? 0) - ($('#story-nav')?.offsetHeight ?? 0);
    panel.scrollTo({ top: Math.max(0, top), behavior: 'instant' });
    const first = paraNodes.find((p) => p.chapter === ch);
    setCurrent(first ?? null);
  }
  /** Makes `ch` the current chapter: slider to its span, the map to its features. */
  function enter(ch, { scroll = true, instant = false, move = true } = {}) {
    store.set({ chapter: ch.period.id, date: ch.period.start, end: ch.period.end, all: false, mode: 'story' },
      { source: 'story', commit: true });
    if (scroll) scrollToChapter(ch);
    if (move) fly(ch, instant);
  }
  function step(delta) {
    const at = byPeriod.get(store.get().chapter)?.index ?? -1;
    const next = chs[Math.min(chs.length - 1, Math.max(0, at + delta))];
    if (next) enter(next);
  }
  $('#story-prev').addEventListener('click', () => step(-1));
  $('#story-next').addEventListener('click', () => step(1));
  document.addEventListener('keydown', (ev) => {
    if (store.get().mode !== 'story' || ev.altKey || ev.ctrlKey || ev.metaKey) return;
    const t = ev.target;
    if (t.closest?.('input, select, textarea, .maplibregl-canvas')) return;
    if (ev.key === 'ArrowRight') { step(1); ev.preventDefault(); }
    if (ev.key === 'ArrowLeft') { step(-1); ev.preventDefault(); }
  });

  function renderNav(s) {
    const ch = byPeriod.get(s.chapter);
    $('#story-position').textContent = ch ? `Chapter ${ch.index + 1} of ${chs.length}: ${ch.period.title}` : `${chs.length} chapters`;
    $('#story-prev').disabled = !ch || ch.index === 0;
    $('#story-next').disabled = ch ? ch.index === chs.length - 1 : false;
    for (const sec of container.querySelectorAll('section.chapter')) sec.classList.toggle('current', sec.dataset.chapter === s.chapter);
  }

  // ---------- selection: every passage citing the feature ----------
  function refsCiting(sel) {
    const [layer, id] = sel.split('/');
    const refs = new Set([sel]);
    if (layer === 'sites') {
      for (const e of atlas.events) if (e.site === id) refs.add(`events/${e.id}`);
      for (const t of atlas.transfers) if (t.from_site === id || t.to_site === id) refs.add(`transfers/${t.id}`);
    }
    return refs;
  }
  function markSelected(sel) {
    for (const m of container.querySelectorAll('mark.selected')) m.classList.remove('selected');
    if (!sel) {
      delete container.dataset.selected;
      return [];
    }
    const refs = refsCiting(sel);
    const marks = [...container.querySelectorAll('mark.cite')].filter((m) => m.dataset.refs.split(' ').some((r) => refs.has(r)));
    for (const m of marks) m.classList.add('selected');
    container.dataset.selected = String(marks.length);
    return marks;
  }

  store.subscribe((s, prev, meta) => {
    renderNav(s);
    if (s.selected !== prev.selected) {
      const marks = markSelected(s.selected);
      if (marks.length && s.mode === 'story' && meta.source !== 'hash-init') {
        quietUntil = performance.now() + 400;
        marks[0].scrollIntoView({ block: 'center', behavior: 'instant' });
        const p = paraNodes.find((x) => x.node.contains(marks[0]));
        if (p) {
          setCurrent(p);
          if (p.chapter.period.id !== s.chapter) store.set({ chapter: p.chapter.period.id }, { source: 'story' });
        }
      }
    }
    if (s.chapter !== prev.chapter && meta.source !== 'story') {
      const ch = byPeriod.get(s.chapter);
      if (ch) scrollToChapter(ch);
    }
    if (s.mode !== prev.mode && s.mode === 'story' && !s.chapter) enter(chs[0]);
  });
  renderNav(store.get());
  markSelected(store.get().selected);

  return {
    chapters: chs.map((c) => ({
      id: c.period.id, title: c.period.title, start: c.period.start, end: c.period.end,
      paragraphs: c.last - c.first, cites: c.cites.map((x) => `${x.layer}/${x.id}`),
    })),
    enter: (id, opts) => { const ch = byPeriod.get(id); if (ch) enter(ch, opts); },
    scrollTo: (id) => { const ch = byPeriod.get(id); if (ch) scrollToChapter(ch); },
    step,
    highlighted: () => highlighted,
    fly: (id) => { const ch = byPeriod.get(id); if (ch) fly(ch); },
  };
}

