// Shared by the tests: the gazmap binary and a build of the real Vorkuta atlas.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const web = dirname(dirname(fileURLToPath(import.meta.url)));
export const root = dirname(web);

let built = false;
/** GAZMAP_BIN, or `cargo build` (once per process) and target/debug/gazmap. */
export function gazmapBin() {
  if (process.env.GAZMAP_BIN) return process.env.GAZMAP_BIN;
  if (!built) execFileSync('cargo', ['build', '--quiet', '--bin', 'gazmap'], { cwd: root, stdio: 'inherit' });
  built = true;
  const target = process.env.CARGO_TARGET_DIR ?? join(root, 'target');
  return join(target, 'debug', 'gazmap');
}

/** Builds data/vorkuta into `dir`/vorkuta with gazmap; returns { bin, out }. */
export function buildVorkutaInto(dir) {
  const bin = gazmapBin();
  const out = join(dir, 'vorkuta');
  execFileSync(bin, ['build', join(root, 'data/vorkuta'), '--out', out], { stdio: 'pipe' });
  return { bin, out };
}

/**
 * The Vorkuta atlas built for the tests: { bin, tmp, out, owned } (out = tmp/vorkuta). Reuses
 * the build `npm test` made (GAZMAP_TEST_BUILD); else builds into a new temporary folder, which
 * the caller removes when `owned`.
 */
export function buildVorkuta() {
  const shared = process.env.GAZMAP_TEST_BUILD;
  if (shared && existsSync(join(shared, 'vorkuta', 'web', 'index.html'))) {
    return { bin: gazmapBin(), tmp: shared, out: join(shared, 'vorkuta'), owned: false };
  }
  const tmp = mkdtempSync(join(tmpdir(), 'gazmap-web-'));
  return { ...buildVorkutaInto(tmp), tmp, owned: true };
}

export const readJson = (p) => JSON.parse(readFileSync(p, 'utf8'));

/** The flags that give headless Chromium software WebGL (SwiftShader via ANGLE). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox', // we run as root in CI
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  // This machine's network is closed: keep Chromium from calling home.
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

/** Starts `gazmap serve DIR --port 0` and resolves with the process and the viewer URL. */
export function serve(bin, dir) {
  return new Promise((resolve, reject) => {
    const proc = spawn(bin, ['serve', dir, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`gazmap serve printed no URL: ${out} ${err}`)), 20_000);
    proc.stdout.on('data', (d) => {
      out += d;
      const m = /open (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ proc, url: m[1] });
      }
    });
    proc.stderr.on('data', (d) => { err += d; });
    proc.on('exit', (code) => reject(new Error(`gazmap serve exited ${code}: ${err}`)));
  });
}

/** Builds tests/fixtures/tiny into `dir`/tiny with gazmap; returns { bin, out }. */
export function buildTinyInto(dir) {
  const bin = gazmapBin();
  const out = join(dir, 'tiny');
  execFileSync(bin, ['build', join(root, 'tests/fixtures/tiny'), '--out', out], { stdio: 'pipe' });
  return { bin, out };
}

/** Both test atlases (Vorkuta and tiny) side by side: { bin, tmp, owned }. */
export function buildBoth() {
  const built = buildVorkuta();
  if (!existsSync(join(built.tmp, 'tiny', 'web', 'index.html'))) buildTinyInto(built.tmp);
  return built;
}
