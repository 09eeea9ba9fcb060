import { useState } from 'react';
import type { ImportReport } from '../../core/data/parse';
import { ImportReportView } from '../data-panel/import-report-view';
import { formatCount } from '../format';
import { messageOf } from '../runtime/hearth-runtime';
import { DEMO_EVENTS_URL } from '../runtime/demo-config';
import { useAsync } from '../runtime/use-async';
import { useRuntimeState, type HearthBinding } from '../runtime/use-hearth';
import { useStorefrontActivity } from '../storefront/use-activity';

type LoadState =
  | { readonly phase: 'idle' }
  | { readonly phase: 'loading' }
  | { readonly phase: 'done'; readonly report: ImportReport }
  | { readonly phase: 'error'; readonly message: string };

/**
 * What the storefront model trains on: the events stored on this device. Offers to add the demo
 * shoppers' events (a public file of the demo) so that training has many shoppers to learn from.
 */
export function DemoEventsLoader({ binding }: { readonly binding: HearthBinding }) {
  const { runtime } = binding;
  const state = useRuntimeState(runtime);
  const [load, setLoad] = useState<LoadState>({ phase: 'idle' });
  const storage = useAsync(
    () => runtime.recommender.storage(),
    [runtime, state.historyTick, state.generation, state.modelVersion, state.status, load.phase],
  );
  const stored = storage.value?.interactions ?? 0;
  const yours = useStorefrontActivity().events.length;
  const others = Math.max(0, stored - yours);

  const loadDemoEvents = async (): Promise<void> => {
    setLoad({ phase: 'loading' });
    try {
      const response = await fetch(DEMO_EVENTS_URL);
      if (!response.ok) throw new Error(`HTTP ${response.status} for ${DEMO_EVENTS_URL}`);
      const report = await runtime.recommender.importInteractions(await response.blob());
      setLoad({ phase: 'done', report });
    } catch (error) {
      setLoad({ phase: 'error', message: messageOf(error) });
    }
  };

  return (
    <section className="panel" aria-labelledby="training-data-title">
      <h2 id="training-data-title">Training data on this device</h2>
      <p data-testid="stored-events">
        {formatCount(stored)} events stored: {formatCount(Math.min(stored, yours))} of them yours,{' '}
        {formatCount(others)} from other shoppers.
      </p>
      {others === 0 ? (
        <p className="help">
          A model learns what goes together from many shoppers. Add the demo shoppers' events (the
          same public file the global model was trained on), or bring your own data on the{' '}
          <a href="#/data">Your data</a> page.
        </p>
      ) : null}
      <button
        type="button"
        className="button"
        disabled={load.phase === 'loading' || others > 0 || state.status !== 'ready'}
        onClick={() => void loadDemoEvents()}
      >
        {others > 0 ? "Demo shoppers' events are loaded" : "Add the demo shoppers' events"}
      </button>
      {load.phase === 'loading' ? <p role="status">Importing the demo shoppers' events…</p> : null}
      {load.phase === 'error' ? (
        <p className="error" role="alert">
          Could not load the demo events: {load.message}
        </p>
      ) : null}
      {load.phase === 'done' ? <ImportReportView report={load.report} /> : null}
    </section>
  );
}
