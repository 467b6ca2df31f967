// Site labels are a symbol layer of the style (`site-labels`, glyphs served from the site's own
// glyphs/ folder). Here the viewer keeps the style's global state `active_sites` (the sites where
// an event or movement is possibly under way in the slider's span) so that the other labels fade,
// as the features do.

import { activityIn } from './time.js';

/** The ids of the sites where something is possibly under way in `s`'s day or range. */
export function activeSites(atlas, s) {
  const out = new Set();
  if (s.all) return [];
  const to = s.end ?? s.date;
  for (const e of atlas.events) if (e.site && activityIn(e, s.date, to)) out.add(e.site);
  for (const t of atlas.transfers) {
    if (!activityIn(t, s.date, to)) continue;
    if (t.from_site) out.add(t.from_site);
    if (t.to_site) out.add(t.to_site);
  }
  return [...out].sort();
}
