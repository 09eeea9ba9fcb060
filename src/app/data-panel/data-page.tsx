import { useId, useMemo, useState } from 'react';
import type { CatalogFormat, ImportReport, InteractionFormat } from '../../core/data/parse';
import { ConfirmButton } from '../confirm-button';
import { formatCount } from '../format';
import { PageTitle } from '../page-title';
import { messageOf } from '../runtime/hearth-runtime';
import { useAsync } from '../runtime/use-async';
import { useAppServices, useRuntimeState, type HearthBinding } from '../runtime/use-hearth';
import { TrainingPanel } from '../training-panel/training-panel';
import type { ImportProgress } from '../../storage/import-options';
import { FileDrop } from './file-drop';
import { ImportProgressView } from './import-progress-view';
import { ImportReportView } from './import-report-view';
import { useWorkbenchCatalog } from './use-workbench-catalog';
import { WorkbenchResults } from './workbench-results';

/** User id of imported rows without a user column (kept apart from this device's visitor). */
export const IMPORTED_USER = 'imported';

const INTERACTION_FORMATS: readonly { value: InteractionFormat; label: string }[] = [
  { value: 'auto', label: 'Detect automatically' },
  { value: 'csv', label: 'CSV' },
  { value: 'tsv', label: 'TSV' },
  { value: 'jsonl', label: 'JSON Lines' },
  { value: 'movielens', label: 'MovieLens (u.data, ratings.csv, ratings.dat)' },
  { value: 'whitespace', label: 'Whitespace-separated columns' },
];

const CATALOG_FORMATS: readonly { value: CatalogFormat; label: string }[] = [
  { value: 'auto', label: 'Detect automatically' },
  { value: 'csv', label: 'CSV' },
  { value: 'tsv', label: 'TSV' },
  { value: 'jsonl', label: 'JSON Lines' },
  { value: 'movielens', label: 'MovieLens u.item' },
];

type Outcome =
  | { readonly phase: 'idle' }
  | {
      readonly phase: 'busy';
      readonly name: string;
      readonly progress?: ImportProgress | null;
      readonly cancel?: () => void;
    }
  | { readonly phase: 'done'; readonly report: ImportReport }
  | { readonly phase: 'error'; readonly message: string; readonly code?: string };

function OutcomeView({ outcome, what }: { readonly outcome: Outcome; readonly what: string }) {
  switch (outcome.phase) {
    case 'idle':
      return null;
    case 'busy':
      return outcome.cancel ? (
        <ImportProgressView
          name={outcome.name}
          progress={outcome.progress ?? null}
          onCancel={outcome.cancel}
        />
      ) : (
        <p role="status">Importing {outcome.name}…</p>
      );
    case 'done':
      return <ImportReportView report={outcome.report} title={`${what} import report`} />;
    case 'error':
      return (
        <div className="error" role="alert" data-testid="import-error" data-code={outcome.code}>
          <p>
            <strong>
              {outcome.code === 'LOG_TOO_LARGE'
                ? 'This log is too large for this device; nothing was imported:'
                : 'Nothing was imported:'}
            </strong>{' '}
            {outcome.message}
          </p>
        </div>
      );
  }
}

/** The stable `code` of a Hearth error, if it has one. */
function codeOf(error: unknown): string | undefined {
  const code = (error as { readonly code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** "Bring your own data": import → report → train → evaluate → browse, in a separate database. */
export function DataPage() {
  const services = useAppServices();
  const binding: HearthBinding = useMemo(() => services.workbench(), [services]);
  const { runtime } = binding;
  const state = useRuntimeState(runtime);
  const [format, setFormat] = useState<InteractionFormat>('auto');
  const [catalogFormat, setCatalogFormat] = useState<CatalogFormat>('auto');
  const [events, setEvents] = useState<Outcome>({ phase: 'idle' });
  const [items, setItems] = useState<Outcome>({ phase: 'idle' });
  const [catalogRevision, setCatalogRevision] = useState(0);
  const [erasing, setErasing] = useState(false);
  const formatId = useId();
  const catalogFormatId = useId();
  const catalog = useWorkbenchCatalog(binding, catalogRevision);
  const storage = useAsync(
    () => runtime.recommender.storage(),
    [runtime, state.generation, state.status, state.historyTick, events, items],
  );

  const importEvents = async (file: File): Promise<void> => {
    const controller = new AbortController();
    const cancel = (): void => controller.abort();
    setEvents({ phase: 'busy', name: file.name, progress: null, cancel });
    try {
      // Read, parsed and stored in slices in the worker; checked against the device first.
      const report = await runtime.recommender.importInteractions(file, {
        format,
        defaultUserId: IMPORTED_USER,
        signal: controller.signal,
        onProgress: (progress) => setEvents({ phase: 'busy', name: file.name, progress, cancel }),
      });
      setEvents({ phase: 'done', report });
    } catch (error) {
      const code = codeOf(error);
      setEvents({ phase: 'error', message: messageOf(error), ...(code && { code }) });
    }
  };

  const importItems = async (file: File): Promise<void> => {
    setItems({ phase: 'busy', name: file.name });
    try {
      const report = await runtime.recommender.importCatalog(file, { format: catalogFormat });
      setItems({ phase: 'done', report });
      setCatalogRevision((n) => n + 1);
    } catch (error) {
      setItems({ phase: 'error', message: messageOf(error) });
    }
  };

  const startOver = async (): Promise<void> => {
    setErasing(true);
    try {
      await runtime.eraseAll();
      setEvents({ phase: 'idle' });
      setItems({ phase: 'idle' });
    } catch (error) {
      setEvents({ phase: 'error', message: messageOf(error) });
    } finally {
      setErasing(false);
    }
  };

  const busy = events.phase === 'busy' || items.phase === 'busy' || erasing;
  const stored = storage.value;

  return (
    <>
      <PageTitle>Bring your own data</PageTitle>
      <p className="lede">
        Try Hearth on your own interaction log, e.g. MovieLens <code>u.data</code>. The file is read
        in this browser and stored in a separate on-device database (not the shop's); nothing is
        uploaded.
      </p>
      {state.status === 'error' ? (
        <p className="error" role="alert">
          The workspace could not start: {state.error}
        </p>
      ) : null}
      <section className="panel" aria-labelledby="import-title">
        <h2 id="import-title">1. Import interactions</h2>
        <p className="help">
          One row per event: user, item, and optionally event type (view, click, cart, purchase,
          rating), value and timestamp. Columns are found by their header names (user_id, item_id,
          event, rating, timestamp…) or by position. Bad rows are reported by line and skipped. Logs
          of millions of events are read in slices; one too large to store and train on in this
          browser is refused before anything is written.
        </p>
        <div className="field">
          <label htmlFor={formatId}>File format</label>
          <select
            id={formatId}
            value={format}
            onChange={(e) => setFormat(e.target.value as InteractionFormat)}
          >
            {INTERACTION_FORMATS.map((f) => (
              <option key={f.value} value={f.value}>
                {f.label}
              </option>
            ))}
          </select>
        </div>
        <FileDrop
          label="Choose an interactions file"
          hint="CSV, TSV, JSON Lines or MovieLens files."
          accept=".csv,.tsv,.jsonl,.ndjson,.json,.txt,.data,.dat"
          disabled={busy || state.status === 'error'}
          onFile={(file) => void importEvents(file)}
        />
        <OutcomeView outcome={events} what="Interactions" />
        <h3>Catalog (optional)</h3>
        <p className="help">
          Adds titles to the results and embeddings for items nobody interacted with yet (e.g.
          MovieLens <code>u.item</code>).
        </p>
        <div className="field">
          <label htmlFor={catalogFormatId}>Catalog format</label>
          <select
            id={catalogFormatId}
            value={catalogFormat}
            onChange={(e) => setCatalogFormat(e.target.value as CatalogFormat)}
          >
            {CATALOG_FORMATS.map((f) => (
              <option key={f.value} value={f.value}>
                {f.label}
              </option>
            ))}
          </select>
        </div>
        <FileDrop
          label="Choose a catalog file"
          hint="Items with id, title, category, tags, price…"
          accept=".csv,.tsv,.jsonl,.ndjson,.json,.txt,.item"
          disabled={busy || state.status === 'error'}
          onFile={(file) => void importItems(file)}
        />
        <OutcomeView outcome={items} what="Catalog" />
        <p data-testid="workbench-stored">
          Stored in this workspace: {formatCount(stored?.interactions ?? 0)} events,{' '}
          {formatCount(stored?.catalogItems ?? 0)} catalog items, {formatCount(stored?.models ?? 0)}{' '}
          models.
        </p>
        <ConfirmButton
          label="Start over (delete the workspace)"
          question="Delete the imported data and the model trained on it from this device?"
          confirmLabel="Yes, delete the workspace"
          disabled={busy}
          onConfirm={() => void startOver()}
        />
      </section>
      <TrainingPanel binding={binding} idPrefix="workbench" title="2. Train and evaluate" />
      <section className="panel" aria-labelledby="results-title">
        <h2 id="results-title">3. Browse the results</h2>
        <WorkbenchResults binding={binding} catalog={catalog} />
      </section>
    </>
  );
}
