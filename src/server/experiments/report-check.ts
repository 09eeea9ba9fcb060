/**
 * Strict checks of an experiment report against the definition it names, before anything of it is
 * added to the sums: every refusal is an {@link UpdateRejectedError} (a `DataError`, answered 400)
 * naming the field and saying what to do.
 */
import {
  contributionLength,
  experimentMetrics,
  experimentSlotBounds,
  reportNoiseMultiplier,
  type ExperimentDefinition,
} from '../../core/experiments';
import { UpdateRejectedError } from '../../federated/federated-protocol';
import {
  EXPERIMENT_PROTOCOL_VERSION,
  REPORT_ID_PATTERN,
  REPORT_PERIOD_PATTERN,
} from '../../federated/experiment-protocol';

const DAY_MS = 86_400_000;

/** How far (in standard deviations of the noise) a noised slot may fall outside its true range. */
export const NOISE_TOLERANCE_SDS = 12;

/** A definition with what checking and summing its reports needs, computed once. */
export interface ExperimentPlan {
  readonly definition: ExperimentDefinition;
  /** Slots of one arm block (see `writeContribution`). */
  readonly length: number;
  /** Smallest value of each slot in a report without noise. */
  readonly lower: Float64Array;
  /** Largest value of each slot in a report without noise (Infinity: unbounded). */
  readonly upper: Float64Array;
  /** Noise multiplier every report must carry (0: no privacy, reports are exact). */
  readonly multiplier: number;
  /** Bound of each slot, the scale of its noise (null without privacy). */
  readonly noiseBounds: Float64Array | null;
  /** UTC day number (days since 1970-01-01) of the start. */
  readonly startDay: number;
}

/** A report that passed every check, as vectors per arm. */
export interface CheckedReport {
  readonly plan: ExperimentPlan;
  readonly reportId: string;
  readonly period: string;
  /** UTC day number of the period. */
  readonly day: number;
  /** The multiplier the device applied (0 = none). */
  readonly multiplier: number;
  /** One block per reported arm: its index in the definition and its slot values. */
  readonly blocks: readonly { readonly arm: number; readonly vector: Float64Array }[];
}

/** Plans a definition (already validated). */
export function planReports(definition: ExperimentDefinition): ExperimentPlan {
  const metrics = experimentMetrics(definition);
  const length = contributionLength(metrics.length);
  const lower = new Float64Array(length);
  const upper = new Float64Array(length);
  upper[0] = 1;
  upper[1] = 1;
  metrics.forEach((metric, m) => {
    const base = 2 + 5 * m;
    const binomial = metric.kind === 'binomial';
    const b = binomial ? Math.min(1, metric.cap ?? 1) : (metric.cap ?? Infinity);
    upper.set(metric.cuped === true ? [b, b * b, b, b * b, b * b] : [b, b * b], base);
  });
  const multiplier = reportNoiseMultiplier(definition);
  return {
    definition,
    length,
    lower,
    upper,
    multiplier,
    noiseBounds: multiplier > 0 ? experimentSlotBounds(definition) : null,
    startDay: Math.floor(Date.parse(definition.start) / DAY_MS),
  };
}

function refuse(field: string, problem: string): never {
  throw new UpdateRejectedError('bad-request', `Experiment report: ${field} ${problem}.`);
}

function asObject(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    refuse(field, 'must be a JSON object');
  }
  return value as Record<string, unknown>;
}

function onlyKeys(o: Record<string, unknown>, field: string, allowed: readonly string[]): void {
  const extra = Object.keys(o).find((key) => !allowed.includes(key));
  if (extra !== undefined) {
    refuse(
      `${field}.${extra}`,
      `is not part of protocol ${EXPERIMENT_PROTOCOL_VERSION}; remove it`,
    );
  }
}

function finite(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new UpdateRejectedError(
      'non-finite',
      `Experiment report: ${field} must be a finite number (got ${JSON.stringify(value) ?? 'nothing'}).`,
    );
  }
  return value;
}

/** UTC day number of a `YYYY-MM-DD` period, or a refusal naming `period`. */
export function periodDay(period: unknown): number {
  if (typeof period !== 'string' || !REPORT_PERIOD_PATTERN.test(period)) {
    refuse('period', `must be a UTC day "YYYY-MM-DD" (got ${JSON.stringify(period)})`);
  }
  const time = Date.parse(`${period}T00:00:00Z`);
  if (Number.isNaN(time) || new Date(time).toISOString().slice(0, 10) !== period) {
    refuse('period', `is not a calendar day (got "${period}")`);
  }
  return time / DAY_MS;
}

interface Window {
  /** Today's UTC day number. */
  readonly today: number;
  /** Periods older than today − retentionDays are refused. */
  readonly retentionDays: number;
}

function checkPeriod(plan: ExperimentPlan, period: unknown, window: Window): number {
  const day = periodDay(period);
  if (day < plan.startDay) refuse('period', `${String(period)} is before the experiment started`);
  if (day > window.today + 1) refuse('period', `${String(period)} is in the future`);
  if (day < window.today - window.retentionDays) {
    refuse(
      'period',
      `${String(period)} is more than ${window.retentionDays} days old: the server no longer ` +
        'remembers which reports of that period it counted, so it cannot count this one safely; drop it',
    );
  }
  return day;
}

/** Reads one metric's sums into `vector` at `base`, refusing missing or extra fields. */
function readMetric(
  value: unknown,
  field: string,
  cuped: boolean,
  vector: Float64Array,
  base: number,
): void {
  const sums = asObject(value, field);
  onlyKeys(sums, field, cuped ? ['sum', 'sumSquares', 'covariate'] : ['sum', 'sumSquares']);
  vector[base] = finite(sums['sum'], `${field}.sum`);
  vector[base + 1] = finite(sums['sumSquares'], `${field}.sumSquares`);
  if (!cuped) return;
  if (sums['covariate'] === undefined)
    refuse(`${field}.covariate`, 'is missing (the metric uses CUPED)');
  const covariate = asObject(sums['covariate'], `${field}.covariate`);
  onlyKeys(covariate, `${field}.covariate`, ['sum', 'sumSquares', 'sumProducts']);
  vector[base + 2] = finite(covariate['sum'], `${field}.covariate.sum`);
  vector[base + 3] = finite(covariate['sumSquares'], `${field}.covariate.sumSquares`);
  vector[base + 4] = finite(covariate['sumProducts'], `${field}.covariate.sumProducts`);
}

const SLOT_NAMES = [
  'sum',
  'sumSquares',
  'covariate.sum',
  'covariate.sumSquares',
  'covariate.sumProducts',
];

function slotField(plan: ExperimentPlan, field: string, slot: number): string {
  if (slot === 0) return `${field}.visitors`;
  if (slot === 1) return `${field}.exposedVisitors`;
  const metric = experimentMetrics(plan.definition)[Math.floor((slot - 2) / 5)];
  return `${field}.metrics.${metric?.id ?? '?'}.${SLOT_NAMES[(slot - 2) % 5] ?? '?'}`;
}

/** Range checks of one arm block: exact bounds without noise, bounds ± 12σ with it. */
function checkRanges(
  plan: ExperimentPlan,
  vector: Float64Array,
  field: string,
  noisy: boolean,
): void {
  const bounds = noisy ? plan.noiseBounds : null;
  for (let slot = 0; slot < plan.length; slot++) {
    const value = vector[slot] ?? 0;
    const slack = bounds === null ? 0 : NOISE_TOLERANCE_SDS * plan.multiplier * (bounds[slot] ?? 0);
    const lower = (plan.lower[slot] ?? 0) - slack;
    const upper = (bounds === null ? plan.upper[slot] : bounds[slot]) ?? 0;
    if (value < lower || value > upper + slack) {
      const range = `[${lower}, ${upper + slack}]`;
      refuse(
        slotField(plan, field, slot),
        `is ${value}, outside ${range}${noisy ? ' (its bound ± 12 noise standard deviations)' : ''}: a device adds at most its own visitor's difference since its previous report`,
      );
    }
    if (!noisy && slot < 2 && value !== 0 && value !== 1) {
      refuse(slotField(plan, field, slot), `must be 0 or 1 without noise (got ${value})`);
    }
  }
}

function readArm(
  plan: ExperimentPlan,
  value: unknown,
  field: string,
  multiplier: number,
): { arm: number; vector: Float64Array } {
  const block = asObject(value, field);
  onlyKeys(block, field, ['armId', 'visitors', 'exposedVisitors', 'metrics', 'noiseUnits']);
  const arm = plan.definition.arms.findIndex((a) => a.id === block['armId']);
  if (arm < 0) {
    refuse(`${field}.armId`, `${JSON.stringify(block['armId'])} is not an arm of this experiment`);
  }
  const vector = new Float64Array(plan.length);
  vector[0] = finite(block['visitors'], `${field}.visitors`);
  vector[1] = finite(block['exposedVisitors'], `${field}.exposedVisitors`);
  const metrics = asObject(block['metrics'], `${field}.metrics`);
  const defined = experimentMetrics(plan.definition);
  onlyKeys(
    metrics,
    `${field}.metrics`,
    defined.map((m) => m.id),
  );
  defined.forEach((metric, m) => {
    const sums = metrics[metric.id];
    if (sums === undefined) refuse(`${field}.metrics.${metric.id}`, 'is missing');
    readMetric(sums, `${field}.metrics.${metric.id}`, metric.cuped === true, vector, 2 + 5 * m);
  });
  if (block['noiseUnits'] !== undefined) {
    const units = finite(block['noiseUnits'], `${field}.noiseUnits`);
    if (!closeTo(units, multiplier * multiplier)) {
      refuse(
        `${field}.noiseUnits`,
        `must be noiseMultiplier² (${multiplier * multiplier}) or absent`,
      );
    }
  }
  checkRanges(plan, vector, field, multiplier > 0);
  return { arm, vector };
}

const closeTo = (a: number, b: number): boolean =>
  Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));

function readArms(
  plan: ExperimentPlan,
  value: unknown,
  multiplier: number,
): CheckedReport['blocks'] {
  if (!Array.isArray(value)) refuse('arms', 'must be a list of arm blocks');
  const armCount = plan.definition.arms.length;
  if (multiplier === 0 && value.length !== 1) {
    refuse(
      'arms',
      `must hold exactly one block (the device's own arm) without noise (got ${value.length})`,
    );
  }
  if (multiplier > 0 && value.length !== armCount) {
    refuse(
      'arms',
      `must hold one noised block per arm (${armCount}) with noise, so the report hides the arm (got ${value.length})`,
    );
  }
  const seen = new Set<number>();
  return value.map((entry, i) => {
    const block = readArm(plan, entry, `arms[${i}]`, multiplier);
    if (seen.has(block.arm))
      refuse(`arms[${i}].armId`, `repeats "${plan.definition.arms[block.arm]?.id}"`);
    seen.add(block.arm);
    return block;
  });
}

/**
 * Checks a parsed JSON body as an {@link ExperimentReport} of one of `plans` (by experiment id):
 * protocol, known id and version, period (a calendar day from the start, not in the future, not
 * older than `retentionDays`), report id, arms known and not repeated, every number finite, the
 * noise multiplier the definition fixes, and every slot within what one device can add.
 */
export function checkReport(
  plans: ReadonlyMap<string, ExperimentPlan>,
  body: unknown,
  window: Window,
): CheckedReport {
  const report = asObject(body, 'the body');
  onlyKeys(report, 'report', [
    'protocol',
    'experimentId',
    'version',
    'period',
    'reportId',
    'arms',
    'noiseMultiplier',
  ]);
  if (report['protocol'] !== EXPERIMENT_PROTOCOL_VERSION) {
    throw new UpdateRejectedError(
      'bad-version',
      `Experiment report: protocol is ${JSON.stringify(report['protocol'])}; this server speaks protocol ${EXPERIMENT_PROTOCOL_VERSION}. Update the client.`,
    );
  }
  const id = report['experimentId'];
  const plan = typeof id === 'string' ? plans.get(id) : undefined;
  if (plan === undefined) {
    refuse(
      'experimentId',
      `${JSON.stringify(id)} is not a running experiment; fetch the definitions again from /v1/experiments`,
    );
  }
  if (report['version'] !== plan.definition.version) {
    refuse(
      'version',
      `is ${JSON.stringify(report['version'])} but the experiment runs version ${plan.definition.version}; fetch the definitions again and report under it`,
    );
  }
  const day = checkPeriod(plan, report['period'], window);
  const reportId = report['reportId'];
  if (typeof reportId !== 'string' || !REPORT_ID_PATTERN.test(reportId)) {
    refuse('reportId', 'must be 32 lowercase hex digits (128 random bits)');
  }
  const multiplier =
    report['noiseMultiplier'] === undefined
      ? 0
      : finite(report['noiseMultiplier'], 'noiseMultiplier');
  if (!closeTo(multiplier, plan.multiplier)) {
    refuse(
      'noiseMultiplier',
      `is ${multiplier} but this experiment's privacy setting fixes ${plan.multiplier}; noise the report as the definition says`,
    );
  }
  const blocks = readArms(plan, report['arms'], plan.multiplier);
  return {
    plan,
    reportId,
    period: report['period'] as string,
    day,
    multiplier: plan.multiplier,
    blocks,
  };
}
