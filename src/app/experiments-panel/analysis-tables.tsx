import type {
  ExperimentAnalysis,
  ExperimentDefinition,
  MetricComparison,
  MetricDefinition,
} from '../../core/experiments';
import { formatCount, formatPercent } from '../format';
import {
  formatLift,
  formatLiftInterval,
  formatMetricValue,
  formatPValue,
  VERDICT_TEXT,
} from './experiment-format';

/** Every metric of a definition, primary first. */
export function metricsOf(definition: ExperimentDefinition): readonly MetricDefinition[] {
  return [definition.primaryMetric, ...(definition.guardrailMetrics ?? [])];
}

interface TableProps {
  readonly definition: ExperimentDefinition;
  readonly analysis: ExperimentAnalysis;
  /** This device's arm, marked in the table (null: not in an arm). */
  readonly deviceArm: string | null;
}

/** Per arm: share of traffic, visitors, exposed visitors and the mean of every metric. */
export function ArmsTable({ definition, analysis, deviceArm }: TableProps) {
  const metrics = metricsOf(definition);
  const total = definition.arms.reduce((sum, arm) => sum + arm.weight, 0);
  return (
    <table className="data-table" data-testid="experiment-arms">
      <caption>Arms: visitors and per-visitor means (exposed visitors)</caption>
      <thead>
        <tr>
          <th scope="col">Arm</th>
          <th scope="col">Traffic</th>
          <th scope="col">Visitors</th>
          <th scope="col">Exposed</th>
          {metrics.map((m) => (
            <th key={m.id} scope="col">
              {m.id}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {analysis.arms.map((arm, i) => {
          const defined = definition.arms.find((a) => a.id === arm.armId);
          return (
            <tr key={arm.armId} data-arm={arm.armId}>
              <th scope="row">
                {arm.armId}
                {i === 0 && arm.armId !== 'control' ? ' (control)' : ''}
                {defined?.holdout ? ' (holdout: no recommendations)' : ''}
                {arm.armId === deviceArm ? <span className="badge">this device</span> : null}
              </th>
              <td>{defined ? formatPercent(defined.weight / total) : '—'}</td>
              <td>{formatCount(Math.round(arm.visitors))}</td>
              <td>{formatCount(Math.round(arm.exposedVisitors))}</td>
              {metrics.map((m) => (
                <td key={m.id}>{formatMetricValue(m, arm.means[m.id] ?? NaN)}</td>
              ))}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** The lift cell: relative lift when the control mean is positive, else the absolute difference. */
function LiftCells({
  c,
  metric,
}: {
  readonly c: MetricComparison;
  readonly metric?: MetricDefinition;
}) {
  if (c.relative) {
    return (
      <>
        <td>{formatLift(c.relative.estimate)}</td>
        <td>{formatLiftInterval(c.relative.interval)}</td>
        <td>{formatLiftInterval(c.relative.sequentialInterval)}</td>
      </>
    );
  }
  const abs = (x: number): string => formatMetricValue(metric, x);
  const span = (i: { lower: number; upper: number }): string =>
    `${abs(i.lower)} to ${abs(i.upper)}`;
  return (
    <>
      <td>{abs(c.absolute.estimate)} (absolute)</td>
      <td>{span(c.absolute.interval)}</td>
      <td>{span(c.absolute.sequentialInterval)}</td>
    </>
  );
}

/** Every treatment arm against the control on every metric: lifts, intervals, chance to win. */
export function ComparisonsTable({ definition, analysis }: Omit<TableProps, 'deviceArm'>) {
  const metrics = new Map(metricsOf(definition).map((m) => [m.id, m]));
  const alpha = definition.alpha ?? 0.05;
  const level = formatPercent(1 - alpha);
  return (
    <table className="data-table" data-testid="experiment-comparisons">
      <caption>
        Against the control ({definition.arms[0]?.id}): relative lift with its {level} interval (one
        look at a fixed sample) and its anytime-valid {level} interval (safe to read at every look)
      </caption>
      <thead>
        <tr>
          <th scope="col">Arm</th>
          <th scope="col">Metric</th>
          <th scope="col">Control</th>
          <th scope="col">Arm</th>
          <th scope="col">Lift</th>
          <th scope="col">Interval</th>
          <th scope="col">Anytime-valid interval</th>
          <th scope="col">Chance to win</th>
          <th scope="col">Adjusted p</th>
          <th scope="col">Verdict</th>
        </tr>
      </thead>
      <tbody>
        {analysis.comparisons.map((c) => {
          const metric = metrics.get(c.metricId);
          return (
            <tr key={`${c.armId}/${c.metricId}`} data-comparison={`${c.armId}/${c.metricId}`}>
              <th scope="row">{c.armId}</th>
              <td>
                {c.metricId} ({c.role})
              </td>
              <td>{formatMetricValue(metric, c.controlMean)}</td>
              <td>{formatMetricValue(metric, c.treatmentMean)}</td>
              <LiftCells c={c} {...(metric && { metric })} />
              <td>{formatPercent(c.bayesian.chanceToWin, 1)}</td>
              <td>{formatPValue(c.adjustedPValue)}</td>
              <td className={`verdict verdict--${c.verdict}`}>{VERDICT_TEXT[c.verdict]}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
