// The URL hash holds what a reader sees, so a link restores it and back/forward step through it:
//
//   #map=ZOOM/LAT/LON&date=YYYY-MM-DD[..YYYY-MM-DD]&chapter=PERIOD&feature=LAYER/ID&mode=map
//
// `map` is the view (zoom 2 decimals, centre 5); `date` one day, a range, or `all` (no time
// filter); `chapter` a period id (story mode); `feature` the selected feature; `mode=map` the free
// map (story mode is the default when the atlas has periods). Parts that are not set are left out.
// A discrete change (chapter, feature, a finished slide, mode) adds a history entry; moving the
// map or dragging the slider only replaces the current one.

const ISO = /^-?\d{4,}-\d{2}-\d{2}$/;

/** Parses a hash (with or without `#`) into { view, state } (only what it holds). */
export function parseHash(hash) {
  const q = new URLSearchParams(String(hash ?? '').replace(/^#/, ''));
  const state = {};
  let view = null;
  const m = /^(\d+(?:\.\d+)?)\/(-?\d+(?:\.\d+)?)\/(-?\d+(?:\.\d+)?)$/.exec(q.get('map') ?? '');
  if (m) view = { zoom: Number(m[1]), center: [Number(m[3]), Number(m[2])] };
  const date = q.get('date');
  if (date === 'all') state.all = true;
  else if (date) {
    const [a, b] = date.split('..');
    if (ISO.test(a) && (!b || ISO.test(b))) Object.assign(state, { date: a, end: b && b !== a ? b : null, all: false });
  }
  if (q.has('chapter')) state.chapter = q.get('chapter') || null;
  if (q.has('feature')) state.selected = /^[a-z_]+\/.+$/.test(q.get('feature')) ? q.get('feature') : null;
  const mode = q.get('mode');
  if (mode === 'map' || mode === 'story') state.mode = mode;
  return { view, state };
}

/** The hash of a state and view. `defaults.mode` is left out. */
export function formatHash(s, view, defaultMode) {
  const parts = [];
  if (view) {
    parts.push(`map=${view.zoom.toFixed(2)}/${view.center[1].toFixed(5)}/${view.center[0].toFixed(5)}`);
  }
  if (s.all) parts.push('date=all');
  else if (s.date) parts.push(`date=${s.date}${s.end ? `..${s.end}` : ''}`);
  if (s.chapter) parts.push(`chapter=${encodeURIComponent(s.chapter)}`);
  if (s.selected) parts.push(`feature=${s.selected.split('/').map(encodeURIComponent).join('/')}`);
  if (s.mode && s.mode !== defaultMode) parts.push(`mode=${s.mode}`);
  return `#${parts.join('&')}`;
}

/** Keeps the hash and the history in step with the store and the map. */
export function syncHash(ctx, { defaultMode, apply }) {
  const { map, store } = ctx;
  let applying = false;
  const view = () => {
    const c = map.getCenter();
    return { zoom: map.getZoom(), center: [c.lng, c.lat] };
  };
  function write(push) {
    if (applying) return;
    const hash = formatHash(store.get(), view(), defaultMode);
    if (hash === window.location.hash) return;
    if (push) window.history.pushState(null, '', hash);
    else window.history.replaceState(null, '', hash);
  }
  store.subscribe((s, prev, meta) => write(Boolean(meta.commit)));
  map.on('moveend', () => write(false));
  window.addEventListener('popstate', () => {
    const { view: v, state } = parseHash(window.location.hash);
    applying = true;
    try {
      apply(state, v);
    } finally {
      applying = false;
    }
  });
  write(false);
}
