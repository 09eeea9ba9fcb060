/**
 * What a merchant defines for an experiment, and the per-arm aggregates devices report for it.
 * Everything here is plain JSON: definitions ship with the model (or are fetched like it), and
 * aggregates are what leaves a device — never a per-visitor record.
 */

/**
 * How a metric's per-visitor value is read: `binomial` counts a visitor once if the value is
 * above zero (clicked a row, added to cart); `mean` averages the value (revenue, clicks).
 */
export type MetricKind = 'binomial' | 'mean';

/** One metric of an experiment. */
export interface MetricDefinition {
  /** Stable id, also the key of the metric in reported aggregates (e.g. `"row-click"`). */
  readonly id: string;
  /** How the per-visitor value is read. */
  readonly kind: MetricKind;
  /**
   * Winsorization cap on the per-visitor value (e.g. revenue capped at 500). Fixed in the
   * definition so that each device can cap its own value without seeing anyone else's.
   */
  readonly cap?: number;
  /** Whether a larger value is better (default true; false for e.g. a bounce or error metric). */
  readonly higherIsBetter?: boolean;
  /**
   * Whether devices report the metric's pre-period value as a CUPED covariate (its value in the
   * days before the visitor entered the experiment).
   */
  readonly cuped?: boolean;
}

/** A value an audience condition compares a host-page attribute with. */
export type AudienceValue = string | number | boolean;

/** Setting of a recommender option in one arm (model version, diversity, row source, …). */
export type ArmSettingValue = string | number | boolean | null;

/** One arm (variation) of an experiment. */
export interface ArmDefinition {
  /** Stable id (e.g. `"control"`, `"model-v2"`, `"holdout"`). */
  readonly id: string;
  /** Relative share of traffic; weights need not sum to 1. */
  readonly weight: number;
  /** Recommender options this arm runs with; the device applies them, the analysis ignores them. */
  readonly settings?: Readonly<Record<string, ArmSettingValue>>;
  /** True for a holdout arm that shows no recommendations (exposure is logged where a row would render). */
  readonly holdout?: boolean;
}

/** A versioned experiment definition. The first arm is the control. */
export interface ExperimentDefinition {
  /** Stable id; also salts the sticky assignment hash. */
  readonly id: string;
  /** Positive integer, raised whenever the definition changes. */
  readonly version: number;
  /** At least two arms; `arms[0]` is the control every other arm is compared against. */
  readonly arms: readonly ArmDefinition[];
  /**
   * Share of devices enrolled, in (0, 1] (default 1). The others are not in the experiment at
   * all: they see the site's default recommendations and report nothing for it.
   */
  readonly coverage?: number;
  /** The metric the decision is made on. */
  readonly primaryMetric: MetricDefinition;
  /** Metrics that must not get worse (reported and multiple-testing corrected with the primary). */
  readonly guardrailMetrics?: readonly MetricDefinition[];
  /** Start of the experiment (ISO 8601). */
  readonly start: string;
  /** End of the experiment (ISO 8601); devices stop assigning after it. */
  readonly stop?: string;
  /** No verdict before every arm has this many exposed visitors. */
  readonly minimumSamplePerArm: number;
  /** No verdict before the experiment has run this many days (e.g. 7 to cover a full week). */
  readonly minimumRuntimeDays: number;
  /**
   * Exposed visitors per arm the experiment is planned for (from {@link planExperiment}); it
   * tunes the sequential intervals so they are narrowest around that sample size.
   */
  readonly plannedSamplePerArm: number;
  /** False-positive rate (default 0.05). */
  readonly alpha?: number;
  /** Whether verdicts use anytime-valid sequential intervals (default true: peeking is safe). */
  readonly sequential?: boolean;
  /**
   * Who takes part, by attributes the host page gives the device (`experiments.attributes` of
   * the runtime: e.g. `{ country: 'FR', loggedIn: true }`): every key must match — equal to the
   * value, or one of the listed values. Evaluated on the device; the attributes are never sent.
   * A device without the attribute is outside the audience. Default: everyone.
   */
  readonly audience?: Readonly<Record<string, AudienceValue | readonly AudienceValue[]>>;
  /**
   * Local differential privacy of each device report (default: none). With it, every `mean`
   * metric needs a `cap` (it bounds what one device can add).
   */
  readonly privacy?: ExperimentPrivacy;
}

/**
 * (ε, δ) of the Gaussian noise each device adds to each report, on every slot of every arm block
 * (so the report hides the arm too). The noise widens the analysis' intervals by exactly its
 * known variance; see `experimentSlotBounds` and `reportNoiseMultiplier`.
 */
export interface ExperimentPrivacy {
  /** ε of one report (one device, one period), > 0. */
  readonly epsilon: number;
  /** δ of one report, in (0, 1e-3]; default 1e-6. */
  readonly delta?: number;
}

/** CUPED covariate sums of one metric over one arm's exposed visitors. */
export interface CovariateSums {
  /** Σx over exposed visitors (x = the visitor's pre-period value, capped like the metric). */
  readonly sum: number;
  /** Σx². */
  readonly sumSquares: number;
  /** Σx·y. */
  readonly sumProducts: number;
}

/** Sums of one metric over one arm's exposed visitors. */
export interface MetricSums {
  /** Σy (y = the visitor's value: 0/1 for binomial metrics, capped for capped ones). */
  readonly sum: number;
  /** Σy². */
  readonly sumSquares: number;
  /** Pre-period covariate sums, present when the metric has `cuped: true`. */
  readonly covariate?: CovariateSums;
}

/** Aggregates of one arm: what devices in that arm report, summed. */
export interface ArmAggregate {
  /** Id of the arm (matches the definition). */
  readonly armId: string;
  /** Visitors assigned to the arm. */
  readonly visitors: number;
  /** Visitors who saw the arm's treatment (a row rendered, or would have for a holdout). */
  readonly exposedVisitors: number;
  /** Sums per metric id, over exposed visitors. */
  readonly metrics: Readonly<Record<string, MetricSums>>;
  /**
   * Σ over the reports summed here of each report's noise multiplier² (0 or absent: no noise).
   * The noise on a slot with bound b then has variance `noiseUnits · b²`.
   */
  readonly noiseUnits?: number;
}

/** Aggregates of every arm of one experiment, summed over the reporting periods so far. */
export interface ExperimentAggregates {
  /** Id of the experiment. */
  readonly experimentId: string;
  /** Definition version the devices reported under. */
  readonly version: number;
  /** One entry per arm of the definition. */
  readonly arms: readonly ArmAggregate[];
}
