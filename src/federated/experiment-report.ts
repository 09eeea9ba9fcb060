/**
 * The report one device sends for one experiment and one reporting period (issue 13): its
 * visitor's contribution since its previous report, with the definition's DP noise when it has
 * `privacy`, and a fresh random report id. Pure apart from the CSPRNG defaults. Browser-safe.
 */
import type { ExperimentDefinition } from '../core/experiments/experiment-types';
import { experimentSlotBounds, reportNoiseMultiplier } from '../core/experiments/report-noise';
import { experimentMetrics } from '../core/experiments/validate-experiment';
import {
  contributionLength,
  createAggregateAccumulator,
  visitorContribution,
  writeContribution,
  type VisitorState,
} from '../core/experiments/visitor-contribution';
import { OptionError } from '../core/errors';
import type { Rng } from '../core/random';
import { createCryptoRng } from './clip-and-noise';
import { EXPERIMENT_PROTOCOL_VERSION, type ExperimentReport } from './experiment-protocol';

/** The reporting period (UTC day `YYYY-MM-DD`) that `time` (ms since epoch) falls in. */
export function reportPeriodOf(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}

/** Start of the UTC day after the period `period` (ms since epoch): when it closes. */
export function periodEnd(period: string): number {
  return Date.parse(`${period}T00:00:00Z`) + 24 * 3600 * 1000;
}

/** 128 random bits from the platform CSPRNG as 32 lowercase hex digits (a report id). */
export function randomReportId(
  crypto: Pick<Crypto, 'getRandomValues'> = globalThis.crypto,
): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Options of {@link buildExperimentReport}. */
export interface BuildExperimentReportOptions {
  readonly definition: ExperimentDefinition;
  /** The device's arm. */
  readonly armId: string;
  /** The state sent at the previous report (null for the first report). */
  readonly previous: VisitorState | null;
  /** The state at the end of the period. */
  readonly current: VisitorState;
  /** The period the report closes (UTC day). */
  readonly period: string;
  /** Noise randomness (default: the platform CSPRNG; the server must not be able to predict it). */
  readonly rng?: Rng;
  /** The report id (default: {@link randomReportId}). */
  readonly reportId?: string;
}

/** Significant digits kept of a noised slot: far below the noise, and shorter on the wire. */
const NOISED_DIGITS = 7;

/**
 * The report closing `period`: `visitorContribution` of the change since `previous`. Without
 * `definition.privacy` it holds the device's own arm only. With it, every arm gets a block — the
 * device's contribution in its own, zeros elsewhere — and every slot gets N(0, (m·b)²) noise
 * (m = `reportNoiseMultiplier`, b = the slot's bound from `experimentSlotBounds`), so the report
 * hides the arm; `noiseMultiplier` says m. Throws `OptionError` for an arm not in the definition.
 */
export function buildExperimentReport(o: BuildExperimentReportOptions): ExperimentReport {
  const { definition } = o;
  const armIndex = definition.arms.findIndex((arm) => arm.id === o.armId);
  if (armIndex < 0) {
    throw new OptionError(`Experiment "${definition.id}" has no arm "${o.armId}".`);
  }
  const head = {
    protocol: EXPERIMENT_PROTOCOL_VERSION,
    experimentId: definition.id,
    version: definition.version,
    period: o.period,
    reportId: o.reportId ?? randomReportId(),
  } as const;
  const multiplier = reportNoiseMultiplier(definition);
  if (multiplier === 0) {
    return { ...head, arms: [visitorContribution({ ...o, armId: o.armId })] };
  }
  const metrics = experimentMetrics(definition);
  const bounds = experimentSlotBounds(definition);
  const own = new Float64Array(contributionLength(metrics.length));
  writeContribution(metrics, vectorOf(metrics, o.previous), vectorOf(metrics, o.current)!, own);
  const rng = o.rng ?? createCryptoRng();
  const sums = createAggregateAccumulator({ definition });
  definition.arms.forEach((_, i) => {
    const block = i === armIndex ? own.slice() : new Float64Array(own.length);
    for (let s = 0; s < block.length; s++) {
      const bound = bounds[s] ?? 0;
      if (bound === 0) continue;
      const noised = (block[s] ?? 0) + multiplier * bound * rng.normal();
      block[s] = Number(noised.toPrecision(NOISED_DIGITS));
    }
    sums.addVector(i, block);
  });
  return { ...head, arms: sums.snapshot().arms, noiseMultiplier: multiplier };
}

function vectorOf(
  metrics: ReturnType<typeof experimentMetrics>,
  state: VisitorState | null,
): { exposed: boolean; values: number[]; preValues: number[] } | null {
  if (state === null) return null;
  return {
    exposed: state.exposed,
    values: metrics.map((m) => state.values[m.id] ?? 0),
    preValues: metrics.map((m) => state.preValues?.[m.id] ?? 0),
  };
}
