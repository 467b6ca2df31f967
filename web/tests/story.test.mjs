// Story mode, the URL hash, the histogram, narrow screens, the accessibility audit and "print this
// view", end to end in headless Chromium against `gazmap serve` (see e2e.test.mjs for the WebGL
// flags). Runs on both atlases: data/vorkuta and tests/fixtures/tiny.
// Artefacts: web/test-results/story-*.png; docs/story.png is made from the same view.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { activityIn, monthEnd, monthsBetween } from '../src/time.js';
import { CHROMIUM_ARGS, buildBoth, readJson, serve, web } from './helpers.mjs';

const artefacts = join(web, 'test-results');
const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

describe('story mode in headless Chromium', { timeout: 600_000 }, () => {
  let built;
  let server;
  let browser;
  let origin;
  const problems = [];

  /** A new page on `atlas`'s viewer at `hash`, ready; guarded against foreign requests. */
  async function open(atlas, hash = '', options = {}) {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, reducedMotion: 'reduce', acceptDownloads: true, ...options });
    const page = await context.newPage();
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`${atlas}: ${m.text()}`); });
    page.on('pageerror', (e) => problems.push(`${atlas}: uncaught ${e.message}`));
    page.on('response', (r) => { if (r.status() >= 400 && !r.url().endsWith('/print/sheets.json')) problems.push(`${r.url()}: HTTP ${r.status()}`); });
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(origin) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
      problems.push(`foreign request ${url}`);
      return route.abort();
    });
    await page.goto(`${origin}/${atlas}/web/${hash}`);
    await page.waitForFunction(() => document.body.dataset.ready, null, { timeout: 90_000 });
    assert.equal(await page.evaluate(() => document.body.dataset.error ?? null), null);
    return page;
  }
  const idle = (page) => page.evaluate(() => new Promise((resolve) => {
    window.map.once('idle', () => resolve());
    window.map.triggerRepaint();
  }));
  const state = (page) => page.evaluate(() => window.gazmap.state);
  const atlasJson = (atlas) => readJson(join(built.tmp, atlas, 'web', 'atlas.json'));

  before(async () => {
    const chrome = process.env.CHROMIUM ?? '/usr/bin/chromium';
    assert.ok(existsSync(chrome), `no Chromium at ${chrome}`);
    built = buildBoth();
    server = await serve(built.bin, built.tmp);
    origin = new URL(server.url).origin;
    const extra = (process.env.E2E_CHROMIUM_ARGS ?? '').split(' ').filter(Boolean);
    browser = await chromium.launch({ executablePath: chrome, headless: true, args: [...CHROMIUM_ARGS, ...extra] });
    mkdirSync(artefacts, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    server?.proc.kill();
    if (built?.owned) rmSync(built.tmp, { recursive: true, force: true });
  });

  for (const atlasId of ['vorkuta', 'tiny']) {
    it(`${atlasId}: stepping through every chapter sets the date span, the features shown and the highlights`, async () => {
      const atlas = atlasJson(atlasId);
      const page = await open(atlasId);
      assert.equal(await page.locator('#tabs button[data-tab="story"]').getAttribute('aria-selected'), 'true');
      const chapters = await page.evaluate(() => window.gazmap.story.chapters);
      assert.deepEqual(chapters.map((c) => c.id), atlas.periods.map((p) => p.id));
      const siteById = new Map(atlas.sites.map((s) => [s.id, s]));
      const rows = { events: atlas.events, transfers: atlas.transfers, sites: atlas.sites };
      for (const [i, period] of atlas.periods.entries()) {
        if (i > 0) {
          // Alternate the two ways of stepping: the button and the arrow key.
          if (i % 2) await page.locator('#story-next').click();
          else {
            await page.evaluate(() => document.activeElement?.blur());
            await page.keyboard.press('ArrowRight');
          }
        }
        await idle(page);
        const s = await state(page);
        assert.deepEqual([s.mode, s.chapter, s.date, s.end, s.all], ['story', period.id, period.start, period.end, false]);
        assert.deepEqual(await page.locator('#date-label').evaluate((e) => [e.dataset.date, e.dataset.end]), [period.start, period.end]);
        assert.match(await page.locator('#story-position').textContent(), new RegExp(`Chapter ${i + 1} of ${atlas.periods.length}`));

        // The map shows exactly the events possibly under way in the span, among those in view.
        const shown = await page.evaluate(() => {
          const b = window.map.getBounds();
          const ids = window.map.queryRenderedFeatures({ layers: ['events-certain', 'events-possible'] }).map((f) => f.properties.id);
          return { ids: [...new Set(ids)].sort(), bounds: [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()] };
        });
        const [w, so, e, n] = shown.bounds;
        const inside = (site) => site?.located && site.lon > w && site.lon < e && site.lat > so && site.lat < n;
        // Point events only: an event in a whole camp system has no point (`located` false) and is
        // drawn as the system's area in the event-areas layers instead.
        const want = atlas.events.filter((ev) => activityIn(ev, period.start, period.end) && ev.located && inside(siteById.get(ev.site)))
          .map((ev) => ev.id).sort();
        assert.deepEqual(shown.ids, want, `${period.id}: events drawn`);
        assert.ok(want.length > 0, `${period.id}: the map shows no event`);

        // The paragraph at the reading line is marked, and the map highlights what it cites.
        const para = await page.locator('#story-text .para.current').evaluate((p) => ({
          chapter: p.dataset.chapter, refs: p.dataset.refs ? p.dataset.refs.split(' ') : [], text: p.textContent,
        }));
        assert.equal(para.chapter, period.id);
        const highlighted = await page.evaluate(() => window.gazmap.story.highlighted());
        assert.deepEqual(highlighted, para.refs);
        for (const ref of highlighted) {
          const [layer, id] = ref.split('/');
          const row = rows[layer].find((r) => r.id === id);
          assert.ok(para.text.includes(row.quote), `${ref} is not quoted in its paragraph`);
        }
        if (atlasId === 'vorkuta' && [1, 3, 5].includes(i)) {
          await page.screenshot({ path: join(artefacts, `story-${i + 1}-${period.id}.png`) });
        }
      }
      await page.context().close();
    });
  }

  it('vorkuta: reading on (scrolling) changes the chapter and the highlights', async () => {
    const atlas = atlasJson('vorkuta');
    const page = await open('vorkuta');
    const target = atlas.periods[2].id;
    // Bring the chapter's second paragraph to the reading line, as a reader scrolling would.
    await page.evaluate((id) => {
      const panel = document.getElementById('panel');
      const p = document.querySelectorAll(`#story-text .para[data-chapter="${id}"]`)[1];
      panel.scrollTop += p.getBoundingClientRect().top - panel.getBoundingClientRect().top - 0.3 * panel.clientHeight;
    }, target);
    await page.waitForFunction((id) => window.gazmap.state.chapter === id, target, { timeout: 5000 });
    const s = await state(page);
    assert.deepEqual([s.date, s.end], [atlas.periods[2].start, atlas.periods[2].end]);
    const current = await page.locator('#story-text .para.current').getAttribute('data-chapter');
    assert.equal(current, target);
    await page.context().close();
  });

  it('vorkuta: clicking a site on the map marks every passage that cites it and scrolls to the first', async () => {
    const atlas = atlasJson('vorkuta');
    const page = await open('vorkuta');
    const site = atlas.sites.find((x) => x.id === 'chibyu');
    await page.evaluate((c) => window.map.jumpTo({ center: c, zoom: 9 }), [site.lon, site.lat]);
    await idle(page);
    const p = await page.evaluate((c) => window.map.project(c), [site.lon, site.lat]);
    const box = await page.locator('#map canvas').boundingBox();
    await page.mouse.click(box.x + p.x, box.y + p.y);
    await page.waitForFunction(() => window.gazmap.state.selected === 'sites/chibyu', null, { timeout: 5000 });
    const source = atlas.sites.find((x) => x.id === 'chibyu').source;
    const expected = new Set([
      ...(site.quote ? ['sites/chibyu'] : []),
      ...atlas.events.filter((e) => e.site === 'chibyu' && e.source === source && e.quote).map((e) => `events/${e.id}`),
      ...atlas.transfers.filter((t) => (t.from_site === 'chibyu' || t.to_site === 'chibyu') && t.source === source && t.quote).map((t) => `transfers/${t.id}`),
    ]);
    const marked = await page.locator('#story-text mark.cite.selected').evaluateAll((ms) => ms.map((m) => m.dataset.refs.split(' ')));
    const covered = new Set(marked.flat().filter((r) => expected.has(r)));
    assert.deepEqual([...covered].sort(), [...expected].sort());
    assert.ok(marked.every((refs) => refs.some((r) => expected.has(r))), 'a passage not citing Chib-Yu is marked');
    assert.ok(expected.size >= 3, `only ${expected.size} passages cite Chib-Yu`);
    assert.ok(await page.locator('#story-text mark.cite.selected').first().evaluate((m) => {
      const r = m.getBoundingClientRect();
      const pr = document.getElementById('panel').getBoundingClientRect();
      return r.top >= pr.top && r.bottom <= pr.bottom;
    }), 'the first marked passage is in view');
    assert.match(await page.evaluate(() => window.location.hash), /feature=sites\/chibyu/);
    await page.context().close();
  });

  it('vorkuta: a URL with a view, a range, a chapter and a feature restores them exactly', async () => {
    const hash = '#map=7.25/67.45000/63.95000&date=1938-03-21..1938-03-31&chapter=executions&feature=transfers/convoy_25';
    const page = await open('vorkuta', hash);
    const s = await state(page);
    assert.deepEqual([s.date, s.end, s.chapter, s.selected, s.mode], ['1938-03-21', '1938-03-31', 'executions', 'transfers/convoy_25', 'story']);
    const view = await page.evaluate(() => ({ zoom: window.map.getZoom(), c: window.map.getCenter() }));
    assert.ok(Math.abs(view.zoom - 7.25) < 1e-9 && Math.abs(view.c.lat - 67.45) < 1e-9 && Math.abs(view.c.lng - 63.95) < 1e-9, JSON.stringify(view));
    assert.equal(await page.evaluate(() => window.location.hash), hash);
    assert.deepEqual(await page.locator('#date-label').evaluate((e) => [e.dataset.date, e.dataset.end]), ['1938-03-21', '1938-03-31']);
    assert.equal(await page.locator('.maplibregl-popup .entry-transfers').getAttribute('data-id'), 'convoy_25');
    assert.ok(await page.locator('#story-text mark.cite.selected').count() >= 1);
    assert.equal(await page.locator('#story-text section.chapter.current').getAttribute('data-chapter'), 'executions');
    // Closing the feature's popup ends the selection, and the link says so.
    await page.locator('.maplibregl-popup-close-button').click();
    assert.equal((await state(page)).selected, null);
    assert.doesNotMatch(await page.evaluate(() => window.location.hash), /feature=/);
    // A chapter alone opens the chapter's span.
    await page.goto(`${origin}/vorkuta/web/#chapter=arrests_1937`);
    await page.reload();
    await page.waitForFunction(() => document.body.dataset.ready === 'true');
    const c = await state(page);
    assert.deepEqual([c.chapter, c.date, c.end], ['arrests_1937', '1937-09-01', '1937-11-30']);
    // The free map with one day and all dates, too.
    await page.goto(`${origin}/vorkuta/web/#map=5.00/66.00000/60.00000&date=1937-01-15&mode=map`);
    await page.reload();
    await page.waitForFunction(() => document.body.dataset.ready === 'true');
    const f = await state(page);
    assert.deepEqual([f.date, f.end, f.mode, f.chapter], ['1937-01-15', null, 'map', null]);
    assert.equal(await page.locator('#tabs button[data-tab="story"]').getAttribute('aria-selected'), 'false');
    await page.context().close();
  });

  it('vorkuta: back and forward step through the chapters', async () => {
    const atlas = atlasJson('vorkuta');
    const page = await open('vorkuta');
    await page.locator('#story-next').click();
    await page.locator('#story-next').click();
    assert.equal((await state(page)).chapter, atlas.periods[2].id);
    const check = async (k) => {
      await page.waitForFunction((id) => window.gazmap.state.chapter === id, atlas.periods[k].id, { timeout: 5000 });
      const s = await state(page);
      assert.deepEqual([s.date, s.end], [atlas.periods[k].start, atlas.periods[k].end]);
      assert.match(await page.evaluate(() => window.location.hash), new RegExp(`chapter=${atlas.periods[k].id}`));
    };
    await page.goBack();
    await check(1);
    await page.goBack();
    await check(0);
    await page.goForward();
    await check(1);
    await page.context().close();
  });

  it('vorkuta: the histogram bars equal the counts of timeline.csv; selecting an event moves the slider', async () => {
    const atlas = atlasJson('vorkuta');
    const page = await open('vorkuta', '#mode=map');
    const lines = readFileSync(join(built.tmp, 'vorkuta', 'timeline.csv'), 'utf8').trim().split('\n').slice(1);
    const spans = lines.map((l) => l.split(',').slice(0, 2));
    const bars = await page.locator('#histogram .bar').evaluateAll((bs) => bs.map((b) => [b.dataset.month, Number(b.dataset.certain), Number(b.dataset.possible)]));
    const months = monthsBetween(atlas.time_range.start, atlas.time_range.end);
    assert.deepEqual(bars.map((b) => b[0]), months);
    let total = 0;
    for (const [month, certain, possible] of bars) {
      const [a, b] = [`${month}-01`, monthEnd(month)];
      const want = spans.filter(([s, e]) => s <= b && a <= e).length;
      assert.equal(certain + possible, want, `${month}: bars ${certain}+${possible}, timeline.csv ${want}`);
      const certainWant = [...atlas.events, ...atlas.transfers].filter((p) => activityIn(p, a, b) === 'certain').length;
      assert.equal(certain, certainWant, `${month}: certain`);
      total += want;
    }
    assert.ok(total > 100, `${total}`);
    // Range mode from the checkbox, then a feature picked from the list moves the slider to its date.
    const days = (iso) => Math.round((Date.parse(iso) - Date.parse(atlas.time_range.start)) / 86_400_000);
    await page.locator('#time-slider').fill(String(days('1937-01-10')));
    await page.locator('#time-range').check();
    assert.equal(await page.locator('#time-slider-end').isVisible(), true);
    assert.deepEqual(await page.locator('#date-label').evaluate((e) => [e.dataset.date, e.dataset.end]), ['1937-01-10', '1937-02-09']);
    await page.locator('#tabs button[data-tab="now"]').click();
    await page.locator('#now-list li[data-id="hunger_strike"]').click();
    const s = await state(page);
    const [layer, id] = s.selected.split('/');
    const row = atlas[layer].find((r) => r.id === id);
    assert.deepEqual([s.date, s.end], [row.start, null]);
    assert.equal(s.selected, 'events/hunger_strike');
    assert.equal(Number(await page.locator('#time-slider').inputValue()), days('1936-10-27'));
    await page.context().close();
  });

  it('vorkuta: "print this view" opens the chapter\'s printed sheet, or makes a PNG of the view', async () => {
    const page = await open('vorkuta', '#date=1938-03-01..1938-05-31&chapter=executions');
    const [popup] = await Promise.all([page.context().waitForEvent('page'), page.locator('#print').click()]);
    assert.match(popup.url(), /\/vorkuta\/print\/phase-executions\.pdf$/);
    await popup.close();
    await page.locator('#mode-toggle').click(); // the free map: no chapter, no sheet
    assert.equal((await state(page)).mode, 'map');
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#print').click()]);
    assert.match(download.suggestedFilename(), /^vorkuta-1938-03-01_1938-05-31\.png$/);
    const png = readFileSync(await download.path());
    assert.equal(png.subarray(1, 4).toString(), 'PNG');
    const [w, h] = [png.readUInt32BE(16), png.readUInt32BE(20)];
    const canvas = await page.evaluate(() => [window.map.getCanvas().width, window.map.getCanvas().height]);
    assert.equal(w, canvas[0]);
    assert.equal(h, canvas[1] + 88, 'the map plus a 48 px title band and a 40 px scale and credits band');
    await page.context().close();
  });

  it('390x844: the panel is a bottom sheet, works by touch and keyboard, and passes axe', async () => {
    const page = await open('vorkuta', '', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const sheet = await page.locator('#panel').evaluate((p) => {
      const r = p.getBoundingClientRect();
      return { position: getComputedStyle(p).position, bottom: Math.round(r.bottom), width: Math.round(r.width), height: Math.round(r.height) };
    });
    assert.deepEqual([sheet.position, sheet.bottom, sheet.width], ['fixed', 844, 390]);
    assert.ok(sheet.height < 844 / 2, `sheet ${sheet.height} px high`);
    await page.locator('#sheet-handle').tap();
    await page.waitForFunction(() => document.getElementById('panel').getBoundingClientRect().height > 600);
    assert.equal(await page.locator('#sheet-handle').getAttribute('aria-expanded'), 'true');
    await page.locator('#story-next').tap();
    assert.equal((await state(page)).chapter, 'hunger_strike');
    // Keyboard only: focus the next-chapter button and press Enter.
    await page.locator('#story-next').focus();
    await page.keyboard.press('Enter');
    assert.equal((await state(page)).chapter, 'after_the_strike');
    await page.locator('#sheet-handle').tap();
    await idle(page);
    await page.screenshot({ path: join(artefacts, 'story-390x844.png') });
    const violations = await axe(page);
    assert.deepEqual(violations, [], JSON.stringify(violations, null, 1));
    await page.context().close();
  });

  it('desktop: no serious or critical axe violation in story mode and on the free map', async () => {
    const page = await open('vorkuta');
    assert.deepEqual(await axe(page), []);
    await page.locator('#mode-toggle').click();
    assert.deepEqual(await axe(page), []);
    await page.context().close();
  });

  it('no console error, failed or foreign request on any page', () => {
    assert.deepEqual(problems, []);
  });

  async function axe(page) {
    await page.addScriptTag({ path: axePath });
    const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
    return result.violations.filter((v) => ['serious', 'critical'].includes(v.impact))
      .map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  }
});
