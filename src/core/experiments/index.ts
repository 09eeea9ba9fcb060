export type {
  ArmAggregate,
  ArmDefinition,
  ArmSettingValue,
  AudienceValue,
  CovariateSums,
  ExperimentAggregates,
  ExperimentDefinition,
  ExperimentPrivacy,
  MetricDefinition,
  MetricKind,
  MetricSums,
} from './experiment-types';
export {
  validateExperimentDefinition,
  validateAggregates,
  experimentMetrics,
} from './validate-experiment';
export {
  analyzeExperiment,
  type AnalyzeExperimentOptions,
  type ArmSummary,
  type ExperimentAnalysis,
  type ExperimentStatus,
  type MetricComparison,
  type Verdict,
} from './analyze-experiment';
export type { ArmComparisonStats, BayesianSummary, EffectSummary, Interval } from './compare-arms';
export { planExperiment, type ExperimentPlan, type PlanExperimentOptions } from './plan-experiment';
export {
  checkSampleRatio,
  SRM_ALARM_P_VALUE,
  type SampleRatioCheck,
  type SampleRatioOptions,
} from './sample-ratio';
export { benjaminiHochberg } from './multiple-testing';
export {
  sequentialFactor,
  sequentialPValue,
  mixingRhoSquared,
  type SequentialFactorOptions,
} from './sequential-interval';
export { chiSquareTail, normalCdf, normalQuantile, regularizedGammaQ } from './distributions';
export { assignArm } from './assign-arm';
export {
  visitorContribution,
  writeContribution,
  contributionLength,
  createAggregateAccumulator,
  type AggregateAccumulator,
  type VisitorContributionOptions,
  type VisitorState,
  type VisitorVector,
} from './visitor-contribution';
export {
  simulateExperiment,
  SIMULATED_METRICS,
  type SimulateExperimentOptions,
  type SimulatedArmTruth,
  type SimulatedExperiment,
  type SimulatedReport,
  type SimulatedRevenue,
  type SimulatedVisitorSource,
} from './simulate-experiment';
export { experimentSlotBounds, reportNoiseMultiplier, DEFAULT_REPORT_DELTA } from './report-noise';
export { audienceMismatch, type AudienceAttributes } from './audience';
