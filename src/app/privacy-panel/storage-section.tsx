import { useState } from 'react';
import { formatBytes, formatPercent } from '../format';
import { messageOf } from '../runtime/hearth-runtime';
import { useAsync } from '../runtime/use-async';
import { useRuntimeState } from '../runtime/use-hearth';
import type { LabelledBinding } from './export-section';
import { StorageTable } from './storage-table';

function DatabaseReport({ label, binding, testId }: LabelledBinding & { readonly testId: string }) {
  const state = useRuntimeState(binding.runtime);
  const report = useAsync(
    () => binding.runtime.recommender.storage(),
    [binding, state.historyTick, state.modelVersion, state.generation, state.status],
  );
  if (report.error !== null) {
    return (
      <p className="error" role="alert">
        Could not read what {label} stores: {report.error}
      </p>
    );
  }
  return report.value ? (
    <StorageTable report={report.value} caption={label} testId={testId} />
  ) : (
    <p>Reading {label}…</p>
  );
}

/** What is stored: per database and store, the browser's estimate, and whether it is persisted. */
export function StorageSection({ databases }: { readonly databases: readonly LabelledBinding[] }) {
  const first = databases[0]!;
  const state = useRuntimeState(first.binding.runtime);
  const [persistRequest, setPersistRequest] = useState<string | null>(null);
  const [asked, setAsked] = useState(0);
  const origin = useAsync(
    () => first.binding.runtime.recommender.storage(),
    [first.binding, state.historyTick, state.modelVersion, state.generation, state.status, asked],
  );
  const estimate = origin.value?.estimate ?? null;
  const persisted = origin.value?.persisted ?? null;

  const askPersist = async (): Promise<void> => {
    try {
      const granted = await navigator.storage.persist();
      setPersistRequest(
        granted
          ? 'The browser agreed to keep this data until you delete it.'
          : 'The browser declined for now; it may still evict the data when space runs low.',
      );
    } catch (error) {
      setPersistRequest(`The browser could not be asked: ${messageOf(error)}`);
    }
    setAsked((n) => n + 1);
  };

  return (
    <section className="panel" aria-labelledby="stored-title">
      <h2 id="stored-title">What is stored on this device</h2>
      {databases.map(({ label, binding }, i) => (
        <DatabaseReport
          key={label}
          label={label}
          binding={binding}
          testId={i === 0 ? 'storage' : `storage-${i}`}
        />
      ))}
      <dl className="facts">
        <div>
          <dt>Browser's estimate for this site</dt>
          <dd data-testid="storage-estimate">
            {estimate
              ? `${formatBytes(estimate.usage)} used of ${formatBytes(estimate.quota)} (${formatPercent(estimate.usage / estimate.quota, 2)})`
              : 'not available in this browser'}
          </dd>
        </div>
        <div>
          <dt>Persisted</dt>
          <dd data-testid="persisted">
            {persisted === null
              ? 'unknown'
              : persisted
                ? 'yes: the browser will not evict it'
                : 'no: the browser may evict it when space runs low'}
          </dd>
        </div>
      </dl>
      {persisted === false && typeof navigator.storage?.persist === 'function' ? (
        <button type="button" className="button" onClick={() => void askPersist()}>
          Ask the browser to keep this data
        </button>
      ) : null}
      {persistRequest !== null ? <p role="status">{persistRequest}</p> : null}
    </section>
  );
}
