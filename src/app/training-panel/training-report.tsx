import type { TrainReport } from '../../worker';
import { formatDuration } from '../format';
import { ChoiceReport } from './choice-report';
import { TuningReport } from './tuning-report';
import { EvalChart } from './eval-chart';
import type { PathSwitch } from './use-training';

/** Compute paths abandoned during the run, with the error that made each one fail. */
export function FallbackList({
  fallbacks,
  switches,
}: {
  readonly fallbacks: TrainReport['fallbacks'];
  readonly switches: readonly PathSwitch[];
}) {
  if (fallbacks.length === 0 && switches.length === 0) return null;
  return (
    <section className="fallbacks" aria-labelledby="fallbacks-title">
      <h3 id="fallbacks-title">Fallbacks during this run</h3>
      <ul>
        {fallbacks.map((f, i) => (
          <li key={`f${i}`}>
            <strong>{f.from}</strong> failed ({f.error.code}): {f.error.message} — training went on
            from the last finished epoch on the next path.
          </li>
        ))}
        {fallbacks.length === 0
          ? switches.map((s, i) => (
              <li key={`s${i}`}>
                Switched from <strong>{s.from}</strong> to <strong>{s.to}</strong> at epoch{' '}
                {s.epoch}.
              </li>
            ))
          : null}
      </ul>
    </section>
  );
}

/** How many workers trained the model, and why only one when the page is not isolated. */
function WorkersNote({ workers }: { readonly workers: number }) {
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  return (
    <span data-testid="train-workers">
      {' '}
      in {workers === 1 ? '1 worker' : `${workers} workers`}
      {workers === 1 && !isolated ? ' (the page is not cross-origin isolated)' : ''}
    </span>
  );
}

/** The finished run: path choice, fallbacks, timings and the evaluation against popularity. */
export function TrainingReport({
  report,
  switches,
}: {
  readonly report: TrainReport;
  readonly switches: readonly PathSwitch[];
}) {
  const finalLoss = report.lossHistory[report.lossHistory.length - 1];
  return (
    <div className="report" data-testid="train-report">
      <p className="notice" role="status">
        Trained model v{report.modelVersion} on <strong>{report.computePath}</strong>
        {report.workers !== undefined ? <WorkersNote workers={report.workers} /> : null}:{' '}
        {report.epochs} epochs in {formatDuration(report.trainMs)}
        {finalLoss !== undefined ? `, final loss ${finalLoss.toPrecision(3)}` : ''}.
        {report.resumedFromEpoch > 0
          ? ` Resumed from the stored checkpoint of epoch ${report.resumedFromEpoch}.`
          : ''}{' '}
        It is serving your rows now.
      </p>
      {report.tuning ? <TuningReport choice={report.tuning} /> : null}
      {report.choice ? <ChoiceReport report={report.choice} /> : null}
      <FallbackList fallbacks={report.fallbacks} switches={switches} />
      {report.evaluationSkipped !== undefined ? (
        <p className="notice" role="status" data-testid="eval-skipped">
          Quality not measured: {report.evaluationSkipped}. The model was still trained and is
          serving your rows; evaluate again once there is more data.
        </p>
      ) : null}
      {report.metrics ? (
        <section aria-labelledby="eval-title">
          <h3 id="eval-title">Evaluation: trained model vs popularity</h3>
          <EvalChart model={report.metrics.model} popularity={report.metrics.popularity} />
        </section>
      ) : null}
    </div>
  );
}
