import type { Interval, MetricDefinition, Verdict } from '../../core/experiments';
import { formatPercent } from '../format';

/** A metric's per-visitor mean: a rate for binomial metrics, else a number with two decimals. */
export function formatMetricValue(metric: MetricDefinition | undefined, value: number): string {
  if (!Number.isFinite(value)) return '—';
  return metric?.kind === 'binomial' ? formatPercent(value, 1) : value.toFixed(2);
}

/** A signed relative lift ("+4.2%"). */
export function formatLift(lift: number): string {
  if (!Number.isFinite(lift)) return '—';
  return `${lift >= 0 ? '+' : '−'}${formatPercent(Math.abs(lift), 1)}`;
}

/** An interval of relative lifts ("−3.1% to +8.0%"); unbounded ends read "∞". */
export function formatLiftInterval(interval: Interval): string {
  const end = (x: number): string =>
    Number.isFinite(x) ? formatLift(x) : x > 0 ? '+∞' : x < 0 ? '−∞' : '—';
  return `${end(interval.lower)} to ${end(interval.upper)}`;
}

/** A p-value with the precision that matters ("< 0.001", "0.042"). */
export function formatPValue(p: number): string {
  if (!Number.isFinite(p)) return '—';
  return p < 0.001 ? '< 0.001' : p.toFixed(3);
}

/** A verdict in words. */
export const VERDICT_TEXT: Record<Verdict, string> = {
  better: 'Better',
  worse: 'Worse',
  inconclusive: 'Inconclusive',
  withheld: 'Withheld',
};

/** An experiment status in words. */
export const STATUS_TEXT = {
  ready: 'Ready: verdicts can be read',
  'not-enough-data': 'Not enough data yet: verdicts withheld',
  'sample-ratio-mismatch': 'Sample-ratio mismatch: verdicts withheld until it is fixed',
} as const;
