import type {
  DeviceExperimentStatus,
  ExperimentsStatus,
  SentExperimentReport,
} from '../../worker/recommender-types';
import { deviceArmText } from '../experiments-panel/device-arm-text';
import { Facts, type Fact } from '../facts-list';
import { formatBytes, formatCount, formatTime } from '../format';
import { useDeviceExperiments } from '../runtime/use-device-experiments';
import type { HearthBinding } from '../runtime/use-hearth';

/** Metric values by id, in words ("row-click 1, revenue 24.99"); "none yet" when empty. */
function valuesText(values: Readonly<Record<string, number>>): string {
  const entries = Object.entries(values);
  if (entries.length === 0) return 'none yet';
  return entries.map(([id, v]) => `${id} ${Number.isInteger(v) ? v : v.toFixed(2)}`).join(', ');
}

/** Whether a sent report hides the arm: every arm's block, each noised. */
function hidesArm(report: SentExperimentReport): boolean {
  try {
    const body = JSON.parse(report.json) as { arms?: unknown[]; noiseMultiplier?: number };
    return (body.arms?.length ?? 0) > 1 && (body.noiseMultiplier ?? 0) > 0;
  } catch {
    return false;
  }
}

/** The exact last report of one experiment, as it went over the wire. */
function LastReport({ report }: { readonly report: SentExperimentReport }) {
  return (
    <figure className="experiment-report">
      <figcaption>
        Last report, for {report.period} (UTC day), acknowledged {formatTime(report.sentAt)}:{' '}
        <span data-testid="experiment-report-bytes">{formatCount(report.bytes)} bytes</span>.{' '}
        {hidesArm(report)
          ? 'It carries a noised block for every arm, so it does not reveal yours.'
          : 'It adds to your arm’s sums under the arm’s id (this experiment adds no noise).'}
      </figcaption>
      <pre data-testid="experiment-report-json">{report.json}</pre>
    </figure>
  );
}

/** One experiment as this device runs it. */
function DeviceExperiment({ experiment }: { readonly experiment: DeviceExperimentStatus }) {
  const facts: Fact[] = [
    { label: 'Your arm', value: deviceArmText(experiment), id: 'experiment-arm' },
    {
      label: 'Exposure',
      value:
        experiment.firstExposureAt === null
          ? 'not yet: outcomes count only after a row of the arm was seen'
          : `first ${formatTime(experiment.firstExposureAt)}, latest ${formatTime(experiment.lastExposureAt ?? experiment.firstExposureAt)}`,
      id: 'experiment-exposure',
    },
    {
      label: `This period (${experiment.period}), to be reported`,
      value: valuesText(experiment.periodValues),
      id: 'experiment-period-values',
    },
    {
      label: 'Since your first exposure',
      value: valuesText(experiment.values),
      id: 'experiment-values',
    },
    {
      label: 'Before the experiment (CUPED, 14 days)',
      value: valuesText(experiment.preValues),
      id: 'experiment-pre-values',
    },
    {
      label: 'Reports queued',
      value: formatCount(experiment.pendingReports),
      id: 'experiment-pending',
    },
    {
      label: 'Next report',
      value:
        experiment.nextReportAt === null
          ? 'none due'
          : `after ${formatTime(experiment.nextReportAt)}`,
      id: 'experiment-next-report',
    },
  ];
  return (
    <div className="experiment-device" data-experiment={experiment.experimentId}>
      <h3>
        {experiment.experimentId} <span className="muted">version {experiment.version}</span>
      </h3>
      <Facts facts={facts} />
      {experiment.lastReport ? (
        <LastReport report={experiment.lastReport} />
      ) : (
        <p className="help">No report sent for this experiment yet.</p>
      )}
    </div>
  );
}

/** Everything this device knows and reports about the shop's experiments. */
function ExperimentsStatusView({ status }: { readonly status: ExperimentsStatus }) {
  if (!status.configured) return <p>This storefront runs no experiments on this device.</p>;
  return (
    <>
      <p data-testid="experiment-consent">
        {status.consent
          ? 'Reports are on: they go with your federated-learning consent (above).'
          : 'Reports are off: they wait for your federated-learning consent (above); until then nothing about experiments leaves this device, and queued reports wait here.'}
      </p>
      {status.problem !== undefined ? (
        <p className="error" role="alert">
          {status.problem}
        </p>
      ) : null}
      {status.experiments.length === 0 ? <p>The shop runs no experiment right now.</p> : null}
      {status.experiments.map((experiment) => (
        <DeviceExperiment key={experiment.experimentId} experiment={experiment} />
      ))}
      {status.lastReport ? (
        <p className="help">
          {formatCount(status.pendingReports)} report(s) queued in all; the last one sent (
          {status.lastReport.experimentId}) was {formatBytes(status.lastReport.bytes)}.
        </p>
      ) : null}
    </>
  );
}

/**
 * What this device reports for the shop's A/B tests: its arm (known only here), exposure, this
 * period's values, the exact last report and its size, the queue, and the consent it needs.
 */
export function ExperimentsSection({ binding }: { readonly binding: HearthBinding }) {
  const { value, error, enabled } = useDeviceExperiments(binding);
  return (
    <section className="panel" aria-labelledby="experiments-privacy-title">
      <h2 id="experiments-privacy-title">Experiments (A/B tests)</h2>
      <p>
        The shop compares recommendation variants. This device draws its arm from a random id that
        is stored here and never sent (“Erase everything” draws a new one), notes when it saw a
        recommendation row and your row clicks, add-to-carts and purchase amounts after that, and
        once per day sends only its additions to its arm’s sums: visitors, exposed visitors, and Σy,
        Σy² per metric. Never sent: the id, your events, item ids, times or a per-visitor record.{' '}
        <a href="#/experiments">The live analysis</a> is built from those sums alone.
      </p>
      {error !== null && value === undefined ? (
        <p className="error" role="alert">
          Could not read the experiments on this device: {error}
        </p>
      ) : null}
      {enabled ? null : (
        <p data-testid="experiment-consent">
          Not taking part: this device joins the shop’s experiment only with your consent to
          federated learning (above), from the next page load after you opt in — until then it is
          not assigned an arm, sees the shop’s default rows and sends nothing, not even a request
          for the experiment’s definition. (This page remembers the opt-in in its local storage;
          opting out or “Erase everything” forgets it.)
        </p>
      )}
      {value ? <ExperimentsStatusView status={value} /> : null}
    </section>
  );
}
