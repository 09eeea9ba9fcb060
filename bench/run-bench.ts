/**
 * `npm run bench`: runs every section in bench/sections, writes bench/results.json and the table in
 * BENCHMARKS.md. Sections needing MovieLens 100K report null values when it is absent.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchContext, BenchResults, BenchSection } from './bench-types';
import { renderBenchmarksMarkdown } from './render-markdown';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ml100k = resolve(root, '..', 'shared', 'data', 'ml-100k');
const ml100kDir = existsSync(join(ml100k, 'u.data')) ? ml100k : null;
const log = (message: string): void => void process.stderr.write(`[bench] ${message}\n`);
if (!ml100kDir) log(`MovieLens 100K not found at ${ml100k}: ML-100K sections report null.`);

const only = process.argv.slice(2);
const sectionDir = join(root, 'bench', 'sections');
const files = readdirSync(sectionDir)
  .filter((f) => f.endsWith('.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
const resultsPath = join(root, 'bench', 'results.json');
const previous: { results?: BenchResults } = existsSync(resultsPath)
  ? (JSON.parse(readFileSync(resultsPath, 'utf8')) as { results?: BenchResults })
  : {};
// A partial run (section filter) keeps the other sections' last results.
const results: BenchResults = only.length > 0 ? { ...(previous.results ?? {}) } : {};
const titles: Record<string, string> = {};
const ctx: BenchContext = { ml100kDir, log };
for (const file of files) {
  const mod = (await import(pathToFileURL(join(sectionDir, file)).href)) as {
    section?: BenchSection;
  };
  if (!mod.section) {
    log(`${file}: no "section" export, skipped`);
    continue;
  }
  log(`${mod.section.title} …`);
  const started = performance.now();
  try {
    const out = await mod.section.run(ctx);
    Object.assign(results, out);
    for (const key of Object.keys(out)) titles[key.split('.')[0]!] = mod.section.title;
    log(`${mod.section.title} done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } catch (error) {
    log(`${mod.section.title} FAILED: ${error instanceof Error ? error.stack : String(error)}`);
    process.exitCode = 1;
  }
}
const machine = {
  node: process.version,
  platform: `${process.platform}-${process.arch}`,
  cpus: (await import('node:os')).cpus().length,
  date: new Date().toISOString(),
};
writeFileSync(resultsPath, `${JSON.stringify({ machine, results }, null, 2)}\n`);
writeFileSync(join(root, 'BENCHMARKS.md'), renderBenchmarksMarkdown(results, machine));
log(`wrote bench/results.json and BENCHMARKS.md`);
