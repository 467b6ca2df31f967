// The viewer's geodesic distance (web/src/geodesy.js) against gazmap's own (GeographicLib, in
// distances.csv of the Vorkuta build): every pair of located sites within 1 m.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { distanceM, siteDistance } from '../src/geodesy.js';
import { buildVorkuta, readJson } from './helpers.mjs';

const built = buildVorkuta();
after(() => { if (built.owned) rmSync(built.tmp, { recursive: true, force: true }); });

test('every pair of located sites matches distances.csv within 1 m', () => {
  const atlas = readJson(join(built.out, 'web', 'atlas.json'));
  const byId = new Map(atlas.sites.filter((s) => s.located).map((s) => [s.id, s]));
  const rows = readFileSync(join(built.out, 'distances.csv'), 'utf8').trim().split('\n').map((l) => l.split(','));
  const ids = rows[0].slice(1);
  assert.equal(ids.length, byId.size);
  let pairs = 0;
  let worst = 0;
  for (const row of rows.slice(1)) {
    const a = byId.get(row[0]);
    ids.forEach((id, j) => {
      const m = siteDistance(a, byId.get(id)).km * 1000;
      worst = Math.max(worst, Math.abs(m - Number(row[j + 1]) * 1000));
      pairs += 1;
    });
  }
  assert.equal(pairs, byId.size ** 2);
  // distances.csv rounds to the metre (3 decimals of km): 0.5 m of the 1 m is rounding.
  assert.ok(worst < 1, `worst difference ${worst.toFixed(3)} m`);
});

test('known geodesics (GeographicLib reference values) and the uncertainty range', () => {
  // Flinders Peak to Buninyong (Vincenty 1975): 54 972.271 m.
  const flinders = [144 + 25 / 60 + 29.52440 / 3600, -(37 + 57 / 60 + 3.72030 / 3600)];
  const buninyong = [143 + 55 / 60 + 35.38390 / 3600, -(37 + 39 / 60 + 10.15610 / 3600)];
  assert.ok(Math.abs(distanceM(flinders, buninyong) - 54972.271) < 0.001);
  assert.equal(distanceM([60, 67], [60, 67]), 0);
  // One degree of latitude at the equator: 110 574.389 m.
  assert.ok(Math.abs(distanceM([0, 0], [0, 1]) - 110574.389) < 0.001);
  // Nearly antipodal: Vincenty may not converge; the answer stays a finite half-circumference.
  const far = distanceM([0, 0], [179.7, 0.5]);
  assert.ok(far > 19_900_000 && far < 20_040_000, String(far));
  const r = siteDistance({ lon: 60, lat: 67, uncertainty_m: 2000 }, { lon: 60, lat: 67.1, uncertainty_m: 500 });
  assert.ok(Math.abs(r.max_km - r.km - 2.5) < 1e-9 && Math.abs(r.km - r.min_km - 2.5) < 1e-9);
});
