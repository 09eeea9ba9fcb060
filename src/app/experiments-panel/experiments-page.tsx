import { useId } from 'react';
import type { ExperimentAnalysis, ExperimentDefinition } from '../../core/experiments';
import type { DeviceExperimentStatus } from '../../worker/recommender-types';
import { Facts, type Fact } from '../facts-list';
import { formatPercent, formatTime } from '../format';
import { PageTitle } from '../page-title';
import { useDeviceExperiments } from '../runtime/use-device-experiments';
import { useStorefront } from '../runtime/use-hearth';
import { usePolled } from '../runtime/use-polled';
import { ArmsTable, ComparisonsTable, metricsOf } from './analysis-tables';
import { deviceArmText } from './device-arm-text';
import { ANALYSIS_REFRESH_MS, fetchAnalysis, fetchExperiments } from './experiments-api';
import { formatPValue, STATUS_TEXT } from './experiment-format';
import { ErrorAlert } from '../error-alert';

/** What to do with each treatment arm, from its primary verdict and its guardrails. */
function decisions(definition: ExperimentDefinition, analysis: ExperimentAnalysis): string[] {
  if (analysis.status !== 'ready') return [];
  return definition.arms.slice(1).map((arm) => {
    const mine = analysis.comparisons.filter((c) => c.armId === arm.id);
    const primary = mine.find((c) => c.role === 'primary');
    const harmed = mine.filter((c) => c.role === 'guardrail' && c.verdict === 'worse');
    if (arm.holdout) {
      // The holdout sees no recommendations: "worse" there means the recommendations pay off.
      if (primary?.verdict === 'worse') {
        return `${arm.id}: ${primary.metricId} is lower without recommendations — they pay off.`;
      }
      if (primary?.verdict === 'better') {
        return `${arm.id}: ${primary.metricId} is higher without recommendations — check the rows.`;
      }
      return `${arm.id}: no difference shown yet between recommendations and none.`;
    }
    if (harmed.length > 0) {
      return `${arm.id}: do not ship — guardrail ${harmed.map((c) => c.metricId).join(', ')} got worse.`;
    }
    if (primary?.verdict === 'better') {
      return `${arm.id}: better on ${primary.metricId} with no guardrail worse — ship it.`;
    }
    if (primary?.verdict === 'worse')
      return `${arm.id}: worse on ${primary.metricId} — keep the control.`;
    return `${arm.id}: inconclusive so far — the anytime-valid interval shows which lifts are still plausible.`;
  });
}

/** One experiment: the server's live analysis and this device's own part in it. */
function ExperimentView({
  definition,
  device,
}: {
  readonly definition: ExperimentDefinition;
  readonly device: DeviceExperimentStatus | undefined;
}) {
  const titleId = useId();
  const { value: analysis, error } = usePolled(
    () => fetchAnalysis(definition.id),
    ANALYSIS_REFRESH_MS,
    [definition.id],
  );
  const deviceArm = device?.state === 'assigned' || device?.state === 'ended' ? device.armId : null;
  const metrics = metricsOf(definition);
  const facts: Fact[] = analysis
    ? [
        { label: 'Status', value: STATUS_TEXT[analysis.status], id: 'experiment-status' },
        {
          label: 'Running for',
          value: `${analysis.runtimeDays.toFixed(1)} days (minimum ${definition.minimumRuntimeDays})`,
          id: 'experiment-runtime',
        },
        {
          label: 'Sample ratio',
          value: `${analysis.sampleRatio.alarm ? 'Mismatch' : 'No mismatch'} (χ² p = ${formatPValue(analysis.sampleRatio.pValue)}, anytime-valid p = ${formatPValue(analysis.sampleRatio.sequentialPValue)}; alarm below 0.001)`,
          id: 'experiment-srm',
        },
        { label: 'This device', value: deviceArmText(device), id: 'experiment-device-arm' },
      ]
    : [];
  return (
    <section className="panel experiment" aria-labelledby={titleId} data-experiment={definition.id}>
      <h2 id={titleId}>
        {definition.id} <span className="muted">version {definition.version}</span>
      </h2>
      <p>
        Arms: {definition.arms.map((a) => `${a.id}${a.holdout ? ' (holdout)' : ''}`).join(', ')}.
        Primary metric <strong>{definition.primaryMetric.id}</strong>; guardrails{' '}
        {metrics
          .slice(1)
          .map(
            (m) =>
              `${m.id}${m.cap !== undefined ? ` (capped at ${m.cap})` : ''}${m.cuped ? ' with CUPED' : ''}`,
          )
          .join(', ') || 'none'}
        . No verdict before {definition.minimumSamplePerArm.toLocaleString('en-GB')} exposed
        visitors per arm and {definition.minimumRuntimeDays} days; planned for{' '}
        {definition.plannedSamplePerArm.toLocaleString('en-GB')} per arm at α ={' '}
        {formatPercent(definition.alpha ?? 0.05)}.
      </p>
      <ErrorAlert error={error} />
      {analysis ? (
        <>
          <Facts facts={facts} />
          {analysis.reasons.length > 0 ? (
            <>
              <h3>What is missing for a verdict</h3>
              <ul data-testid="experiment-reasons">
                {analysis.reasons.map((reason) => (
                  <li key={reason}>{reason}</li>
                ))}
              </ul>
            </>
          ) : (
            <ul data-testid="experiment-decisions">
              {decisions(definition, analysis).map((d) => (
                <li key={d}>{d}</li>
              ))}
            </ul>
          )}
          <ArmsTable definition={definition} analysis={analysis} deviceArm={deviceArm} />
          <ComparisonsTable definition={definition} analysis={analysis} />
        </>
      ) : error === null ? (
        <p role="status">Loading the analysis…</p>
      ) : null}
    </section>
  );
}

/** The experiments the shop runs, with the server's live analysis (refreshed every few seconds). */
export function ExperimentsPage() {
  const binding = useStorefront();
  const { value: document, error, loading } = usePolled(fetchExperiments, ANALYSIS_REFRESH_MS, []);
  const device = useDeviceExperiments(binding);
  return (
    <>
      <PageTitle>Experiments</PageTitle>
      <p className="lede">
        The shop A/B-tests its recommendations without tracking anyone. Each device draws its own
        arm from a random id that never leaves it, notes when it saw a row and what followed, and
        sends only its additions to the per-arm sums — visitors, exposed visitors, Σy and Σy² per
        metric — once per day, with your federated-learning consent (see the{' '}
        <a href="#/privacy">privacy page</a>). Below is the server's analysis of those sums,
        refreshed every {ANALYSIS_REFRESH_MS / 1000} s
        {document ? `, last at ${formatTime(Date.now())}` : ''}.
      </p>
      <ErrorAlert error={error} />
      {document?.experiments.length === 0 ? (
        <p data-testid="experiments-none">
          The server runs no experiment right now (start it with <code>--experiments FILE</code>).
        </p>
      ) : null}
      {!document && loading && error === null ? (
        <p role="status">Loading the experiments…</p>
      ) : null}
      {document?.experiments.map((definition) => (
        <ExperimentView
          key={`${definition.id}/${definition.version}`}
          definition={definition}
          device={device.value?.experiments.find((e) => e.experimentId === definition.id)}
        />
      ))}
    </>
  );
}
