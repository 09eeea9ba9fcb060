import { DataError, OptionError } from '../errors';
import type {
  ExperimentAggregates,
  ExperimentDefinition,
  MetricDefinition,
  MetricSums,
} from './experiment-types';
import { isAudienceValue } from './audience';

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

function fail(field: string, problem: string): never {
  throw new OptionError(`Experiment definition: ${field} ${problem}.`);
}

function checkId(field: string, value: unknown): void {
  if (typeof value !== 'string' || !ID_PATTERN.test(value)) {
    fail(field, `must be 1–64 letters, digits, ".", "_" or "-" (got ${JSON.stringify(value)})`);
  }
}

function checkCount(field: string, value: unknown, minimum: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < minimum) {
    fail(field, `must be an integer ≥ ${minimum} (got ${JSON.stringify(value)})`);
  }
}

function checkDate(field: string, value: unknown): number {
  const time = typeof value === 'string' ? Date.parse(value) : NaN;
  if (Number.isNaN(time)) fail(field, `must be an ISO 8601 date (got ${JSON.stringify(value)})`);
  return time;
}

function checkMetric(field: string, metric: MetricDefinition): void {
  checkId(`${field}.id`, metric.id);
  if (metric.kind !== 'binomial' && metric.kind !== 'mean') {
    fail(`${field}.kind`, `must be "binomial" or "mean" (got ${JSON.stringify(metric.kind)})`);
  }
  if (metric.cap !== undefined && !(Number.isFinite(metric.cap) && metric.cap > 0)) {
    fail(`${field}.cap`, `must be a positive number (got ${JSON.stringify(metric.cap)})`);
  }
}

function checkAudience(audience: unknown): void {
  if (typeof audience !== 'object' || audience === null || Array.isArray(audience)) {
    fail('audience', 'must be an object of attribute conditions, e.g. { "country": ["FR", "BE"] }');
  }
  for (const [key, value] of Object.entries(audience)) {
    checkId(`audience key`, key);
    const values: readonly unknown[] = Array.isArray(value) ? value : [value];
    if (values.length === 0 || !values.every(isAudienceValue)) {
      fail(
        `audience.${key}`,
        `must be a string, a number, a boolean or a non-empty list of them (got ${JSON.stringify(value)})`,
      );
    }
  }
}

function checkPrivacy(
  definition: ExperimentDefinition,
  metrics: readonly MetricDefinition[],
): void {
  const { epsilon, delta = 1e-6 } = definition.privacy ?? { epsilon: NaN };
  if (!(Number.isFinite(epsilon) && epsilon > 0)) {
    fail('privacy.epsilon', `must be a positive number (got ${JSON.stringify(epsilon)})`);
  }
  if (!(delta > 0 && delta <= 1e-3)) {
    fail('privacy.delta', `must be in (0, 0.001] (got ${JSON.stringify(delta)})`);
  }
  metrics.forEach((metric, index) => {
    if (metric.kind !== 'mean' || metric.cap !== undefined) return;
    const field = index === 0 ? 'primaryMetric' : `guardrailMetrics[${index - 1}]`;
    fail(`${field}.cap`, 'is needed with privacy: it bounds what one device adds to the sums');
  });
}

/**
 * Checks an experiment definition and returns it unchanged; throws `OptionError`
 * (`INVALID_OPTION`) naming the first bad field, e.g. `arms[1].weight`.
 */
export function validateExperimentDefinition(
  definition: ExperimentDefinition,
): ExperimentDefinition {
  checkId('id', definition.id);
  checkCount('version', definition.version, 1);
  if (!Array.isArray(definition.arms) || definition.arms.length < 2) {
    fail('arms', 'must list at least two arms (the first is the control)');
  }
  const armIds = new Set<string>();
  definition.arms.forEach((arm, index) => {
    checkId(`arms[${index}].id`, arm.id);
    if (armIds.has(arm.id)) fail(`arms[${index}].id`, `repeats "${arm.id}"`);
    armIds.add(arm.id);
    if (!(Number.isFinite(arm.weight) && arm.weight > 0)) {
      fail(
        `arms[${index}].weight`,
        `must be a positive number (got ${JSON.stringify(arm.weight)})`,
      );
    }
  });
  const coverage = definition.coverage ?? 1;
  if (!(coverage > 0 && coverage <= 1)) fail('coverage', `must be in (0, 1] (got ${coverage})`);
  const metrics = experimentMetrics(definition);
  const metricIds = new Set<string>();
  metrics.forEach((metric, index) => {
    const field = index === 0 ? 'primaryMetric' : `guardrailMetrics[${index - 1}]`;
    checkMetric(field, metric);
    if (metricIds.has(metric.id)) fail(`${field}.id`, `repeats "${metric.id}"`);
    metricIds.add(metric.id);
  });
  const start = checkDate('start', definition.start);
  if (definition.stop !== undefined && checkDate('stop', definition.stop) <= start) {
    fail('stop', 'must be after start');
  }
  // A variance needs two visitors per arm; below that no interval exists.
  checkCount('minimumSamplePerArm', definition.minimumSamplePerArm, 2);
  if (!(Number.isFinite(definition.minimumRuntimeDays) && definition.minimumRuntimeDays >= 0)) {
    fail('minimumRuntimeDays', 'must be a number ≥ 0');
  }
  checkCount('plannedSamplePerArm', definition.plannedSamplePerArm, 1);
  const alpha = definition.alpha ?? 0.05;
  if (!(alpha > 0 && alpha < 0.5)) fail('alpha', `must be in (0, 0.5) (got ${alpha})`);
  if (definition.privacy !== undefined) checkPrivacy(definition, metrics);
  if (definition.audience !== undefined) checkAudience(definition.audience);
  return definition;
}

/** The primary metric followed by the guardrail metrics, in definition order. */
export function experimentMetrics(definition: ExperimentDefinition): readonly MetricDefinition[] {
  return [definition.primaryMetric, ...(definition.guardrailMetrics ?? [])];
}

function bad(field: string, problem: string): never {
  throw new DataError('INVALID_ROW', `Experiment aggregates: ${field} ${problem}.`);
}

function checkSum(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    bad(field, `must be a finite number (got ${JSON.stringify(value)})`);
  }
  return value;
}

function checkMetricSums(field: string, sums: MetricSums | undefined, cuped: boolean): void {
  if (sums === undefined) bad(field, 'is missing');
  checkSum(`${field}.sum`, sums.sum);
  if (checkSum(`${field}.sumSquares`, sums.sumSquares) < 0)
    bad(`${field}.sumSquares`, 'is negative');
  if (!cuped) return;
  if (sums.covariate === undefined) bad(`${field}.covariate`, 'is missing (the metric uses CUPED)');
  checkSum(`${field}.covariate.sum`, sums.covariate.sum);
  checkSum(`${field}.covariate.sumSquares`, sums.covariate.sumSquares);
  checkSum(`${field}.covariate.sumProducts`, sums.covariate.sumProducts);
}

/**
 * Checks reported aggregates against their definition and returns them in the definition's arm
 * order; throws `DataError` (`INVALID_ROW`) naming the first bad field, e.g.
 * `arms[1].metrics.revenue.sumSquares`. Counts may be fractional (DP noise) but never negative.
 */
export function validateAggregates(
  definition: ExperimentDefinition,
  aggregates: ExperimentAggregates,
): ExperimentAggregates {
  if (aggregates.experimentId !== definition.id) {
    bad('experimentId', `is "${aggregates.experimentId}", expected "${definition.id}"`);
  }
  if (aggregates.version !== definition.version) {
    bad('version', `is ${aggregates.version}, expected ${definition.version}`);
  }
  const metrics = experimentMetrics(definition);
  const arms = definition.arms.map((arm) => {
    const index = aggregates.arms.findIndex((a) => a.armId === arm.id);
    const reported = aggregates.arms[index];
    if (reported === undefined) bad('arms', `has no entry for arm "${arm.id}"`);
    const field = `arms[${index}]`;
    const visitors = checkSum(`${field}.visitors`, reported.visitors);
    const exposed = checkSum(`${field}.exposedVisitors`, reported.exposedVisitors);
    if (visitors < 0) bad(`${field}.visitors`, 'is negative');
    if (exposed < 0) bad(`${field}.exposedVisitors`, 'is negative');
    for (const metric of metrics) {
      checkMetricSums(
        `${field}.metrics.${metric.id}`,
        reported.metrics[metric.id],
        metric.cuped === true,
      );
    }
    return reported;
  });
  if (aggregates.arms.length !== arms.length) {
    const extra = aggregates.arms.find((a) => !definition.arms.some((arm) => arm.id === a.armId));
    bad('arms', `has an arm the definition does not know ("${extra?.armId ?? '?'}")`);
  }
  return { ...aggregates, arms };
}
