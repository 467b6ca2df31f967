// `npm test`: builds the Vorkuta and tiny atlases once (gazmap from `cargo build`, or GAZMAP_BIN) into
// test-results/build/, then runs every test file with node's test runner on that build.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildTinyInto, buildVorkutaInto, web } from '../tests/helpers.mjs';

const dir = join(web, 'test-results', 'build');
rmSync(dir, { recursive: true, force: true });
const started = Date.now();
buildVorkutaInto(dir);
buildTinyInto(dir);
console.log(`built the Vorkuta and tiny atlases into ${dir} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
const run = spawnSync(process.execPath, ['--test', 'tests/'], {
  cwd: web,
  stdio: 'inherit',
  env: { ...process.env, GAZMAP_TEST_BUILD: dir },
});
process.exit(run.status ?? 1);
