/**
 * The figures docs/privacy.md carries about DP by population size, generated from
 * bench/results.json and bench/dp/chosen-settings.json, never typed by hand: `npm run bench`
 * rewrites the marked blocks, `npx tsx bench/privacy-doc-blocks.ts` does it alone, and
 * test/bench/privacy-doc-figures.test.ts fails when the document and the files disagree.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchResults } from './bench-types';
import { readDocBlock, replaceDocBlock } from './doc-blocks';
import { MAX_DEFAULT_HEAD, MAX_SECURE_DEFAULT_HEAD } from '../src/federated/private-cooccurrence';
import { DP_CURVE_BAR } from './render-dp-curve';

/** One tuning-population choice of scripts/choose-dp-settings.ts. */
export interface ChosenSettings {
  readonly users: number;
  readonly epsilon: number;
  readonly headSize: number;
  readonly factors: number;
  readonly shrinkage: number;
  readonly popularityNoiseRatio: number;
  readonly validationNdcg10: number;
}

/** The block names and their markers in the document. */
export const DOC_BLOCKS = ['ml100k-dp', 'dp-by-users', 'dp-head-ceiling', 'dp-settings'] as const;
type BlockName = (typeof DOC_BLOCKS)[number];

const f3 = (v: BenchResults[string] | undefined): string =>
  typeof v === 'number' ? v.toFixed(3) : 'n/a';

/** The DP-by-population table (NDCG@10) with the share of centralized at ε = 8. */
export function dpByUsersDocTable(results: BenchResults): string[] {
  const users = [
    ...new Set(
      Object.keys(results)
        .map((k) => /^federated\.dpByUsers\.n(\d+)\./.exec(k)?.[1])
        .filter((n): n is string => n !== undefined)
        .map(Number),
    ),
  ].sort((a, b) => a - b);
  const lines = [
    '| shoppers N | centralized (family) | DP ε = 1 | DP ε = 4 | DP ε = 8 | release alone, ε = 8 | DP / centralized at ε = 8 |',
    '| ---------- | -------------------- | -------- | -------- | -------- | -------------------- | ------------------------- |',
  ];
  for (const n of users) {
    const at = (m: string) => results[`federated.dpByUsers.n${n}.${m}`];
    const central = at('centralizedNdcg10');
    const dp8 = at(`eps${DP_CURVE_BAR.epsilon}.ndcg10`);
    const share =
      typeof central === 'number' && typeof dp8 === 'number'
        ? `${((100 * dp8) / central).toFixed(0)} %`
        : 'n/a';
    const family = at('centralizedFamily');
    lines.push(
      `| ${n.toLocaleString('en-US')} | ${f3(central)} (${typeof family === 'string' ? family : 'n/a'}) | ${f3(at('eps1.ndcg10'))} | ${f3(at('eps4.ndcg10'))} | ${f3(dp8)} | ${f3(at(`eps${DP_CURVE_BAR.epsilon}.releaseOnlyNdcg10`))} | ${share} |`,
    );
  }
  return lines;
}

/**
 * The coverage ceiling at the bar's population: noise-free EASE limited to the m most popular
 * items, next to the DP release at ε = 8 and centralized training.
 */
export function dpHeadCeilingDocTable(results: BenchResults): string[] {
  const n = DP_CURVE_BAR.minUsers;
  const prefix = `federated.dpByUsers.n${n}.`;
  const central = results[`${prefix}centralizedNdcg10`];
  const share = (v: BenchResults[string] | undefined): string =>
    typeof v === 'number' && typeof central === 'number'
      ? `${((100 * v) / central).toFixed(0)} %`
      : 'n/a';
  const lines = [
    `| N = ${n.toLocaleString('en-US')} shoppers | NDCG@10 | share of centralized |`,
    '| -------------------------------------- | ------- | -------------------- |',
  ];
  const heads = Object.keys(results)
    .filter((k) => k.startsWith(`${prefix}headCeiling.m`))
    .map((k) => Number(k.slice(`${prefix}headCeiling.m`.length)))
    .sort((a, b) => a - b);
  const eps = `${prefix}eps${DP_CURVE_BAR.epsilon}`;
  const rows: [string, string][] = [
    [`plain rounds (head ≤ ${MAX_DEFAULT_HEAD} items), as served with the catalog`, 'ndcg10'],
    [`plain rounds, the release alone`, 'releaseOnlyNdcg10'],
    [
      `secure rounds (head ≤ ${MAX_SECURE_DEFAULT_HEAD} items), as served with the catalog`,
      'secureNdcg10',
    ],
    [`secure rounds, the release alone`, 'secureReleaseOnlyNdcg10'],
  ];
  for (const [label, metric] of rows) {
    const v = results[`${eps}.${metric}`];
    if (v === undefined) continue;
    lines.push(`| DP release, ε = ${DP_CURVE_BAR.epsilon}, ${label} | ${f3(v)} | ${share(v)} |`);
  }
  for (const m of heads) {
    const v = results[`${prefix}headCeiling.m${m}`];
    lines.push(
      `| no noise, EASE on the ${m.toLocaleString('en-US')} most popular items | ${f3(v)} | ${share(v)} |`,
    );
  }
  lines.push(`| centralized (all items) | ${f3(central)} | 100 % |`);
  return lines;
}

/** The ML-100K federated figures (943 clients, protocol `random`, seed 42) and popularity. */
export function ml100kDocTable(results: BenchResults): string[] {
  const at = (k: string) => results[`federated.${k}`];
  const central = at('centralizedNdcg10');
  const dp = at('dpNdcg10');
  const share =
    typeof central === 'number' && typeof dp === 'number'
      ? `${((100 * dp) / central).toFixed(0)} % of centralized`
      : 'n/a';
  const settings = at('dpSettings');
  return [
    '| setting | NDCG@10 | Recall@20 |',
    '| ------- | ------- | --------- |',
    `| centralized iALS (k = 64, 10 epochs) | ${f3(central)} | ${f3(at('centralizedRecall20'))} |`,
    `| federated iALS, no noise, ${String(at('rounds') ?? 'n/a')} rounds | ${f3(at('ndcg10'))} | ${f3(at('recall20'))} |`,
    `| **co-occurrence release, DP ε = 8, δ = 10⁻⁵** (Design 1; ${typeof settings === 'string' ? settings : 'settings n/a'}) | **${f3(dp)}** (${share}; noise seeds 1–3: ${f3(at('dpNdcg10OtherNoiseSeeds'))}) | ${f3(at('dpRecall20'))} |`,
    `| co-occurrence release, DP ε = 64 | ${f3(at('dpEps64Ndcg10'))} | |`,
    `| iterative iALS rounds, DP ε = 8 (Design 2: k = 8, 4 rounds) | ${f3(at('dpIterativeNdcg10'))} | |`,
    `| popularity (reference) | ${f3(results['baselines.popularity.ndcg10'])} | ${f3(results['baselines.popularity.recall20'])} |`,
  ];
}

/** The settings chosen per tuning point (N, ε), with their validation NDCG@10. */
export function dpSettingsDocTable(choices: readonly ChosenSettings[]): string[] {
  const lines = [
    '| tuning N | ε | head m | rank k | shrinkage μ | z_pop / z_pairs | validation NDCG@10 |',
    '| -------- | - | ------ | ------ | ----------- | --------------- | ------------------ |',
  ];
  for (const c of choices) {
    lines.push(
      `| ${c.users.toLocaleString('en-US')} | ${c.epsilon} | ${c.headSize} | ${c.factors} | ${c.shrinkage} | ${c.popularityNoiseRatio} | ${c.validationNdcg10.toFixed(3)} |`,
    );
  }
  return lines;
}

/** `doc` with block `name` replaced (see `./doc-blocks`). */
export const replaceBlock = (doc: string, name: BlockName, lines: readonly string[]): string =>
  replaceDocBlock(doc, name, lines);

/** The lines of block `name` (see `./doc-blocks`). */
export const readBlock = (doc: string, name: BlockName): string[] => readDocBlock(doc, name);

/** Paths of the repository files the blocks come from and go to. */
export function docPaths(root: string) {
  return {
    doc: join(root, 'docs', 'privacy.md'),
    results: join(root, 'bench', 'results.json'),
    settings: join(root, 'bench', 'dp', 'chosen-settings.json'),
  };
}

/** Both blocks as the files say they should read. */
export function expectedBlocks(root: string): Record<BlockName, string[]> {
  const p = docPaths(root);
  const { results } = JSON.parse(readFileSync(p.results, 'utf8')) as { results: BenchResults };
  const { choices } = JSON.parse(readFileSync(p.settings, 'utf8')) as {
    choices: ChosenSettings[];
  };
  return {
    'ml100k-dp': ml100kDocTable(results),
    'dp-by-users': dpByUsersDocTable(results),
    'dp-head-ceiling': dpHeadCeilingDocTable(results),
    'dp-settings': dpSettingsDocTable(choices),
  };
}

/** Rewrites the blocks of docs/privacy.md under `root`. */
export function updatePrivacyDoc(root: string): void {
  const p = docPaths(root);
  let doc = readFileSync(p.doc, 'utf8');
  const blocks = expectedBlocks(root);
  for (const name of DOC_BLOCKS) doc = replaceBlock(doc, name, blocks[name]);
  writeFileSync(p.doc, doc);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  updatePrivacyDoc(resolve(dirname(fileURLToPath(import.meta.url)), '..'));
}
