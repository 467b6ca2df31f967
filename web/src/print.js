// "Print this view": the printed sheet of the chapter's period when the build made one
// (../print/<sheet>-<period>.pdf, listed in ../print/sheets.json), else a PNG of the map as it is
// now with the title, the date, a scale bar and the credits. Nothing is requested from elsewhere.

import { $, el, report } from './dom.js';
import { longDate } from './time.js';

let sheets;
/** The print sheets of the build (an empty list when it printed none). */
async function printSheets() {
  if (sheets === undefined) {
    try {
      const r = await fetch('../print/sheets.json');
      sheets = r.ok ? await r.json() : [];
    } catch {
      sheets = [];
    }
  }
  return sheets;
}

/** The sheet for a period: id `<period>` or `<sheet>-<period>` (each_period) with a PDF. */
export function sheetFor(list, period) {
  if (!period) return null;
  return list.find((s) => (s.id === period || s.id.endsWith(`-${period}`))
    && (s.files ?? []).some(([f]) => f.endsWith('.pdf'))) ?? null;
}

/** A "nice" scale-bar length (1, 2 or 5 × 10^n metres) of at most `maxM`. */
export function niceLength(maxM) {
  const p = 10 ** Math.floor(Math.log10(maxM));
  return [5, 2, 1].map((k) => k * p).find((x) => x <= maxM) ?? p;
}

/** Draws the current view with its title, date, scale bar and credits: a PNG blob. */
export async function viewPng(ctx) {
  const { map, atlas, store } = ctx;
  await new Promise((resolve) => { map.once('idle', resolve); map.triggerRepaint(); });
  const src = map.getCanvas();
  const dpr = src.width / src.clientWidth;
  const pad = Math.round(12 * dpr);
  const head = Math.round(48 * dpr);
  const foot = Math.round(40 * dpr);
  const c = document.createElement('canvas');
  c.width = src.width;
  c.height = src.height + head + foot;
  const g = c.getContext('2d');
  g.fillStyle = '#fff';
  g.fillRect(0, 0, c.width, c.height);
  g.drawImage(src, 0, head);
  g.fillStyle = '#1d1d1b';
  g.font = `600 ${Math.round(16 * dpr)}px "DejaVu Sans", sans-serif`;
  g.fillText(atlas.title, pad, Math.round(22 * dpr));
  const s = store.get();
  const when = s.all ? 'All dates' : s.end ? `${longDate(s.date)} – ${longDate(s.end)}` : longDate(s.date);
  const chapter = atlas.periods.find((p) => p.id === s.chapter);
  g.font = `${Math.round(12 * dpr)}px "DejaVu Sans", sans-serif`;
  g.fillText(`${when}${chapter ? ` · ${chapter.title}` : ''}`, pad, Math.round(40 * dpr));
  // Scale bar at the map's centre latitude (Web Mercator: metres per CSS pixel).
  const lat = map.getCenter().lat;
  const mPerPx = (40075016.686 * Math.cos((lat * Math.PI) / 180)) / (512 * 2 ** map.getZoom());
  const metres = niceLength(mPerPx * 150);
  const w = (metres / mPerPx) * dpr;
  const y = head + src.height + Math.round(14 * dpr);
  g.fillRect(pad, y, w, Math.max(2, Math.round(3 * dpr)));
  g.fillText(metres >= 1000 ? `${metres / 1000} km` : `${metres} m`, pad + w + 6 * dpr, y + 5 * dpr);
  g.fillStyle = '#6b6b66';
  g.font = `${Math.round(10 * dpr)}px "DejaVu Sans", sans-serif`;
  g.fillText(atlas.credits.join(' · '), pad, head + src.height + Math.round(32 * dpr), c.width - 2 * pad);
  const blob = await new Promise((resolve) => c.toBlob(resolve, 'image/png'));
  return { blob, width: c.width, height: c.height, scale_m: metres };
}

export function printButton(ctx) {
  const button = $('#print');
  async function printView() {
    const s = ctx.store.get();
    const sheet = sheetFor(await printSheets(), s.chapter);
    if (sheet) {
      const url = new URL(`../print/${sheet.id}.pdf`, window.location.href).href;
      window.open(url, '_blank', 'noopener');
      return { kind: 'sheet', url };
    }
    const png = await viewPng(ctx);
    const url = URL.createObjectURL(png.blob);
    const name = `${ctx.atlas.id}-${s.all ? 'all' : s.date}${s.end ? `_${s.end}` : ''}.png`;
    const a = el('a', { href: url, download: name, hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    return { kind: 'png', name, width: png.width, height: png.height, bytes: png.blob.size, scale_m: png.scale_m };
  }
  button.addEventListener('click', () => printView().catch(report));
  return printView;
}
