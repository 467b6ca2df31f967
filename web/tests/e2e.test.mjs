// End-to-end tests of the web map in headless Chromium (Debian's /usr/bin/chromium), driven by
// Playwright against `gazmap serve`. They build the real Vorkuta atlas into a temporary folder,
// serve it on a free loopback port and check the page as a reader would use it.
//
// WebGL: headless Chromium has no GPU here; `--use-angle=swiftshader --enable-unsafe-swiftshader`
// gives it SwiftShader's software WebGL 2. Without WebGL MapLibre throws at start-up and every
// test below fails (the page logs an error, the map never becomes ready, no pixel is drawn).
// Check that by running with E2E_CHROMIUM_ARGS=--disable-3d-apis.
//
// Environment: CHROMIUM (default /usr/bin/chromium), GAZMAP_BIN (default: `cargo build` and
// target/debug/gazmap), E2E_CHROMIUM_ARGS (extra flags, space-separated).
// Artefacts: web/test-results/*.png (git-ignored).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, buildVorkuta, readJson, root, serve, web } from './helpers.mjs';

const artefacts = join(web, 'test-results');

describe('web map in headless Chromium', { timeout: 240_000 }, () => {
  let tmp;
  let owned = false;
  let server;
  let browser;
  let page;
  let origin;
  let out;
  const consoleErrors = [];
  const failedRequests = [];
  const foreignRequests = [];
  let requestCount = 0;
  const ranged = [];
  const glyphs = [];

  const idle = () => page.evaluate(() => new Promise((resolve) => {
    window.map.once('idle', () => resolve());
    window.map.triggerRepaint();
  }));
  const rendered = (layers) => page.evaluate((ls) => window.map.queryRenderedFeatures({ layers: ls })
    .map((f) => ({ layer: f.layer.id, id: f.properties.id, kind: f.properties.kind })), layers);
  const sites = () => readJson(join(out, 'sites.geojson')).features.filter((f) => f.geometry);
  const fitAllSites = async () => {
    const coords = sites().map((f) => f.geometry.coordinates);
    const lons = coords.map((c) => c[0]);
    const lats = coords.map((c) => c[1]);
    await page.evaluate((b) => window.map.fitBounds(b, { padding: 40, animate: false }),
      [[Math.min(...lons), Math.min(...lats)], [Math.max(...lons), Math.max(...lats)]]);
    await idle();
  };
  const fitExtent = async () => {
    await page.evaluate(() => {
      const [x0, y0, x1, y1] = window.gazmap.atlas.extent;
      window.map.fitBounds([[x0, y0], [x1, y1]], { padding: 20, animate: false });
    });
    await idle();
  };
  /** Moves the slider to `iso` the way a user does: by the slider's own value. */
  const slideTo = async (iso) => {
    const start = readJson(join(out, 'web', 'atlas.json')).time_range.start;
    const days = Math.round((Date.parse(`${iso}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / 86_400_000);
    await page.locator('#time-slider').fill(String(days));
    assert.equal(await page.locator('#date-label').getAttribute('data-date'), iso);
    await idle();
  };
  const eventsAt = async () => {
    // Events at a place are points; events the account places in a whole camp system are its area.
    const found = await rendered(['events-certain', 'events-possible', 'event-areas-certain', 'event-areas-possible']);
    return { ids: new Set(found.map((f) => f.id)), kinds: new Set(found.map((f) => f.kind)), found };
  };

  before(async () => {
    const chrome = process.env.CHROMIUM ?? '/usr/bin/chromium';
    assert.ok(existsSync(chrome), `no Chromium at ${chrome}: apt-get install -y chromium (or set CHROMIUM)`);
    const built = buildVorkuta();
    tmp = built.tmp;
    owned = built.owned;
    out = built.out;
    server = await serve(built.bin, tmp);
    origin = new URL(server.url).origin;
    assert.match(origin, /^http:\/\/127\.0\.0\.1:\d+$/, 'gazmap serve binds to loopback');

    const extra = (process.env.E2E_CHROMIUM_ARGS ?? '').split(' ').filter(Boolean);
    browser = await chromium.launch({
      executablePath: chrome,
      headless: true,
      args: [...CHROMIUM_ARGS, ...extra],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
    page.on('pageerror', (e) => consoleErrors.push(`uncaught: ${e.message}`));
    page.on('requestfailed', (r) => failedRequests.push(`${r.url()}: ${r.failure()?.errorText}`));
    page.on('response', (r) => {
      if (r.status() >= 400) failedRequests.push(`${r.url()}: HTTP ${r.status()}`);
      if (r.status() === 206 && r.url().endsWith('.pmtiles')) ranged.push(r.headers()['content-range']);
      if (r.url().endsWith('.pbf')) glyphs.push([decodeURIComponent(new URL(r.url()).pathname), r.status()]);
    });
    await page.route('**/*', (route) => {
      const url = route.request().url();
      requestCount += 1;
      if (url.startsWith(origin) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
      foreignRequests.push(url);
      return route.abort();
    });
    // The free map (story mode, the default for an atlas with periods, has its own tests).
    await page.goto(`${origin}/vorkuta/web/#mode=map`);
    await page.waitForFunction(() => document.body.dataset.ready, null, { timeout: 90_000 });
    const status = await page.evaluate(() => [document.body.dataset.ready, document.body.dataset.error]);
    assert.deepEqual(status, ['true', undefined], `the map did not start (no WebGL?): ${status[1]}`);
  });

  after(async () => {
    await browser?.close();
    server?.proc.kill();
    if (tmp && owned) rmSync(tmp, { recursive: true, force: true });
  });

  it('loads with no console error, no failed request and nothing fetched from elsewhere', async () => {
    assert.deepEqual(consoleErrors, []);
    assert.deepEqual(failedRequests, []);
    assert.deepEqual(foreignRequests, []);
    assert.ok(requestCount > 5, `only ${requestCount} requests`);
    assert.equal(await page.title(), readJson(join(out, 'web', 'atlas.json')).title);
  });

  it('reads the layers from the PMTiles archive by range requests when the build wrote one', async (t) => {
    const mode = await page.evaluate(() => window.gazmap.atlas.data.mode);
    if (existsSync(join(out, 'vorkuta.pmtiles'))) {
      assert.equal(mode, 'pmtiles');
      assert.ok(ranged.length > 0, 'no 206 answer for the archive');
    } else {
      t.diagnostic('this build wrote no PMTiles archive: the map reads the GeoJSON files');
      assert.equal(mode, 'geojson');
    }
  });

  it('draws the map with WebGL (pixels read back from the canvas)', async () => {
    await fitExtent();
    const px = await page.evaluate(() => {
      const c = window.map.getCanvas();
      const gl = c.getContext('webgl2') ?? c.getContext('webgl');
      const g = document.createElement('canvas');
      g.width = c.width;
      g.height = c.height;
      const ctx = g.getContext('2d');
      ctx.drawImage(c, 0, 0);
      const data = ctx.getImageData(0, 0, g.width, g.height).data;
      const colours = new Map();
      for (let i = 0; i < data.length; i += 4 * 97) {
        const k = `${data[i]},${data[i + 1]},${data[i + 2]}`;
        colours.set(k, (colours.get(k) ?? 0) + 1);
      }
      const top = [...colours.entries()].sort((a, b) => b[1] - a[1]).slice(0, 3).map((e) => e[0]);
      return { webgl: gl ? gl.constructor.name : null, distinct: colours.size, top, width: g.width };
    });
    assert.ok(px.webgl, 'the map canvas has a WebGL context');
    assert.ok(px.width > 500, `canvas ${px.width} px wide`);
    assert.ok(px.distinct > 50, `only ${px.distinct} distinct colours drawn: the map did not render`);
    // The basemap's land colour (style.rs LAND_COLOUR #f7f5ef) is among the most common pixels.
    assert.ok(px.top.includes('247,245,239'), `land colour not dominant: ${px.top.join(' | ')}`);
  });

  it('paints no sea where the basemap has no data (west of its coverage at 44°E)', async () => {
    // The regional basemap covers 44-70°E (data/basemap/coverage.json). Centred on 44°E, the left
    // half of the view has no coast data: it must show the no-data background, never sea.
    await page.evaluate(() => window.map.jumpTo({ center: [44, 66.5], zoom: 6 }));
    await idle();
    const cols = await page.evaluate(() => {
      const c = window.map.getCanvas();
      const g = document.createElement('canvas');
      g.width = c.width;
      g.height = c.height;
      const ctx = g.getContext('2d');
      ctx.drawImage(c, 0, 0);
      const at = (fx) => {
        const d = ctx.getImageData(Math.round(c.width * fx), 0, 1, c.height).data;
        const colours = new Map();
        for (let i = 0; i < d.length; i += 4) {
          const k = `${d[i]},${d[i + 1]},${d[i + 2]}`;
          colours.set(k, (colours.get(k) ?? 0) + 1);
        }
        return [...colours.entries()].sort((a, b) => b[1] - a[1]).map((e) => e[0]);
      };
      return { west: at(0.1), east: at(0.9) };
    });
    const sea = '223,233,242';
    assert.equal(cols.west[0], '255,255,255', `west of the coverage: ${cols.west.slice(0, 3).join(' | ')}`);
    assert.ok(!cols.west.includes(sea), 'no sea colour where the basemap has no data');
    assert.notEqual(cols.east[0], '255,255,255', `inside the coverage: ${cols.east.slice(0, 3).join(' | ')}`);
    assert.ok(cols.east.includes(sea), 'inside the coverage the sea is drawn');
  });

  it('renders every located site once the view holds them all', async () => {
    await fitAllSites();
    const expected = new Set(sites().map((f) => f.properties.id));
    assert.ok(expected.size > 10, `only ${expected.size} located sites in sites.geojson`);
    const got = new Set((await rendered(['sites'])).map((f) => f.id));
    assert.deepEqual([...got].sort(), [...expected].sort());
  });

  it('time slider at 1938-04-15 shows the executions and hides the hunger strike', async () => {
    await fitExtent();
    await slideTo('1938-04-15');
    const { ids, kinds } = await eventsAt();
    assert.ok(kinds.has('execution'), `no execution on 1938-04-15: ${[...ids].join(', ')}`);
    assert.ok(ids.has('executions_apr_may'));
    assert.ok(!ids.has('hunger_strike'), 'the hunger strike is shown in April 1938');
    assert.match(await page.locator('#period-label').textContent(), /Executions/);
    // The "At this date" list says the same, with the certainty of each.
    const listed = await page.locator('#now-list li').evaluateAll((lis) => lis.map((li) => [li.dataset.id, li.className]));
    const byId = Object.fromEntries(listed);
    assert.match(byId.executions_apr_may ?? '', /possible/);
    assert.equal(byId.hunger_strike, undefined);
    mkdirSync(artefacts, { recursive: true });
    await page.screenshot({ path: join(artefacts, 'e2e-1938-04-15.png') });
  });

  it('time slider at 1936-12-01 shows the hunger strike and hides the executions', async () => {
    await slideTo('1936-12-01');
    const { ids, kinds, found } = await eventsAt();
    assert.ok(ids.has('hunger_strike'), `no hunger strike on 1936-12-01: ${[...ids].join(', ')}`);
    assert.ok(!kinds.has('execution'), 'executions shown in December 1936');
    // The strike began on 27 Oct 1936 and its end is fuzzy: certainly under way on 1 Dec. The
    // account places it in the camps of Ukhta-Pechora as a whole, so it is drawn as that area.
    assert.equal(found.find((f) => f.id === 'hunger_strike').layer, 'event-areas-certain');
    await page.screenshot({ path: join(artefacts, 'e2e-1936-12-01.png') });
  });

  it('distinguishes possibly from certainly active features', async () => {
    await slideTo('1938-04-15');
    const found = (await eventsAt()).found;
    // "1938-04/1938-05": on 15 April it may or may not have begun.
    assert.equal(found.find((f) => f.id === 'executions_apr_may').layer, 'events-possible');
  });

  it('clicking a site opens a popup with its quote, and the text panel highlights the passage', async () => {
    await fitAllSites();
    // The located site farthest from any other, so the click hits it alone.
    const all = sites();
    const lonlat = (f) => f.geometry.coordinates;
    const gap = (f) => Math.min(...all.filter((g) => g !== f).map((g) => Math.hypot(
      (lonlat(f)[0] - lonlat(g)[0]) * Math.cos((lonlat(f)[1] * Math.PI) / 180), lonlat(f)[1] - lonlat(g)[1])));
    const site = all.reduce((a, b) => (gap(b) > gap(a) ? b : a));
    const p = await page.evaluate((c) => window.map.project(c), lonlat(site));
    const box = await page.locator('#map canvas').boundingBox();
    await page.mouse.click(box.x + p.x, box.y + p.y);
    const popup = page.locator('.maplibregl-popup');
    await popup.waitFor({ timeout: 10_000 });
    const entry = popup.locator(`.entry-sites[data-id="${site.properties.id}"]`);
    assert.equal(await entry.locator('h3').textContent(), site.properties.name);
    assert.equal(await entry.locator('blockquote').textContent(), `“${site.properties.quote}”`);

    await entry.locator('.read-source').click();
    const mark = page.locator('#text-panel mark.quote');
    await mark.waitFor({ timeout: 10_000 });
    assert.equal(await mark.textContent(), site.properties.quote);
    assert.equal(Number(await mark.getAttribute('data-offset')), site.properties.char_offset);
    // The panel is the whole source text, character for character, and the passage is in view.
    const seed = readFileSync(join(root, 'seeds', readdirSeed()), 'utf8');
    assert.equal(await page.locator('#text-panel').textContent(), seed);
    assert.ok(await mark.isVisible());
    assert.ok(await mark.evaluate((m) => {
      const r = m.getBoundingClientRect();
      const pr = document.getElementById('panel').getBoundingClientRect();
      return r.top >= pr.top && r.bottom <= pr.bottom;
    }), 'the highlighted passage is scrolled into view');
    await page.screenshot({ path: join(artefacts, 'e2e-popup-and-text.png') });
  });

  it('the distance tool gives the geodesic distance between two clicked sites', async () => {
    await page.locator('.maplibregl-popup-close-button').click().catch(() => {});
    await fitAllSites();
    const all = sites();
    // Two sites far apart on screen: westernmost and easternmost located site.
    const [a, b] = [all.reduce((x, y) => (y.geometry.coordinates[0] < x.geometry.coordinates[0] ? y : x)),
      all.reduce((x, y) => (y.geometry.coordinates[0] > x.geometry.coordinates[0] ? y : x))];
    await page.locator('.measure-button').click();
    const box = await page.locator('#map canvas').boundingBox();
    for (const s of [a, b]) {
      const p = await page.evaluate((c) => window.map.project(c), s.geometry.coordinates);
      await page.mouse.click(box.x + p.x, box.y + p.y);
    }
    const km = Number(await page.locator('#measure-result .km').getAttribute('data-km'));
    // distances.csv is written by the CSV writer from the same geodesy (GeographicLib-checked).
    const csv = readFileSync(join(out, 'distances.csv'), 'utf8').trim().split('\n').map((l) => l.split(','));
    const col = csv[0].indexOf(b.properties.id);
    const row = csv.find((r) => r[0] === a.properties.id);
    assert.ok(Math.abs(km - Number(row[col])) < 0.0015, `${km} km vs distances.csv ${row[col]} km`);
    const text = await page.locator('#measure-result').textContent();
    assert.ok(text.startsWith(`${a.properties.name} → ${b.properties.name}: `), text);
    await page.locator('.measure-button').click();
  });

  it('lists the transfers with distances and dates, marking those under way', async () => {
    await page.locator('#tabs button[data-tab="transfers"]').click();
    const transfers = readJson(join(out, 'transfers.geojson')).features;
    assert.equal(await page.locator('#transfer-table tbody tr').count(), transfers.length);
    await slideTo('1938-03-25');
    const active = await page.locator('#transfer-table tbody tr.certain, #transfer-table tbody tr.possible')
      .evaluateAll((rows) => rows.map((r) => r.dataset.id));
    assert.ok(active.includes('convoy_25'), `not marked: ${active.join(', ')}`);
    const convoy = transfers.find((f) => f.properties.id === 'convoy_25').properties;
    const cells = await page.locator('#transfer-table tr[data-id="convoy_25"] td').allTextContents();
    assert.equal(cells[0], convoy.when);
    const km = Number(await page.locator('#transfer-table tr[data-id="convoy_25"] td.km').getAttribute('data-km'));
    assert.ok(Math.abs(km - convoy.distance_km) < 1e-6, `${km} km vs ${convoy.distance_km} km`);
    assert.match(cells[2], /^\d[\d,.]*/);
  });

  it('layer toggles hide and show a layer', async () => {
    await page.locator('#tabs button[data-tab="layers"]').click();
    await fitAllSites();
    await page.locator('#layer-toggles input[data-layer="sites"]').uncheck();
    await idle();
    assert.equal((await rendered(['sites'])).length, 0);
    await page.locator('#layer-toggles input[data-layer="sites"]').check();
    await idle();
    assert.ok((await rendered(['sites'])).length > 0);
  });

  it('labels are a symbol layer in DejaVu Sans, its glyphs answered by the site, faded where nothing is under way', async () => {
    await fitAllSites();
    await slideTo('1936-12-01');
    const labels = await rendered(['site-labels']);
    const located = sites();
    assert.ok(labels.length >= 5, `${labels.length} labels drawn`);
    assert.ok(labels.length <= located.length, 'a site labelled twice');
    assert.ok(glyphs.length > 0, 'no glyph request');
    for (const [path, status] of glyphs) {
      assert.match(path, /\/vorkuta\/web\/glyphs\/DejaVu Sans\/\d+-\d+\.pbf$/);
      assert.equal(status, 200, path);
    }
    // The style's active_sites: where an event or movement is possibly under way on the day.
    const atlas = readJson(join(out, 'web', 'atlas.json'));
    const want = new Set(atlas.events.filter((e) => e.site && e.start <= '1936-12-01' && '1936-12-01' <= e.end).map((e) => e.site));
    for (const t of atlas.transfers.filter((x) => x.start <= '1936-12-01' && '1936-12-01' <= x.end)) {
      want.add(t.from_site);
      want.add(t.to_site);
    }
    const active = await page.evaluate(() => window.map.getGlobalState().active_sites);
    assert.deepEqual(active, [...want].filter(Boolean).sort());
    const strike = atlas.events.find((e) => e.id === 'hunger_strike');
    assert.ok(active.includes(strike.site), active.join(' '));
    assert.ok(!active.includes('brickyard'), 'the brickyard (1937-38) is active in 1936');
  });

  it('play moves the date forward and pause stops it', async () => {
    await slideTo('1936-06-01');
    await page.locator('#play').click();
    await page.waitForFunction(() => document.getElementById('date-label').dataset.date > '1936-06-15', null, { timeout: 10_000 });
    await page.locator('#play').click();
    const stopped = await page.locator('#date-label').getAttribute('data-date');
    await page.waitForTimeout(600);
    assert.equal(await page.locator('#date-label').getAttribute('data-date'), stopped);
  });

  it('still no console error, failed or foreign request after all that', async () => {
    await page.screenshot({ path: join(artefacts, 'e2e-final.png') });
    assert.deepEqual(consoleErrors, []);
    assert.deepEqual(failedRequests, []);
    assert.deepEqual(foreignRequests, []);
  });
});

/** The seed file of the Vorkuta atlas's one source, as atlas.toml names it. */
function readdirSeed() {
  const toml = readFileSync(join(root, 'data/vorkuta/atlas.toml'), 'utf8');
  const m = /file\s*=\s*"\.\.\/\.\.\/seeds\/([^"]+)"/.exec(toml);
  assert.ok(m, 'atlas.toml names a seed file');
  return m[1];
}
