// Story chapters and the URL hash, without a browser: the pure functions of story.js and hash.js
// on the built atlases.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { formatHash, parseHash } from '../src/hash.js';
import { accountSource, chapters, citations, paragraphs, primaryPeriod } from '../src/story.js';
import { buildBoth, gazmapBin, readJson, root } from './helpers.mjs';

const built = buildBoth();
after(() => { if (built.owned) rmSync(built.tmp, { recursive: true, force: true }); });

function storyOf(atlasId) {
  const web = join(built.tmp, atlasId, 'web');
  const atlas = readJson(join(web, 'atlas.json'));
  const source = accountSource(atlas);
  const index = readJson(join(web, 'sources.json'));
  const chars = Array.from(readFileSync(join(web, index.find((s) => s.id === source).file), 'utf8'));
  const paras = paragraphs(chars);
  const cites = citations(atlas, source, chars);
  return { atlas, chars, paras, cites, chs: chapters(atlas.periods, paras, cites) };
}

test('paragraphs are the runs of non-blank lines, trimmed', () => {
  const chars = Array.from('One line\ncontinues.\n\n\n  Two — Два.\n\nThree');
  assert.deepEqual(paragraphs(chars).map((p) => chars.slice(p.start, p.end).join('')), ['One line\ncontinues.', '  Two — Два.', 'Three']);
});

test('a text of several lines and no blank line has a paragraph per line', () => {
  const chars = Array.from('\nActs27:1 One.\nActs27:2 Two — Два.  \nActs27:3 Three\n');
  assert.deepEqual(paragraphs(chars).map((p) => chars.slice(p.start, p.end).join('')), ['Acts27:1 One.', 'Acts27:2 Two — Два.', 'Acts27:3 Three']);
  const one = Array.from('Just one line.\n');
  assert.deepEqual(paragraphs(one), [{ start: 0, end: 14 }]);
});

test('Acts: one paragraph per verse, four chapters in order, each opening with its own period', () => {
  execFileSync(gazmapBin(), ['build', join(root, 'data/acts'), '--out', join(built.tmp, 'acts'), '--format', 'web'], { stdio: 'pipe' });
  const { atlas, paras, chs, cites } = storyOf('acts');
  assert.equal(paras.length, 75, 'verses of Acts 27-28');
  assert.deepEqual(chs.map((c) => c.period.id), ['to_crete', 'storm', 'melita', 'to_rome']);
  assert.deepEqual([chs[0].first, chs[chs.length - 1].last], [0, paras.length]);
  for (let k = 1; k < chs.length; k += 1) {
    assert.equal(chs[k].first, chs[k - 1].last);
    assert.ok(chs[k].last > chs[k].first, `${chs[k].period.id} has no text`);
  }
  const ids = (k) => chs[k].cites.map((c) => c.id);
  assert.ok(ids(0).includes('caesarea_to_sidon') && !ids(0).includes('shipwreck'));
  assert.ok(ids(1).includes('shipwreck'));
  assert.ok(ids(2).includes('winter_on_melita'));
  assert.ok(ids(3).includes('arrival_rome'));
  assert.equal(cites.length, atlas.events.length + atlas.transfers.length + atlas.sites.length);
});

test('every citation of the account is found at its offset, once, in one paragraph', () => {
  for (const id of ['vorkuta', 'tiny']) {
    const { atlas, chars, paras, cites } = storyOf(id);
    const quoted = [...atlas.events, ...atlas.transfers, ...atlas.sites].filter((r) => r.source === accountSource(atlas) && r.quote);
    assert.equal(cites.length, quoted.length, id);
    for (const c of cites) {
      assert.equal(chars.slice(c.start, c.end).join(''), c.row.quote);
      assert.ok(paras.some((p) => p.start <= c.start && c.end <= p.end), `${c.id} spans paragraphs`);
    }
  }
});

test('Vorkuta: seven chapters in order, covering the text once, each citing what belongs to it', () => {
  const { atlas, paras, chs } = storyOf('vorkuta');
  assert.deepEqual(chs.map((c) => c.period.id), atlas.periods.map((p) => p.id));
  assert.equal(chs[0].first, 0);
  assert.equal(chs[chs.length - 1].last, paras.length);
  for (let k = 1; k < chs.length; k += 1) assert.equal(chs[k].first, chs[k - 1].last, `gap before ${chs[k].period.id}`);
  // Each chapter after the first opens with a passage about its own period.
  for (const ch of chs.slice(1)) {
    assert.ok(ch.last > ch.first, `${ch.period.id} has no text`);
    assert.ok(ch.cites.some((c) => c.layer !== 'sites' && primaryPeriod(atlas.periods, c.row) === ch.index), ch.period.id);
  }
  const strike = chs.find((c) => c.period.id === 'hunger_strike');
  assert.ok(strike.cites.some((c) => c.id === 'strike_start'));
  const executions = chs.find((c) => c.period.id === 'executions');
  assert.ok(executions.cites.some((c) => c.id === 'execution_25'));
  assert.ok(!executions.cites.some((c) => c.id === 'strike_start'));
  // The shortest containing period wins: the strike's victory belongs to the strike.
  assert.equal(atlas.periods[primaryPeriod(atlas.periods, atlas.events.find((e) => e.id === 'strike_victory'))].id, 'hunger_strike');
});

test('tiny: one chapter holding the whole letter', () => {
  const { paras, chs, cites } = storyOf('tiny');
  assert.equal(chs.length, 1);
  assert.deepEqual([chs[0].first, chs[0].last], [0, paras.length]);
  assert.equal(chs[0].cites.length, cites.length);
});

test('the URL hash round-trips and ignores what it cannot read', () => {
  const s = { date: '1938-03-21', end: '1938-03-31', all: false, chapter: 'executions', selected: 'transfers/convoy_25', mode: 'story' };
  const hash = formatHash(s, { zoom: 7.25, center: [63.95, 67.45] }, 'story');
  assert.equal(hash, '#map=7.25/67.45000/63.95000&date=1938-03-21..1938-03-31&chapter=executions&feature=transfers/convoy_25');
  const back = parseHash(hash);
  assert.deepEqual(back.view, { zoom: 7.25, center: [63.95, 67.45] });
  assert.deepEqual(back.state, { date: '1938-03-21', end: '1938-03-31', all: false, chapter: 'executions', selected: 'transfers/convoy_25' });
  assert.equal(formatHash({ ...s, ...back.state, mode: 'story' }, back.view, 'story'), hash);
  assert.deepEqual(parseHash('#date=all&mode=map').state, { all: true, mode: 'map' });
  assert.deepEqual(parseHash('#date=1937-13-99x&map=a/b/c&mode=zzz&feature=nope').state, { selected: null });
  assert.equal(parseHash('#map=5/66/60').view.zoom, 5);
});
