// Dates of the time slider: whole days, ISO `YYYY-MM-DD` strings, proleptic Gregorian, no time
// zones. The activity rule here is the one the generated style applies on the map (see
// src/output/web/maplibre.rs): a feature is *possibly* active on a day inside start..=end and
// *certainly* active on a day inside certain_start..=certain_end.

const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of an ISO date `YYYY-MM-DD`; NaN when malformed. */
export function toDays(iso) {
  const m = /^(-?\d{4,})-(\d{2})-(\d{2})$/.exec(String(iso ?? ''));
  if (!m) return NaN;
  const d = new Date(0);
  d.setUTCFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (d.getUTCMonth() !== Number(m[2]) - 1) return NaN; // 1937-02-30
  return Math.round(d.getTime() / DAY_MS);
}

/** The ISO date `n` days after 1970-01-01. */
export function fromDays(n) {
  const d = new Date(n * DAY_MS);
  const y = d.getUTCFullYear();
  const pad = (x, w) => String(x).padStart(w, '0');
  return `${y < 0 ? '-' : ''}${pad(Math.abs(y), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`;
}

/**
 * Whether a feature is active on `date` (ISO): 'certain', 'possible' or null.
 * `p` has the layer fields start, end, certain_start, certain_end (ISO dates or null).
 */
export function activity(p, date) {
  return activityIn(p, date, date);
}

/**
 * Whether a feature is active on some day of `from..=to` (ISO): 'certain' when its certain span
 * meets the range, 'possible' when only its possible span does, else null. The style's filters
 * apply the same rule (global state `date`, `date_end`).
 */
export function activityIn(p, from, to = from) {
  if (!p || !p.start || !p.end) return null;
  if (p.certain_start && p.certain_end && p.certain_start <= to && from <= p.certain_end) {
    return 'certain';
  }
  if (p.start <= to && from <= p.end) return 'possible';
  return null;
}

/** The periods (objects with start and end) that contain `date`. */
export function periodsAt(periods, date) {
  return (periods ?? []).filter((p) => p.start <= date && date <= p.end);
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August',
  'September', 'October', 'November', 'December'];

/**
 * A year as a reader expects it: `1938`; `AD 59` below 1000 (a bare `59` reads as 1959); `60 BC`
 * for the astronomical year -59 (year 0 is 1 BC). The printed sheets write years the same way.
 */
export function yearText(y) {
  if (y >= 1000) return String(y);
  return y >= 1 ? `AD ${y}` : `${1 - y} BC`;
}

/** `15 April 1938`, `15 November AD 59` */
export function longDate(iso) {
  const m = /^(-?\d+)-(\d{2})-(\d{2})$/.exec(iso ?? '');
  if (!m) return String(iso ?? '');
  return `${Number(m[3])} ${MONTHS[Number(m[2]) - 1]} ${yearText(Number(m[1]))}`;
}

/**
 * A sentence about a feature's dates: the EDTF text as the account gives it, the span it may
 * cover and the span it certainly covers.
 */
export function describeDates(p) {
  if (!p || !p.start) return '';
  const parts = [];
  const span = (a, b) => (a === b ? longDate(a) : `${longDate(a)} – ${longDate(b)}`);
  parts.push(`${p.when ?? ''}`.trim() ? `Dated “${p.when}”` : 'Dated');
  parts.push(`possibly ${span(p.start, p.end)}`);
  if (p.certain_start && p.certain_end) {
    if (p.certain_start === p.start && p.certain_end === p.end) {
      parts[1] = `certainly ${span(p.start, p.end)}`;
    } else {
      parts.push(`certainly ${span(p.certain_start, p.certain_end)}`);
    }
  } else {
    parts.push('no day is certain');
  }
  if (p.date_approximate === true || p.date_approximate === 'true') parts.push('approximate');
  return parts.join('; ') + '.';
}

/** Year and month of an ISO date or month (`YYYY-MM…`; the year may be negative or longer). */
function yearMonth(iso) {
  const m = /^(-?\d{4,})-(\d{2})/.exec(String(iso ?? ''));
  return m ? [Number(m[1]), Number(m[2])] : [NaN, NaN];
}

/** `YYYY-MM` of year `y` and month `m` (1-12), with the sign and zero padding of ISO 8601. */
function monthKey(y, m) {
  return `${y < 0 ? '-' : ''}${String(Math.abs(y)).padStart(4, '0')}-${String(m).padStart(2, '0')}`;
}

/**
 * The months `YYYY-MM` from the month of `from` to the month of `to`, both ISO dates. Years are
 * compared as numbers, not strings, so years before AD 1 (`-0059`) count in the right order.
 */
export function monthsBetween(from, to) {
  const out = [];
  let [y, m] = yearMonth(from);
  const [ey, em] = yearMonth(to);
  if ([y, m, ey, em].some(Number.isNaN)) return out;
  for (;;) {
    out.push(monthKey(y, m));
    if (y > ey || (y === ey && m >= em)) return out;
    m += 1;
    if (m > 12) { m = 1; y += 1; }
  }
}

/**
 * The last day of month `YYYY-MM`, ISO: the day before the first of the next month, in the
 * viewer's own day arithmetic (`Date.UTC` would read years 0-99 as 1900-1999: February of year 0,
 * a leap year, would get 28 days).
 */
export function monthEnd(month) {
  const [y, m] = yearMonth(month);
  const [ny, nm] = m === 12 ? [y + 1, 1] : [y, m + 1];
  return fromDays(toDays(`${monthKey(ny, nm)}-01`) - 1);
}

/**
 * Items (objects with the activity fields) under way in each month of `from..to`: a list of
 * { month, certain, possible } where `certain` counts items certainly under way on some day of
 * the month and `possible` those only possibly so (the histogram under the slider stacks them).
 */
export function monthlyCounts(items, from, to) {
  return monthsBetween(from, to).map((month) => {
    let certain = 0;
    let possible = 0;
    const a = `${month}-01`;
    const b = monthEnd(month);
    for (const p of items) {
      const act = activityIn(p, a, b);
      if (act === 'certain') certain += 1;
      else if (act === 'possible') possible += 1;
    }
    return { month, start: a, end: b, certain, possible };
  });
}
