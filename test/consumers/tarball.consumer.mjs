// The tarball itself: every `exports` target and the bin are in it, LICENSE and README too, and
// nothing from the repository's tests, benchmarks, demo app, sources or screenshots. Prints the
// sizes `npm pack` reported.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO, check, packOnce, packReport } from './pack-once.mjs';

const FORBIDDEN = [/^test\//, /^e2e\//, /^bench\//, /^src\//, /^docs\/images\//, /^public\//];
const FORBIDDEN_ANYWHERE = [/\.map$/, /\.test\.[cm]?[jt]sx?$/, /(^|\/)tsconfig[^/]*\.json$/];

const tarball = await packOnce();
const report = await packReport(tarball);
const paths = new Set(report.files.map((f) => f.path));
const pkg = JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8'));

const problems = [];
for (const path of paths) {
  if (FORBIDDEN.some((re) => re.test(path)) || FORBIDDEN_ANYWHERE.some((re) => re.test(path))) {
    problems.push(`ships ${path}`);
  }
}
const targets = [];
const collect = (value) => {
  if (typeof value === 'string') targets.push(value);
  else if (value && typeof value === 'object') Object.values(value).forEach(collect);
};
collect(pkg.exports);
collect(pkg.bin);
collect(pkg.types);
for (const target of new Set(targets)) {
  const path = target.replace(/^\.\//, '');
  // A subpath pattern ("./dist/browser/*") must match at least one file.
  const star = path.indexOf('*');
  const found =
    star >= 0 ? [...paths].some((p) => p.startsWith(path.slice(0, star))) : paths.has(path);
  if (!found) problems.push(`package.json points at ${target}, which is not in the tarball`);
}
const NEEDED = ['LICENSE', 'README.md', 'package.json', 'dist/cli/hearth-recs.mjs'];
for (const need of [...NEEDED, 'dist/server/hearth-server.mjs']) {
  if (!paths.has(need)) problems.push(`${need} is missing`);
}
for (const [entry, conditions] of Object.entries(pkg.exports)) {
  if (typeof conditions === 'object' && typeof conditions.types !== 'string') {
    problems.push(`exports["${entry}"] has no types condition`);
  }
}
check(problems.length === 0, `tarball problems:\n  ${problems.join('\n  ')}`);

const byFolder = new Map();
for (const f of report.files) {
  const folder = f.path.split('/').slice(0, 2).join('/');
  byFolder.set(folder, (byFolder.get(folder) ?? 0) + f.size);
}
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} kB`;
console.log(
  `tarball: ${report.filename}: ${report.entryCount} files, ${kb(report.size)} packed, ` +
    `${kb(report.unpackedSize)} unpacked`,
);
for (const [folder, size] of [...byFolder].sort((a, b) => b[1] - a[1])) {
  console.log(`  ${folder.padEnd(24)} ${kb(size).padStart(10)}`);
}
