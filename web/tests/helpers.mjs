// Shared by the tests: the gazmap binary and a build of the real Vorkuta atlas.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const web = dirname(dirname(fileURLToPath(import.meta.url)));
export const root = dirname(web);

/** GAZMAP_BIN, or `cargo build` and target/debug/gazmap. */
export function gazmapBin() {
  if (process.env.GAZMAP_BIN) return process.env.GAZMAP_BIN;
  execFileSync('cargo', ['build', '--quiet', '--bin', 'gazmap'], { cwd: root, stdio: 'inherit' });
  const target = process.env.CARGO_TARGET_DIR ?? join(root, 'target');
  return join(target, 'debug', 'gazmap');
}

/** Builds data/vorkuta into a new temporary folder: returns { bin, tmp, out } (out = tmp/vorkuta). */
export function buildVorkuta() {
  const bin = gazmapBin();
  const tmp = mkdtempSync(join(tmpdir(), 'gazmap-web-'));
  const out = join(tmp, 'vorkuta');
  execFileSync(bin, ['build', join(root, 'data/vorkuta'), '--out', out], { stdio: 'pipe' });
  return { bin, tmp, out };
}

export const readJson = (p) => JSON.parse(readFileSync(p, 'utf8'));
