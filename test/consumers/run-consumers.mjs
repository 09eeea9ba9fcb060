// `npm run test:consumers`: packs the package once, then runs every `*.consumer.mjs` in this folder
// as its own Node process (each installs the tarball into a throw-away project outside the repo).
// Pass names to run a subset: `npm run test:consumers -- node typescript`.
import { readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { packOnce, TARBALL_ENV } from './pack-once.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const wanted = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.consumer.mjs'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
  .sort();

if (files.length === 0) {
  console.error(`consumers: no *.consumer.mjs files match ${wanted.join(', ') || 'in ' + here}`);
  process.exit(1);
}

const started = Date.now();
const packedHere = !process.env[TARBALL_ENV];
const tarball = await packOnce();
console.log(`consumers: packed ${tarball} in ${((Date.now() - started) / 1000).toFixed(1)} s`);

let failed = 0;
for (const file of files) {
  const t0 = Date.now();
  const code = await new Promise((resolve) => {
    const child = spawn(process.execPath, [`${here}${file}`], {
      stdio: 'inherit',
      env: { ...process.env, [TARBALL_ENV]: tarball },
    });
    child.on('close', (c) => resolve(c ?? 1));
  });
  const seconds = ((Date.now() - t0) / 1000).toFixed(1);
  console.log(`consumers: ${code === 0 ? 'ok  ' : 'FAIL'} ${file} (${seconds} s)`);
  if (code !== 0) failed++;
}
// The pack folder is this run's; a tarball handed in through HEARTH_TARBALL stays.
if (packedHere) await rm(dirname(tarball), { recursive: true, force: true });
const total = ((Date.now() - started) / 1000).toFixed(1);
console.log(`consumers: ${files.length - failed} of ${files.length} passed in ${total} s`);
process.exit(failed === 0 ? 0 : 1);
