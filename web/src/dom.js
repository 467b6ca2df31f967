// Small DOM helpers shared by the viewer's modules.

export const $ = (sel) => document.querySelector(sel);

/** Creates an element with attributes and children (strings become text nodes). */
export function el(tag, attrs = {}, ...children) {
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

export async function getJson(url) {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return r.json();
}

export const fmtKm = (x) => (x === null || x === undefined || x === '' ? '—'
  : Number(x).toLocaleString('en', { maximumFractionDigits: Number(x) < 10 ? 2 : 1 }));

/** Shows an error in the page's message box (and the console). */
export function report(err) {
  console.error(err);
  const box = document.getElementById('measure-result');
  box.hidden = false;
  box.textContent = `Error: ${err.message ?? err}`;
}

/** Whether the reader asked for less motion (then the map jumps instead of flying). */
export const reducedMotion = () => window.matchMedia?.('(prefers-reduced-motion: reduce)').matches;
