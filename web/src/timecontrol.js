// The time control: the slider (one day, or a from-to range with a second slider), the histogram
// of events per month under it, play/pause, "all dates" and the period jump. It only reads and
// writes the store; the map's filter and the lists follow the store.

import { $, el } from './dom.js';
import { fromDays, longDate, monthlyCounts, periodsAt, toDays } from './time.js';

/** Sets up the time control; returns { range, day0 } (range null when the atlas has no dates). */
export function timeControl(atlas, store) {
  const slider = $('#time-slider');
  const sliderEnd = $('#time-slider-end');
  const range = atlas.time_range ?? (atlas.initial_date
    ? { start: atlas.initial_date, end: atlas.initial_date } : null);
  if (!range) {
    $('#time').hidden = true;
    return { range: null };
  }
  const day0 = toDays(range.start);
  const max = toDays(range.end) - day0;
  for (const s of [slider, sliderEnd]) s.max = String(max);
  const clampIso = (iso) => fromDays(Math.min(Math.max(toDays(iso), day0), day0 + max));
  const isoAt = (s) => fromDays(day0 + Number(s.value));

  const periodSelect = $('#period');
  for (const p of atlas.periods) {
    periodSelect.append(el('option', { value: p.id }, `${p.title} (${longDate(p.start)} – ${longDate(p.end)})`));
  }

  // ---------- histogram: events and movements under way per month ----------
  const items = [...atlas.events, ...atlas.transfers];
  const counts = monthlyCounts(items, range.start, range.end);
  const top = Math.max(1, ...counts.map((c) => c.certain + c.possible));
  const histogram = $('#histogram');
  const bars = counts.map((c) => {
    const bar = el('div', {
      class: 'bar',
      'data-month': c.month,
      'data-certain': c.certain,
      'data-possible': c.possible,
      title: `${c.month}: ${c.certain} certainly, ${c.possible} possibly under way`,
      style: `flex-grow:${toDays(c.end) - toDays(c.start) + 1}`,
    },
    el('span', { class: 'possible', style: `height:${(100 * c.possible) / top}%` }),
    el('span', { class: 'certain', style: `height:${(100 * c.certain) / top}%` }));
    histogram.append(bar);
    return [c, bar];
  });

  // ---------- inputs ----------
  slider.addEventListener('input', () => {
    const s = store.get();
    const date = isoAt(slider);
    store.set({ date, all: false, end: s.end && s.end < date ? date : s.end }, { source: 'slider' });
  });
  sliderEnd.addEventListener('input', () => {
    const s = store.get();
    const end = isoAt(sliderEnd);
    store.set({ end, all: false, date: s.date > end ? end : s.date }, { source: 'slider' });
  });
  // A finished slide is one step of the history; the slide itself only replaces the entry.
  for (const s of [slider, sliderEnd]) {
    s.addEventListener('change', () => store.set({}, { force: true, commit: true }));
  }
  $('#time-range').addEventListener('change', (e) => {
    const s = store.get();
    const end = e.target.checked ? clampIso(fromDays(toDays(s.date) + 30)) : null;
    store.set({ end, all: false }, { commit: true });
  });
  $('#time-all').addEventListener('change', (e) => store.set({ all: e.target.checked }, { commit: true }));
  periodSelect.addEventListener('change', () => {
    const p = atlas.periods.find((x) => x.id === periodSelect.value);
    if (p) store.set({ date: p.start, end: p.end, all: false }, { commit: true });
    periodSelect.value = '';
  });

  // ---------- play ----------
  let timer = null;
  const playButton = $('#play');
  function pause() {
    clearInterval(timer);
    timer = null;
    playButton.textContent = '▶';
    playButton.setAttribute('aria-label', 'Play through the timeline');
  }
  function play() {
    const start = store.get();
    if (Number(slider.value) >= max) store.set({ date: range.start, end: null, all: false });
    else store.set({ end: null, all: false, date: start.date });
    playButton.textContent = '⏸';
    playButton.setAttribute('aria-label', 'Pause');
    timer = setInterval(() => {
      const next = toDays(store.get().date) - day0 + 7;
      if (next > max) {
        store.set({ date: range.end });
        pause();
      } else {
        store.set({ date: fromDays(day0 + next) });
      }
    }, 250);
  }
  playButton.addEventListener('click', () => (timer ? pause() : play()));

  // ---------- follow the store ----------
  function render(s) {
    const date = clampIso(s.date ?? range.start);
    slider.value = String(toDays(date) - day0);
    const ranged = Boolean(s.end);
    $('#time-range').checked = ranged;
    $('#time-all').checked = s.all;
    document.body.classList.toggle('all-dates', s.all);
    document.body.classList.toggle('range-mode', ranged);
    sliderEnd.hidden = !ranged;
    if (ranged) sliderEnd.value = String(toDays(clampIso(s.end)) - day0);
    slider.setAttribute('aria-label', ranged ? 'From date' : 'Date');
    const label = $('#date-label');
    label.textContent = ranged ? `${longDate(s.date)} – ${longDate(s.end)}` : longDate(s.date);
    label.dataset.date = s.date;
    if (ranged) label.dataset.end = s.end;
    else delete label.dataset.end;
    const to = s.end ?? s.date;
    const periods = atlas.periods.filter((p) => p.start <= to && s.date <= p.end);
    $('#period-label').textContent = s.all ? 'All dates shown'
      : (ranged ? periods : periodsAt(atlas.periods, s.date)).map((p) => p.title).join(' · ');
    for (const [c, bar] of bars) {
      bar.classList.toggle('in', !s.all && c.start <= to && s.date <= c.end);
    }
  }
  store.subscribe(render);
  render(store.get());
  return { range, day0, play, pause };
}
