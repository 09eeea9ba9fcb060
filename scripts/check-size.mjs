/**
 * `npm run size`: gzip size of every file of the widget build (`npm run build:widget`), each marked
 * `serve` (what a page loads to show rows: the script-tag entry, its static imports, the Web Worker
 * it starts and the worker's static imports), `react` (only the React entry needs it) or `lazy`
 * (loaded on demand: TF.js, the trainer, parsers). Fails (exit 1) when the serve path is over
 * budget, or when a bare import (React) sneaks onto it.
 *
 * Usage: node scripts/check-size.mjs [--dir dist/web/widget] [--budget-kb 40] [--json]
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

/** Default output folder of the widget build. */
export const WIDGET_DIR = 'dist/web/widget';
/** Serve-path budget, gzip bytes. */
export const BUDGET_KB = 40;
/** Entry of the script-tag widget in the size graph. */
export const SCRIPT_ENTRY = 'hearth-recs';

/**
 * Marks every file of a size graph (`{ entries, files: [{ file, imports, dynamicImports, workers }] }`)
 * as `serve`, `react` or `lazy`: `serve` is everything reachable from the script-tag entry over
 * static imports and started workers; `react` what the other entries reach that way on top.
 *
 * @returns Map of file → role.
 */
export function classifyFiles(graph) {
  const byFile = new Map(graph.files.map((f) => [f.file, f]));
  const reach = (start) => {
    const seen = new Set();
    const stack = [start];
    while (stack.length > 0) {
      const file = stack.pop();
      if (seen.has(file) || !byFile.has(file)) continue;
      seen.add(file);
      const f = byFile.get(file);
      stack.push(...f.imports, ...f.workers);
    }
    return seen;
  };
  const serve = reach(graph.entries[SCRIPT_ENTRY]);
  const others = new Set();
  for (const [name, file] of Object.entries(graph.entries)) {
    if (name !== SCRIPT_ENTRY) for (const f of reach(file)) others.add(f);
  }
  const roles = new Map();
  for (const f of graph.files) {
    roles.set(f.file, serve.has(f.file) ? 'serve' : others.has(f.file) ? 'react' : 'lazy');
  }
  return roles;
}

/** Bare module specifiers (externals such as `react`) imported by serve-path files. */
export function bareImportsOnServePath(graph, roles) {
  const bare = [];
  for (const f of graph.files) {
    if (roles.get(f.file) !== 'serve') continue;
    for (const spec of f.imports) {
      if (!graph.files.some((g) => g.file === spec)) bare.push(`${f.file} → ${spec}`);
    }
  }
  return bare;
}

/** Raw and gzip (level 9) sizes of one file. */
export function measure(path) {
  const bytes = readFileSync(path);
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

function listFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    if (name === '.vite') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...listFiles(path));
    else out.push(path);
  }
  return out;
}

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

function main(argv) {
  const arg = (name, fallback) => {
    const at = argv.indexOf(name);
    return at >= 0 && argv[at + 1] !== undefined ? argv[at + 1] : fallback;
  };
  const dir = arg('--dir', WIDGET_DIR);
  const budget = Number(arg('--budget-kb', BUDGET_KB)) * 1024;
  const graphPath = join(dir, '.vite', 'size-graph.json');
  if (!existsSync(graphPath)) {
    console.error(`No widget build in ${dir}: run "npm run build:widget" first.`);
    return 2;
  }
  const graph = JSON.parse(readFileSync(graphPath, 'utf8'));
  const roles = classifyFiles(graph);
  const rows = graph.files.map((f) => ({
    file: f.file,
    role: roles.get(f.file),
    ...measure(join(dir, f.file)),
  }));
  const order = { serve: 0, react: 1, lazy: 2 };
  rows.sort((a, b) => order[a.role] - order[b.role] || b.gzip - a.gzip);
  const total = (role) => rows.filter((r) => r.role === role).reduce((s, r) => s + r.gzip, 0);
  const serve = total('serve');
  const bare = bareImportsOnServePath(graph, roles);
  const known = new Set(graph.files.map((f) => join(dir, f.file)));
  const stale = listFiles(dir).filter((p) => !known.has(p));

  if (argv.includes('--json')) {
    console.log(
      JSON.stringify(
        {
          budget,
          serve,
          react: total('react'),
          lazy: total('lazy'),
          files: rows,
          bare,
          stale: stale.length,
        },
        null,
        2,
      ),
    );
  } else {
    const width = Math.max(...rows.map((r) => r.file.length), 5);
    const line = (c, raw, gz, role) =>
      `${c.padEnd(width)}  ${raw.padStart(10)}  ${gz.padStart(10)}  ${role}`;
    console.log(line('chunk', 'raw', 'gzip', 'path'));
    for (const r of rows) console.log(line(r.file, kb(r.raw), kb(r.gzip), r.role));
    console.log('');
    console.log(
      `serve path (script tag → rows, no training): ${kb(serve)} gzip of ${kb(budget)} budget`,
    );
    console.log(
      `react entry on top of it: ${kb(total('react'))} gzip; lazy chunks: ${kb(total('lazy'))} gzip`,
    );
    if (stale.length > 0) {
      console.log(`(${stale.length} files in ${dir} are from earlier builds and were not counted)`);
    }
  }
  let failed = false;
  if (bare.length > 0) {
    console.error(
      `Bare imports on the serve path (React must stay out of the script tag): ${bare.join(', ')}`,
    );
    failed = true;
  }
  if (serve > budget) {
    console.error(`The serve path is ${kb(serve - budget)} over budget: make more of it lazy.`);
    failed = true;
  }
  return failed ? 1 : 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = main(process.argv.slice(2));
}
