import { useId, useState, type FormEvent } from 'react';
import type { ComputePathName } from '../../core/models/mf/mf-trainer';
import { DEFAULT_MF_OPTIONS } from '../../core/models/mf/train-typed';
import { MIN_EVALUATED_ITEMS } from '../../worker/evaluation-requirements';
import { useAsync } from '../runtime/use-async';
import { useRuntimeState, type HearthBinding } from '../runtime/use-hearth';
import { CapabilitiesView } from './capabilities-view';
import { PATH_LABELS, PATH_OPTIONS, pathAvailability } from './compute-paths';
import { LossCurve } from './loss-curve';
import { TrainingProgress } from './training-progress';
import { TrainingReport } from './training-report';
import { useTraining, type TrainSettings } from './use-training';

/** Factor counts offered (the model's embedding size). */
export const FACTOR_OPTIONS = [8, 16, 32, 64, 128] as const;

/** Most epochs the form accepts. */
export const MAX_EPOCHS = 50;

/**
 * "Train on this device": compute path override, epochs and factors, start and cancel, live
 * progress with ETA and loss curve, then the choice report, fallbacks and evaluation.
 */
export function TrainingPanel({
  binding,
  idPrefix,
  title = 'Train on this device',
}: {
  readonly binding: HearthBinding;
  readonly title?: string;
  /** Distinguishes the panel's form fields when two panels could exist. */
  readonly idPrefix: string;
}) {
  const { runtime } = binding;
  const runtimeState = useRuntimeState(runtime);
  const recommender = runtime.recommender;
  const training = useTraining(runtime);
  const caps = useAsync(() => recommender.capabilities(), [recommender, runtimeState.generation]);
  const [backend, setBackend] = useState<ComputePathName | 'auto'>('auto');
  const [epochs, setEpochs] = useState<number>(DEFAULT_MF_OPTIONS.epochs);
  const [factors, setFactors] = useState<number>(DEFAULT_MF_OPTIONS.factors);
  const [evaluate, setEvaluate] = useState(true);
  const ids = `${idPrefix}${useId().replace(/:/g, '')}`;
  const { state } = training;
  const epochsValid = Number.isInteger(epochs) && epochs >= 1 && epochs <= MAX_EPOCHS;

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (!epochsValid) return;
    const settings: TrainSettings = { backend, epochs, factors, evaluate };
    training.start(settings);
  };

  return (
    <section className="panel training" aria-labelledby={`${ids}-title`}>
      <h2 id={`${ids}-title`}>{title}</h2>
      <div className="training__grid">
        <div>
          <h3>This browser</h3>
          {caps.value ? <CapabilitiesView caps={caps.value} /> : null}
          {caps.loading && !caps.value ? <p>Probing WebGPU, WebGL and WebAssembly…</p> : null}
          {caps.error !== null ? (
            <p className="error" role="alert">
              Could not probe this browser: {caps.error}
            </p>
          ) : null}
        </div>
        <form className="training__form" onSubmit={submit} aria-describedby={`${ids}-form-help`}>
          <p id={`${ids}-form-help`} className="help">
            Auto measures each usable path on a small warm-up problem and keeps the fastest;
            choosing a path forces it (training falls back to the next path if it fails mid-run).
          </p>
          <div className="field">
            <label htmlFor={`${ids}-backend`}>Compute path</label>
            <select
              id={`${ids}-backend`}
              value={backend}
              disabled={training.running}
              onChange={(e) => setBackend(e.target.value as ComputePathName | 'auto')}
            >
              <option value="auto">Auto (measure and pick the fastest)</option>
              {PATH_OPTIONS.map((path) => (
                <option key={path} value={path}>
                  {PATH_LABELS[path]}
                  {caps.value ? ` — ${pathAvailability(path, caps.value)}` : ''}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${ids}-epochs`}>Epochs</label>
            <input
              id={`${ids}-epochs`}
              type="number"
              min={1}
              max={MAX_EPOCHS}
              step={1}
              value={Number.isNaN(epochs) ? '' : epochs}
              disabled={training.running}
              aria-invalid={!epochsValid}
              aria-describedby={`${ids}-epochs-help`}
              onChange={(e) => setEpochs(e.target.valueAsNumber)}
            />
            <span id={`${ids}-epochs-help`} className={epochsValid ? 'help' : 'help error'}>
              Whole number from 1 to {MAX_EPOCHS}.
            </span>
          </div>
          <div className="field">
            <label htmlFor={`${ids}-factors`}>Factors (embedding size)</label>
            <select
              id={`${ids}-factors`}
              value={factors}
              disabled={training.running}
              onChange={(e) => setFactors(Number(e.target.value))}
            >
              {FACTOR_OPTIONS.map((k) => (
                <option key={k} value={k}>
                  {k}
                </option>
              ))}
            </select>
          </div>
          <div className="field field--check">
            <input
              id={`${ids}-evaluate`}
              type="checkbox"
              checked={evaluate}
              disabled={training.running}
              onChange={(e) => setEvaluate(e.target.checked)}
              aria-describedby={`${ids}-evaluate-help`}
            />
            <div>
              <label htmlFor={`${ids}-evaluate`}>
                Evaluate against popularity (Recall@10, NDCG@10 on held-out events)
              </label>
              <p id={`${ids}-evaluate-help`} className="help">
                Holds out a fifth of each shopper's events, so it needs at least one shopper with{' '}
                {MIN_EVALUATED_ITEMS} different items. With less, the model is still trained and
                served, unmeasured.
              </p>
            </div>
          </div>
          <div className="actions">
            <button
              type="submit"
              className="button button--primary"
              disabled={training.running || runtimeState.status !== 'ready' || !epochsValid}
            >
              Train on this device
            </button>
            <button
              type="button"
              className="button"
              disabled={!training.running}
              onClick={training.cancel}
            >
              Cancel
            </button>
          </div>
        </form>
      </div>
      {state.phase !== 'idle' ? (
        <div className="training__run">
          <TrainingProgress state={state} />
          <LossCurve losses={state.losses} totalEpochs={state.progress?.epochs ?? epochs} />
        </div>
      ) : null}
      {state.phase === 'cancelled' ? (
        <p className="notice" role="status">
          Training cancelled
          {state.progress ? ` after epoch ${state.progress.epoch} of ${state.progress.epochs}` : ''}
          . The previous model keeps serving; the last finished epoch was kept as a checkpoint, so
          training again with the same settings resumes from it.
        </p>
      ) : null}
      {state.phase === 'error' ? (
        <div className="error" role="alert">
          <p>
            <strong>Training failed:</strong> {state.error}
          </p>
          <p>The previous model keeps serving.</p>
        </div>
      ) : null}
      {state.report ? <TrainingReport report={state.report} switches={state.switches} /> : null}
    </section>
  );
}
