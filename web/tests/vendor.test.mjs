// The committed vendor/ files (which `gazmap build` compiles into the binary) must be exactly the
// pinned packages' files in node_modules: run `npm run vendor` after changing a version.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FILES, versions } from '../scripts/vendor.mjs';

const web = dirname(dirname(fileURLToPath(import.meta.url)));
const sha = (p) => createHash('sha256').update(readFileSync(p)).digest('hex');

test('vendor/ matches node_modules byte for byte', () => {
  for (const [from, to] of FILES) {
    assert.equal(sha(join(web, 'vendor', to)), sha(join(web, 'node_modules', from)), `vendor/${to} differs from node_modules/${from}: run npm run vendor`);
  }
});

test('vendored versions are the pinned ones', () => {
  const pkg = JSON.parse(readFileSync(join(web, 'package.json'), 'utf8'));
  const recorded = JSON.parse(readFileSync(join(web, 'vendor', 'VERSIONS.json'), 'utf8'));
  assert.deepEqual(recorded, versions());
  for (const [name, version] of Object.entries(recorded)) {
    assert.equal(pkg.dependencies[name], version, `${name} is not pinned to an exact version`);
  }
});

test('the Rust web writer embeds every viewer file', () => {
  const rs = readFileSync(join(web, '..', 'src', 'output', 'web', 'mod.rs'), 'utf8');
  for (const [, to] of FILES) assert.ok(rs.includes(`"vendor/${to}"`), `src/output/web/mod.rs does not embed vendor/${to}`);
  for (const f of readdirSync(join(web, 'src'))) {
    assert.ok(rs.includes(`"src/${f}"`), `src/output/web/mod.rs does not embed src/${f}`);
  }
});
