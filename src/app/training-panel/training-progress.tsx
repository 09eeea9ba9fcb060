import { formatDuration } from '../format';
import type { TrainingState } from './use-training';

const PHASE_TEXT: Partial<Record<TrainingState['phase'], string>> = {
  preparing: 'Reading your data and choosing the compute path…',
  evaluating: 'Evaluating: training again on 80% of the events and testing on the rest…',
};

/** Progress bar with epoch, elapsed time, ETA and the compute path running now. */
export function TrainingProgress({ state }: { readonly state: TrainingState }) {
  const p = state.progress;
  const epochs = p?.epochs ?? state.settings?.epochs ?? 1;
  const epoch = p?.epoch ?? 0;
  const label =
    p === null
      ? 'Waiting for the first epoch'
      : `Epoch ${epoch} of ${epochs} on ${p.computePath}, ${formatDuration(p.elapsedMs)} elapsed` +
        (epoch < epochs ? `, about ${formatDuration(p.etaMs)} left` : '');
  return (
    <div className="progress">
      <label className="progress__label" htmlFor="train-progress">
        Training progress
      </label>
      <progress id="train-progress" max={epochs} value={epoch} aria-valuetext={label} />
      <p className="progress__text" aria-live="polite" data-testid="progress-text">
        {PHASE_TEXT[state.phase] ?? label}
      </p>
    </div>
  );
}
