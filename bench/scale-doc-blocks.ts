/**
 * The generated block of docs/scale.md: the `scale-train` bench's cost table (parse, MF per
 * epoch, wall and CPU time, peak RSS, stage times at 10M events), from bench/results.json.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchResults } from './bench-types';
import { replaceDocBlock } from './doc-blocks';

/** Name of the block in docs/scale.md. */
export const SCALE_TRAIN_BLOCK = 'scale-train-table';

/** The document that carries it, relative to the root. */
export const SCALE_DOC = join('docs', 'scale.md');

const SIZES = [
  ['events100k', '100k'],
  ['events1m', '1M'],
  ['events10m', '10M'],
] as const;

const STAGES = ['read', 'matrix', 'mf', 'co-occurrence', 'trending', 'write'] as const;

function value(r: BenchResults, key: string): number | null {
  const v = r[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

const seconds = (ms: number | null): string =>
  ms === null ? 'n/a' : `${(ms / 1000).toFixed(1)} s`;
const mb = (x: number | null): string =>
  x === null ? 'n/a' : `${Math.round(x).toLocaleString('en-US')} MB`;

/** The block's lines as results.json says they should read. */
export function expectedScaleBlock(r: BenchResults): string[] {
  const lines = [
    '| events | parse (slices) | MF per epoch | `train` wall | `train` CPU | peak RSS |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const [key, label] of SIZES) {
    const slices = value(r, `scale.${key}.parseThreads`);
    lines.push(
      `| ${label} | ${seconds(value(r, `scale.${key}.parseMs`))} (${slices ?? 'n/a'}) | ${seconds(value(r, `scale.${key}.epochMs`))} | ${seconds(value(r, `scale.${key}.trainWallMs`))} | ${seconds(value(r, `scale.${key}.trainCpuMs`))} | ${mb(value(r, `scale.${key}.peakRssMB`))} |`,
    );
  }
  lines.push(
    `| 10M, 1 thread | ${seconds(value(r, 'scale.train10m.oneThreadParseMs'))} (1) | — | ${seconds(value(r, 'scale.train10m.oneThreadMs'))} | ${seconds(value(r, 'scale.train10m.oneThreadCpuMs'))} | ${mb(value(r, 'scale.train10m.oneThreadPeakRssMB'))} |`,
  );
  const stages = STAGES.map((s) => `${s} ${seconds(value(r, `scale.events10m.stage.${s}Ms`))}`);
  lines.push(
    '',
    `Stages at 10M events on all cores (wall): ${stages.join(', ')}. MF speed-up of all cores over one: ${value(r, 'scale.train10m.threadSpeedup') ?? 'n/a'}× (whole command ${value(r, 'scale.train10m.wallSpeedup') ?? 'n/a'}×).`,
  );
  return lines;
}

/** Rewrites the block of {@link SCALE_DOC} under `root` from its bench/results.json. */
export function updateScaleDoc(root: string): void {
  const { results } = JSON.parse(readFileSync(join(root, 'bench', 'results.json'), 'utf8')) as {
    results: BenchResults;
  };
  const path = join(root, SCALE_DOC);
  writeFileSync(
    path,
    replaceDocBlock(readFileSync(path, 'utf8'), SCALE_TRAIN_BLOCK, expectedScaleBlock(results)),
  );
}
