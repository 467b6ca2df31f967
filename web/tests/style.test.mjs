// The generated style.json, read back with MapLibre's own style-spec package (an independent
// reader): it validates, needs nothing from outside the site, and its time filters, evaluated by
// MapLibre's expression engine on the features of the GeoJSON writer, agree with the rule in
// src/time.js on every day of the atlas's time range.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { featureFilter, validateStyleMin } from '@maplibre/maplibre-gl-style-spec';
import { activity, activityIn, fromDays, toDays } from '../src/time.js';
import { buildVorkuta, readJson } from './helpers.mjs';

describe('style.json', () => {
  let built;
  let style;
  before(() => {
    built = buildVorkuta();
    style = readJson(join(built.out, 'web', 'style.json'));
  });
  after(() => { if (built.owned) rmSync(built.tmp, { recursive: true, force: true }); });

  const layer = (id) => {
    const l = style.layers.find((x) => x.id === id);
    assert.ok(l, `no style layer ${id}`);
    return l;
  };
  /** Evaluates a style layer's filter on a feature's properties at a date (or a range to `end`). */
  const passes = (id, props, date, timeFilter = true, end = date) => {
    const f = featureFilter(layer(id).filter, `layers.${id}.filter`, { date, date_end: end, time_filter: timeFilter });
    return f.filter({ zoom: 6 }, { type: 1, properties: props });
  };

  it('is a valid MapLibre v8 style', () => {
    assert.deepEqual(validateStyleMin(style), []);
    assert.equal(style.version, 8);
  });

  it('asks for nothing outside the site: glyphs on the site, no sprite, relative data URLs', () => {
    assert.equal(style.glyphs, 'glyphs/{fontstack}/{range}.pbf');
    assert.equal(style.sprite, undefined);
    for (const [name, s] of Object.entries(style.sources)) {
      for (const url of [s.url, s.data].filter((u) => typeof u === 'string')) {
        assert.doesNotMatch(url.replace(/^pmtiles:\/\//, ''), /^[a-z]+:/i, `source ${name}: ${url}`);
      }
    }
    // Every text layer's font has a glyph file on the site for every character of every site name.
    const names = readJson(join(built.out, 'sites.geojson')).features.map((f) => f.properties.name);
    const texts = style.layers.filter((l) => l.layout?.['text-field']);
    assert.deepEqual(texts.map((l) => l.id), ['site-labels']);
    for (const l of texts) {
      for (const font of l.layout['text-font']) {
        const starts = new Set([0, ...names.flatMap((n) => Array.from(n, (c) => c.codePointAt(0) & ~0xff))]);
        for (const start of starts) {
          const file = join(built.out, 'web', 'glyphs', font, `${start}-${start + 255}.pbf`);
          assert.ok(existsSync(file), `no glyphs ${font}/${start}-${start + 255}.pbf`);
          // A glyphs message: field 1 (fontstack), length-delimited.
          assert.equal(readFileSync(file)[0], 0x0a, file);
        }
      }
    }
  });

  it('draws every atlas and basemap layer the build wrote', () => {
    const atlas = readJson(join(built.out, 'web', 'atlas.json'));
    const drawn = new Set(style.layers.map((l) => l.metadata?.['gazmap:layer']).filter(Boolean));
    for (const l of atlas.layers) {
      if (l.name === 'regions') continue; // modern regions: drawn by their boundaries only
      assert.ok(drawn.has(l.name), `layer ${l.name} is not drawn`);
    }
  });

  it('time filters agree with the activity rule on every day, for events and transfers', () => {
    const atlas = readJson(join(built.out, 'web', 'atlas.json'));
    const first = toDays(atlas.time_range.start);
    const last = toDays(atlas.time_range.end);
    for (const [name, file] of [['events', 'events.geojson'], ['transfers', 'transfers.geojson']]) {
      const features = readJson(join(built.out, file)).features;
      let certain = 0;
      let possible = 0;
      for (let d = first; d <= last; d += 3) {
        const date = fromDays(d);
        for (const f of features) {
          const want = activity(f.properties, date);
          const c = passes(`${name}-certain`, f.properties, date);
          const p = passes(`${name}-possible`, f.properties, date);
          assert.equal(c, want === 'certain', `${name} ${f.properties.id} on ${date}: certain`);
          assert.equal(p, want === 'possible', `${name} ${f.properties.id} on ${date}: possible`);
          if (c) certain += 1;
          if (p) possible += 1;
        }
      }
      assert.ok(certain > 0 && possible > 0, `${name}: ${certain} certain, ${possible} possible`);
    }
  });

  it('1938-04-15: executions, no hunger strike; 1936-12-01: the reverse', () => {
    // The hunger strike is placed in the camps of Ukhta-Pechora as a whole: drawn as that area.
    const events = readJson(join(built.out, 'events.geojson')).features.filter((f) => f.geometry);
    const areas = readJson(join(built.out, 'event_areas.geojson')).features;
    const shown = (date) => [
      ...events.filter((f) => passes('events-certain', f.properties, date)
        || passes('events-possible', f.properties, date)),
      ...areas.filter((f) => passes('event-areas-certain', f.properties, date)
        || passes('event-areas-possible', f.properties, date)),
    ].map((f) => f.properties);
    const april = shown('1938-04-15');
    assert.ok(april.some((p) => p.kind === 'execution'));
    assert.ok(!april.some((p) => p.id === 'hunger_strike'));
    const december = shown('1936-12-01');
    assert.ok(december.some((p) => p.id === 'hunger_strike'));
    assert.ok(!december.some((p) => p.kind === 'execution'));
  });

  it('range mode: a feature shows when its span meets the range, as activityIn says', () => {
    const atlas = readJson(join(built.out, 'web', 'atlas.json'));
    const features = readJson(join(built.out, 'events.geojson')).features;
    let shown = 0;
    for (const p of atlas.periods) {
      for (const f of features) {
        const want = activityIn(f.properties, p.start, p.end);
        assert.equal(passes('events-certain', f.properties, p.start, true, p.end), want === 'certain', `${f.properties.id} in ${p.id}`);
        assert.equal(passes('events-possible', f.properties, p.start, true, p.end), want === 'possible', `${f.properties.id} in ${p.id}`);
        if (want) shown += 1;
      }
    }
    assert.ok(shown > atlas.periods.length, `${shown}`);
    // The hunger strike (1936-10-27/1937-03-07) meets the autumn of 1936 but not 1937-09..11.
    const strike = features.find((f) => f.properties.id === 'hunger_strike').properties;
    assert.equal(passes('events-certain', strike, '1936-09-01', true, '1936-11-30'), true);
    assert.equal(passes('events-certain', strike, '1937-09-01', true, '1937-11-30')
      || passes('events-possible', strike, '1937-09-01', true, '1937-11-30'), false);
  });

  it('site labels fade where nothing is under way, and are in full ink with the time filter off', () => {
    // ["case", time filter off, 1, site active, 1, faded]: each condition evaluated as a filter.
    const [op, off, full, active, full2, faded] = layer('site-labels').paint['text-opacity'];
    assert.deepEqual([op, full, full2, faded], ['case', 1, 1, 0.45]);
    const test = (cond, state) => featureFilter(cond, 'layers.site-labels.filter', state)
      .filter({ zoom: 6 }, { type: 1, properties: { id: 'chibyu' } });
    assert.equal(test(active, { active_sites: ['chibyu', 'moscow'] }), true);
    assert.equal(test(active, { active_sites: ['vorkuta_mine'] }), false);
    assert.equal(test(off, { time_filter: false }), true);
    assert.equal(test(off, { time_filter: true }), false);
  });

  it('with the time filter off, everything is drawn solid and nothing faded', () => {
    const events = readJson(join(built.out, 'events.geojson')).features;
    for (const f of events) {
      assert.equal(passes('events-certain', f.properties, '1900-01-01', false), true);
      assert.equal(passes('events-possible', f.properties, '1900-01-01', false), false);
    }
  });
});
