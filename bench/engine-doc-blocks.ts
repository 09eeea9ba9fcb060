/**
 * The quality tables README.md and docs/engine.md carry (robustness set, short histories, item-to-item rows),
 * generated from bench/results.json so the doc never holds a hand-copied figure. `npm run bench`
 * rewrites them; `test/bench/engine-doc-blocks.test.ts` fails when they drift.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchResults } from './bench-types';
import { replaceDocBlock } from './doc-blocks';

export { readDocBlock, replaceDocBlock } from './doc-blocks';

/** The generated blocks of docs/engine.md, by marker name. */
export const ENGINE_DOC_BLOCKS = ['robustness-table', 'first-n-table', 'next-item-table'] as const;
export type EngineDocBlock = (typeof ENGINE_DOC_BLOCKS)[number];

const DATASETS: readonly [key: string, label: string][] = [
  ['ml100k', 'ML-100K'],
  ['sparse-ml100k', 'sparse ML-100K (15%)'],
  ['long-tail-plays', 'long-tail play counts'],
  ['sparse-ratings', 'sparse ratings'],
  ['few-users', 'few users × many items'],
  ['demo-shop', 'demo shop'],
];
const VISITOR_SETS: readonly [key: string, label: string][] = [
  ['ml100k', 'ML-100K'],
  ['demoShop', 'demo shop'],
];
const FIRST_N_ROWS: readonly [key: string, label: string][] = [
  ['for-you', 'for-you (served)'],
  ['similar-to-last', 'similar to the last item'],
  ['popularity', 'popularity'],
  ['itemknn', 'ItemKNN'],
  ['ease', 'EASE'],
];
const NEXT_ITEM_ROWS: readonly [key: string, label: string][] = [
  ['blended', 'similar, blended (chosen in training)'],
  ['default-blend', 'similar, default blend'],
  ['mf-only', 'MF cosine only'],
  ['co-occurrence-only', 'co-occurrence only'],
  ['content-only', 'content only'],
  ['bought-together', 'bought-together'],
];

const num = (r: BenchResults, key: string): number | null => {
  const v = r[key];
  return typeof v === 'number' ? v : null;
};
const f3 = (v: number | null): string => (v === null ? '–' : v.toFixed(3));
const f4 = (v: number | null): string => (v === null ? '–' : v.toFixed(4));
const gap = (d: number | null, se: number | null): string =>
  d === null || se === null
    ? '–'
    : `${d >= 0 ? '+' : '−'}${Math.abs(d).toFixed(4)} ± ${(2 * se).toFixed(4)}`;

/** Robustness set: baselines next to the shipped (tuned) pipeline, per data set. */
export function robustnessTable(r: BenchResults): string[] {
  const lines = [
    '| data set (users × items, pairs) | popularity | ItemKNN | MF defaults | MF hand-tuned (oracle) | EASE reference | **tuned** (family) | tuned − EASE (± 2 SE, paired) | tuning + fit |',
    '| ------------------------------- | ---------- | ------- | ----------- | ---------------------- | -------------- | ------------------ | ----------------------------- | ------------ |',
  ];
  for (const [key, label] of DATASETS) {
    const k = (m: string): string => `robustness.${key}.${m}`;
    const users = num(r, k('users'));
    if (users === null) continue;
    const family = r[k('family')];
    const ms = num(r, k('pipelineMs'));
    lines.push(
      `| ${label} (${users.toLocaleString('en-US')} × ${num(r, k('items'))!.toLocaleString('en-US')}, ${num(r, k('pairs'))!.toLocaleString('en-US')}) ` +
        `| ${f4(num(r, k('popularityNdcg10')))} | ${f4(num(r, k('itemKnnNdcg10')))} | ${f4(num(r, k('mfDefaultsNdcg10')))} ` +
        `| ${f4(num(r, k('mfHandTunedNdcg10')))} | ${f4(num(r, k('easeNdcg10')))} ` +
        `| **${f4(num(r, k('tunedNdcg10')))}** (${typeof family === 'string' ? family : '–'}) ` +
        `| ${gap(num(r, k('tunedMinusEase')), num(r, k('tunedMinusEaseSe')))} ` +
        `| ${ms === null ? '–' : `${(ms / 1000).toFixed(1)} s`} |`,
    );
  }
  return lines;
}

/** First-n protocol: NDCG@10 at n = 1, 2, 3, 5 per ranker and data set. */
export function firstNTable(r: BenchResults): string[] {
  const lines = [
    `| first-n NDCG@10 (n = 1, 2, 3, 5) | ${VISITOR_SETS.map(([, l]) => l).join(' | ')} |`,
    `| -------------------------------- | ${VISITOR_SETS.map(() => '---').join(' | ')} |`,
  ];
  for (const [row, label] of FIRST_N_ROWS) {
    const cells = VISITOR_SETS.map(([set]) =>
      [1, 2, 3, 5].map((n) => f3(num(r, `shortHistory.${set}.${row}.n${n}.ndcg10`))).join(', '),
    );
    lines.push(`| ${label} | ${cells.join(' | ')} |`);
  }
  return lines;
}

/** Next-item protocol: HR@10 (share of shown items in the anchor's category) per row variant. */
export function nextItemTable(r: BenchResults): string[] {
  const lines = [
    `| next-item HR@10 (same category) | ${VISITOR_SETS.map(([, l]) => l).join(' | ')} |`,
    `| ------------------------------- | ${VISITOR_SETS.map(() => '---').join(' | ')} |`,
  ];
  for (const [row, label] of NEXT_ITEM_ROWS) {
    const cells = VISITOR_SETS.map(
      ([set]) =>
        `${f3(num(r, `itemToItem.${set}.${row}.hr10`))} (${f3(num(r, `itemToItem.${set}.${row}.sameCategory`))})`,
    );
    lines.push(`| ${label} | ${cells.join(' | ')} |`);
  }
  return lines;
}

/** Every block as results.json says it should read. */
export function expectedEngineBlocks(r: BenchResults): Record<EngineDocBlock, string[]> {
  return {
    'robustness-table': robustnessTable(r),
    'first-n-table': firstNTable(r),
    'next-item-table': nextItemTable(r),
  };
}

/** The documents that carry these blocks (README.md and docs/engine.md), relative to the root. */
export const QUALITY_DOCS: readonly string[] = ['README.md', join('docs', 'engine.md')];

/** Rewrites the generated blocks of {@link QUALITY_DOCS} under `root` from its bench/results.json. */
export function updateEngineDoc(root: string): void {
  const { results } = JSON.parse(readFileSync(join(root, 'bench', 'results.json'), 'utf8')) as {
    results: BenchResults;
  };
  const blocks = expectedEngineBlocks(results);
  for (const file of QUALITY_DOCS) {
    const path = join(root, file);
    let doc = readFileSync(path, 'utf8');
    for (const name of ENGINE_DOC_BLOCKS) doc = replaceDocBlock(doc, name, blocks[name]);
    writeFileSync(path, doc);
  }
}
