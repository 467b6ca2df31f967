// Copies the pinned MapLibre GL JS and PMTiles builds from node_modules into vendor/, which is
// committed: `gazmap build` embeds vendor/ and src/ into the binary, so it never needs npm.
// Run `npm run vendor` after changing a version in package.json; tests/vendor.test.mjs checks that
// vendor/ matches node_modules byte for byte.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(dirname(fileURLToPath(import.meta.url)));

/** [from (under node_modules), to (under vendor)] */
export const FILES = [
  ['maplibre-gl/dist/maplibre-gl.mjs', 'maplibre-gl.mjs'],
  ['maplibre-gl/dist/maplibre-gl-worker.mjs', 'maplibre-gl-worker.mjs'],
  ['maplibre-gl/dist/maplibre-gl.css', 'maplibre-gl.css'],
  ['maplibre-gl/LICENSE.txt', 'LICENSE-maplibre-gl.txt'],
  ['pmtiles/dist/pmtiles.js', 'pmtiles.js'],
];

/** The versions vendored, read from the installed packages. */
export function versions() {
  const v = (p) => JSON.parse(readFileSync(join(here, 'node_modules', p, 'package.json'), 'utf8')).version;
  return { 'maplibre-gl': v('maplibre-gl'), pmtiles: v('pmtiles') };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  mkdirSync(join(here, 'vendor'), { recursive: true });
  for (const [from, to] of FILES) {
    copyFileSync(join(here, 'node_modules', from), join(here, 'vendor', to));
  }
  writeFileSync(join(here, 'vendor', 'VERSIONS.json'), JSON.stringify(versions(), null, 2) + '\n');
  console.log(`vendored ${FILES.length} files:`, versions());
}
