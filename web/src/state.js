// The viewer's state, one object with subscribers. Every control reads it and changes it through
// `set`; subscribers (the map's time filter, the lists, the URL hash, the story) react.
//
// Fields: date (ISO day, or first day of a range), end (ISO last day of a range, or null for one
// day), all (time filter off), mode ('story' | 'map'), chapter (period id or null), selected
// ('layer/id' or null).

/** A store: get(), set(patch, meta) and subscribe(fn(state, previous, meta)). */
export function createStore(initial) {
  let state = { ...initial };
  const subscribers = new Set();
  return {
    get: () => state,
    set(patch, meta = {}) {
      const previous = state;
      state = { ...state, ...patch };
      const changed = Object.keys(patch).some((k) => previous[k] !== state[k]);
      if (!changed && !meta.force) return;
      for (const f of subscribers) f(state, previous, meta);
    },
    subscribe(f) {
      subscribers.add(f);
      return () => subscribers.delete(f);
    },
  };
}
