/**
 * Human-readable output of `hearth-recs experiment report`: per-arm sample and rates with their
 * intervals, then per metric every treatment arm against the control.
 */
import {
  normalQuantile,
  type ExperimentAnalysis,
  type ExperimentDefinition,
  type MetricComparison,
} from '../../core/experiments';

/** Left-aligned first column, right-aligned others, two spaces apart. */
export function formatTable(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  }
  return rows
    .map((row) =>
      row
        .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

const count = (n: number): string =>
  Math.round(n).toLocaleString('en-US', { maximumFractionDigits: 0 });

const signed = (value: number, digits: number, unit: string): string =>
  `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(digits)}${unit}`;

/** A number the way a metric reads: rates in %, other means with 4 significant digits. */
function metricValue(value: number, binomial: boolean): string {
  if (binomial) return `${(100 * value).toFixed(2)}%`;
  return Math.abs(value) >= 1000 ? value.toFixed(0) : value.toPrecision(4);
}

function lift(comparison: MetricComparison, binomial: boolean): (value: number) => string {
  return comparison.relative !== null
    ? (value) => signed(100 * value, 1, '%')
    : (value) => (binomial ? signed(100 * value, 2, ' pp') : signed(value, 3, ''));
}

function pValue(p: number): string {
  return p < 0.001 ? p.toExponential(1) : p.toFixed(3);
}

function comparisonRow(comparison: MetricComparison, binomial: boolean): string[] {
  const effect = comparison.relative ?? comparison.absolute;
  const f = lift(comparison, binomial);
  // Risks are expected losses (never negative): no sign.
  const risk = (value: number): string => f(value).replace(/^\+/, '');
  const { bayesian } = comparison;
  return [
    `  ${comparison.armId}`,
    f(effect.estimate),
    `[${f(effect.interval.lower)}, ${f(effect.interval.upper)}]`,
    `[${f(effect.sequentialInterval.lower)}, ${f(effect.sequentialInterval.upper)}]`,
    `${(100 * bayesian.chanceToWin).toFixed(1)}%`,
    `${risk(bayesian.riskTreatment)} / ${risk(bayesian.riskControl)}`,
    pValue(comparison.adjustedPValue),
    comparison.cupedVarianceRatio === 1 ? '—' : comparison.cupedVarianceRatio.toFixed(2),
    comparison.verdict,
  ];
}

function metricSection(
  analysis: ExperimentAnalysis,
  definition: ExperimentDefinition | null,
  metricId: string,
  z: number,
): string {
  const comparisons = analysis.comparisons.filter((c) => c.metricId === metricId);
  const metric = [definition?.primaryMetric, ...(definition?.guardrailMetrics ?? [])].find(
    (m) => m?.id === metricId,
  );
  const binomial = metric?.kind === 'binomial';
  const role = comparisons[0]?.role ?? 'guardrail';
  const kind =
    metric === undefined ? '' : `, ${metric.kind}${metric.cap ? ` capped at ${metric.cap}` : ''}`;
  const rates = formatTable(
    analysis.arms.map((arm) => {
      const mean = arm.means[metricId] ?? 0;
      const se = arm.standardErrors?.[metricId] ?? 0;
      return [`  ${arm.armId}`, metricValue(mean, binomial), `± ${metricValue(z * se, binomial)}`];
    }),
  );
  const header = [
    '  vs control',
    'lift',
    'interval',
    'anytime-valid',
    'win',
    'risk ship / keep',
    'p (BH)',
    'CUPED',
    'verdict',
  ];
  const table = formatTable([header, ...comparisons.map((c) => comparisonRow(c, binomial))]);
  return `${metricId} (${role}${kind})\n${rates}\n${table}`;
}

/**
 * The report of `analysis` as text. `definition` (when known) names the metric kinds and the
 * interval level; without it the level is the default 95%.
 */
export function formatAnalysis(
  analysis: ExperimentAnalysis,
  definition: ExperimentDefinition | null,
): string {
  const alpha = definition?.alpha ?? 0.05;
  const level = `${Math.round(100 * (1 - alpha))}%`;
  const z = normalQuantile(1 - alpha / 2);
  const { sampleRatio } = analysis;
  const lines = [
    `${analysis.experimentId} v${analysis.version}: ${analysis.status}, ${analysis.runtimeDays.toFixed(1)} days`,
    `sample ratio: ${sampleRatio.alarm ? 'MISMATCH' : 'ok'} (p = ${pValue(sampleRatio.pValue)}; anytime-valid p = ${pValue(sampleRatio.sequentialPValue)}; alarm below 0.001)`,
    '',
    formatTable([
      ['arm', 'visitors', 'exposed'],
      ...analysis.arms.map((arm) => [arm.armId, count(arm.visitors), count(arm.exposedVisitors)]),
    ]),
  ];
  const metricIds = [...new Set(analysis.comparisons.map((c) => c.metricId))];
  for (const metricId of metricIds) {
    lines.push('', metricSection(analysis, definition, metricId, z));
  }
  lines.push(
    '',
    `Means ± ${level} intervals; lift and its ${level} interval (fixed horizon) and anytime-valid interval ` +
      '(safe however often you look); win = chance to win; risk = expected lift lost by shipping the ' +
      'treatment / keeping the control; p after Benjamini–Hochberg; CUPED = variance with / without it.',
  );
  if (analysis.status === 'ready') {
    lines.push('Verdicts can be read.');
  } else {
    lines.push(`No verdict yet: ${analysis.reasons.join('; ')}.`);
  }
  return lines.join('\n');
}
