/**
 * What the server keeps of one experiment: per-arm sums of the accepted reports, the noise units
 * in them, and the report ids it counted per period (to answer a retry `duplicate`).
 */
import { createAggregateAccumulator, type ExperimentAggregates } from '../../core/experiments';
import type { CheckedReport, ExperimentPlan } from './report-check';

/** Plain-JSON form of {@link ExperimentSums} (JSON numbers round-trip doubles exactly). */
export interface SumsSnapshot {
  /** Per arm, in definition order: the slot sums. */
  readonly sums: readonly (readonly number[])[];
  /** Per arm: Σ multiplier² of the reports summed in it. */
  readonly noiseUnits: readonly number[];
  /** Report ids counted, per UTC day number of their period. */
  readonly seen: readonly (readonly [number, readonly string[]])[];
  /** Reports accepted so far. */
  readonly accepted: number;
}

/** Sums and counted report ids of one experiment. */
export interface ExperimentSums {
  readonly plan: ExperimentPlan;
  /** Whether `reportId` of the period on `day` was already counted. */
  has(day: number, reportId: string): boolean;
  /** Adds a checked report to the sums and remembers its id. */
  add(report: CheckedReport): void;
  /** Forgets the ids of periods before `day` (reports for them are refused from then on). */
  forgetBefore(day: number): void;
  /** The sums as the analysis takes them, with `noiseUnits` on noised arms. */
  aggregates(): ExperimentAggregates;
  /** Reports accepted so far. */
  accepted(): number;
  /** Report ids remembered now. */
  rememberedIds(): number;
  /** Everything, as plain JSON. */
  snapshot(): SumsSnapshot;
}

/** Creates the sums of one experiment, empty or from a snapshot. */
export function createExperimentSums(plan: ExperimentPlan, from?: SumsSnapshot): ExperimentSums {
  const arms = plan.definition.arms.length;
  const sums = Array.from({ length: arms }, (_, a) =>
    Float64Array.from(from?.sums[a] ?? new Float64Array(plan.length)),
  );
  const noiseUnits = Float64Array.from(from?.noiseUnits ?? new Float64Array(arms));
  const seen = new Map<number, Set<string>>(
    (from?.seen ?? []).map(([day, ids]) => [day, new Set(ids)]),
  );
  let accepted = from?.accepted ?? 0;
  let remembered = [...seen.values()].reduce((n, ids) => n + ids.size, 0);
  return {
    plan,
    has: (day, reportId) => seen.get(day)?.has(reportId) ?? false,
    add(report) {
      const units = report.multiplier * report.multiplier;
      for (const block of report.blocks) {
        const target = sums[block.arm];
        if (target === undefined) continue;
        for (let i = 0; i < plan.length; i++) target[i] = (target[i] ?? 0) + (block.vector[i] ?? 0);
        if (units > 0) noiseUnits[block.arm] = (noiseUnits[block.arm] ?? 0) + units;
      }
      let ids = seen.get(report.day);
      if (ids === undefined) seen.set(report.day, (ids = new Set()));
      ids.add(report.reportId);
      remembered++;
      accepted++;
    },
    forgetBefore(day) {
      for (const [period, ids] of seen) {
        if (period >= day) continue;
        remembered -= ids.size;
        seen.delete(period);
      }
    },
    aggregates() {
      // A fresh accumulator adds each sum to zero, which keeps every double exactly.
      const accumulator = createAggregateAccumulator({ definition: plan.definition });
      sums.forEach((vector, a) => accumulator.addVector(a, vector));
      const snapshot = accumulator.snapshot();
      return {
        ...snapshot,
        arms: snapshot.arms.map((arm, a) => {
          const units = noiseUnits[a] ?? 0;
          return units > 0 ? { ...arm, noiseUnits: units } : arm;
        }),
      };
    },
    accepted: () => accepted,
    rememberedIds: () => remembered,
    snapshot: () => ({
      sums: sums.map((vector) => Array.from(vector)),
      noiseUnits: Array.from(noiseUnits),
      seen: [...seen].map(([day, ids]) => [day, [...ids]] as const),
      accepted,
    }),
  };
}
