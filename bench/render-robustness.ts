import type { BenchResults } from './bench-types';

/** Columns of the per-data-set table: metric suffix and header. */
const COLUMNS: readonly (readonly [string, string])[] = [
  ['users', 'users'],
  ['items', 'items'],
  ['pairs', 'pairs'],
  ['tunedNdcg10', 'tuned'],
  ['family', 'family'],
  ['tuningMs', 'tuning ms'],
  ['pipelineMs', 'tune + fit ms'],
  ['bestBaselineNdcg10', 'best baseline'],
  ['bestBaseline', '(which)'],
  ['popularityNdcg10', 'popularity'],
  ['itemKnnNdcg10', 'ItemKNN'],
  ['mfDefaultsNdcg10', 'MF defaults'],
  ['mfHandTunedNdcg10', 'MF hand-tuned'],
  ['mfHandTuned', '(settings)'],
  ['easeNdcg10', 'EASE'],
  ['easeServedNdcg10', 'EASE as served'],
  ['easeServedNeighbors', '(per item)'],
  ['easeServed200Ndcg10', 'EASE served, 200'],
  ['easeItems', 'EASE items'],
];

/**
 * The robustness section as one table, a row per data set (keys `robustness.<data set>.<metric>`),
 * with the verdict "tuned ≥ best baseline"; other `robustness.*` keys are returned for the plain
 * metric table. NDCG@10 everywhere.
 */
export function renderRobustnessTable(
  rows: readonly [string, BenchResults[string]][],
  format: (value: BenchResults[string]) => string,
): { lines: string[]; rest: [string, BenchResults[string]][] } {
  const byDataset = new Map<string, Map<string, BenchResults[string]>>();
  const known = new Set(COLUMNS.map(([suffix]) => suffix));
  const rest: [string, BenchResults[string]][] = [];
  for (const [key, value] of rows) {
    const [, dataset, metric] = key.split('.');
    if (dataset === undefined || metric === undefined || !known.has(metric)) {
      rest.push([key, value]);
      continue;
    }
    if (!byDataset.has(dataset)) byDataset.set(dataset, new Map());
    byDataset.get(dataset)!.set(metric, value);
  }
  const lines = [
    'NDCG@10, protocol `random`, seed 42. "tuned" is the shipped pipeline with default settings;',
    'the best baseline is the best of popularity, ItemKNN, MF with fixed defaults, the hand-tuned MF',
    'grid (λ ×0.1/×1/×10, β ∈ {0, 0.85}, picked on the test split: an oracle bar) and EASE (λ chosen on',
    'a validation split of the training part, top-2000 items). "EASE as served" scores the same model',
    'through the largest positive weights per item a bundle keeps: 200 or 400 of them, the length',
    'chosen on that validation split by the tuner\'s rule; "EASE served, 200" through 200 of them.',
    '',
    `| data set | ${COLUMNS.map(([, header]) => header).join(' | ')} | tuned ≥ best |`,
    `|---|${COLUMNS.map(() => '---|').join('')}---|`,
  ];
  for (const [dataset, metrics] of byDataset) {
    const tuned = metrics.get('tunedNdcg10');
    const best = metrics.get('bestBaselineNdcg10');
    const verdict =
      typeof tuned === 'number' && typeof best === 'number' ? (tuned >= best ? '✅' : '❌') : '';
    const cells = COLUMNS.map(([suffix]) => format(metrics.get(suffix) ?? null));
    lines.push(`| ${dataset} | ${cells.join(' | ')} | ${verdict} |`);
  }
  lines.push('');
  return { lines, rest };
}
