import { formatBytes, formatCount, formatDuration, formatTime } from '../format';
import { useAsync } from '../runtime/use-async';
import { useRuntimeState, type HearthBinding } from '../runtime/use-hearth';

const SOURCES: Record<string, string> = {
  url: 'the global model, downloaded with the shop',
  trained: 'trained on this device',
  'fine-tuned': 'fine-tuned on this device in the background',
  loaded: 'loaded from a file',
  federated: "the shop's federated model, aggregated from opted-in visitors' contributions",
};

/** The model serving the rows now, as stored on this device. */
export function ModelInfoCard({ binding }: { readonly binding: HearthBinding }) {
  const state = useRuntimeState(binding.runtime);
  const info = useAsync(
    () => binding.reader.modelInfo(),
    [binding, state.modelVersion, state.generation, state.status],
  );
  const model = info.value;
  return (
    <section className="panel model-info" aria-labelledby="model-info-title">
      <h2 id="model-info-title">Model serving your rows</h2>
      {info.error !== null ? (
        <p className="error" role="alert">
          Could not read the stored model: {info.error}
        </p>
      ) : null}
      {model === null ? <p>No model yet: rows come from the catalog alone.</p> : null}
      {model ? (
        <dl className="facts" data-testid="model-info">
          <div>
            <dt>Version</dt>
            <dd data-testid="model-version">v{model.version}</dd>
          </div>
          <div>
            <dt>Origin</dt>
            <dd data-testid="model-origin">{SOURCES[model.source] ?? model.source}</dd>
          </div>
          <div>
            {/* A federated model keeps the training record of the model its rounds started from. */}
            <dt>{model.source === 'federated' ? 'First trained on' : 'Trained on'}</dt>
            <dd>
              {formatCount(model.training.interactions)} events from{' '}
              {formatCount(model.training.users)} shoppers
              {model.source === 'federated' ? ', then updated by federated rounds' : ''}
            </dd>
          </div>
          <div>
            <dt>Compute path</dt>
            <dd>
              {model.training.computePath}, {model.training.epochs} epochs in{' '}
              {formatDuration(model.training.trainMs)}
            </dd>
          </div>
          <div>
            <dt>Size and date</dt>
            <dd>
              {formatBytes(model.bytes)}, saved {formatTime(model.savedAt)}
            </dd>
          </div>
        </dl>
      ) : null}
    </section>
  );
}
