/**
 * `npm run bench`: runs every section in bench/sections, writes bench/results.json and the table in
 * BENCHMARKS.md. Sections needing MovieLens 100K report null values when it is absent. A partial
 * run (`npm run bench -- <part of a file name> …`) keeps the other sections' last results, and
 * results.json records per section when it ran and on which commit, so BENCHMARKS.md can say which
 * sections are stale.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchContext, BenchSection } from './bench-types';
import { updateEngineDoc } from './engine-doc-blocks';
import { updatePrivacyDoc } from './privacy-doc-blocks';
import { updateScaleDoc } from './scale-doc-blocks';
import { renderBenchmarksMarkdown } from './render-markdown';
import {
  mergeSectionRun,
  sectionFreshness,
  startingRecord,
  type SectionRecord,
} from './section-records';
import type { BenchResults } from './bench-types';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ml100k = resolve(root, '..', 'shared', 'data', 'ml-100k');
const ml100kDir = existsSync(join(ml100k, 'u.data')) ? ml100k : null;
const log = (message: string): void => void process.stderr.write(`[bench] ${message}\n`);
if (!ml100kDir) log(`MovieLens 100K not found at ${ml100k}: ML-100K sections report null.`);

/** Output of git, or null when git or the checkout is unavailable. */
function git(args: readonly string[]): string | null {
  try {
    return execFileSync('git', args, {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return null;
  }
}
const commit = git(['rev-parse', '--short', 'HEAD']);
const dirty = (git(['status', '--porcelain', '--', 'src', 'bench']) ?? '') !== '';
/** Files under src/ and bench/ that differ between `since` and the working tree. */
const changedSince = (since: string): number | null => {
  const out = git(['diff', '--name-only', since, '--', 'src', 'bench']);
  return out === null ? null : out.split('\n').filter((line) => line !== '').length;
};

const only = process.argv.slice(2);
const sectionDir = join(root, 'bench', 'sections');
const files = readdirSync(sectionDir)
  .filter((f) => f.endsWith('.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
const resultsPath = join(root, 'bench', 'results.json');
/** results.json as it is on disk now (another partial run may have written it meanwhile). */
const readRecorded = (): Parameters<typeof startingRecord>[0] =>
  existsSync(resultsPath)
    ? (JSON.parse(readFileSync(resultsPath, 'utf8')) as {
        results?: BenchResults;
        sections?: Record<string, SectionRecord>;
        machine?: { date?: string };
      })
    : {};
const fresh: { file: string; out: BenchResults; meta: Omit<SectionRecord, 'keys'> }[] = [];
const ranNow = new Set<string>();
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
    const ms = Math.round(performance.now() - started);
    fresh.push({
      file,
      out,
      meta: { title: mod.section.title, ranAt: new Date().toISOString(), commit, dirty, ms },
    });
    ranNow.add(file);
    log(`${mod.section.title} done in ${(ms / 1000).toFixed(1)} s`);
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
// Merged into what is on disk at the end, not at the start, so that a partial run of other
// sections that finished meanwhile keeps its results.
let record = startingRecord(readRecorded(), only.length > 0);
for (const f of fresh) record = mergeSectionRun(record, f.file, f.out, f.meta);
const { results, sections } = record;
writeFileSync(resultsPath, `${JSON.stringify({ machine, results, sections }, null, 2)}\n`);
const freshness = sectionFreshness(sections, ranNow, changedSince);
writeFileSync(
  join(root, 'BENCHMARKS.md'),
  renderBenchmarksMarkdown(results, machine, { sections, freshness }),
);
updatePrivacyDoc(root);
updateEngineDoc(root);
updateScaleDoc(root);
log(
  `wrote bench/results.json, BENCHMARKS.md and the generated blocks of docs/privacy.md, docs/engine.md, docs/scale.md and README.md`,
);
