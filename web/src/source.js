// The source-text panel: the whole text of a source with one passage marked and scrolled into view.

import { $, el, getJson, report } from './dom.js';

let index = null;
const texts = new Map();

/** The sources index (sources.json), fetched once. */
export async function sourcesIndex() {
  index ??= await getJson('sources.json');
  return index;
}

/** The text of source `id`, fetched once: { src, text }. */
export async function sourceText(id) {
  const src = (await sourcesIndex()).find((s) => s.id === id);
  if (!src) throw new Error(`unknown source ${id}`);
  if (!texts.has(src.id)) {
    const r = await fetch(src.file);
    if (!r.ok) throw new Error(`${src.file}: HTTP ${r.status}`);
    texts.set(src.id, await r.text());
  }
  return { src, text: texts.get(src.id) };
}

/** Opens source `sourceId` in the text tab with the quote at `charOffset` marked. */
export async function openSource(ui, sourceId, charOffset, quote) {
  const { src, text } = await sourceText(sourceId);
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
  $('#text-meta').textContent = [src.author, src.published && `published ${src.published}`, src.licence]
    .filter(Boolean).join(' · ');
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
  ui.showTab('text');
  $('#quote-mark')?.scrollIntoView({ block: 'center' });
  return start;
}

/** A feature's quote with its citation and a link that opens it in the source. */
export function quoteBlock(ui, p) {
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
          openSource(ui, p.source, p.char_offset, p.quote).catch(report);
        },
      }, 'Read in the source')));
}
