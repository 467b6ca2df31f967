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
  if (!p || !p.start || !p.end) return null;
  if (p.certain_start && p.certain_end && p.certain_start <= date && date <= p.certain_end) {
    return 'certain';
  }
  if (p.start <= date && date <= p.end) return 'possible';
  return null;
}

/** The periods (objects with start and end) that contain `date`. */
export function periodsAt(periods, date) {
  return (periods ?? []).filter((p) => p.start <= date && date <= p.end);
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August',
  'September', 'October', 'November', 'December'];

/** `15 April 1938` */
export function longDate(iso) {
  const m = /^(-?\d+)-(\d{2})-(\d{2})$/.exec(iso ?? '');
  if (!m) return String(iso ?? '');
  return `${Number(m[3])} ${MONTHS[Number(m[2]) - 1]} ${Number(m[1])}`;
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
