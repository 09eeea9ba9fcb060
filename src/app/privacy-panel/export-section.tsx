import { useEffect, useState } from 'react';
import { formatBytes } from '../format';
import { messageOf } from '../runtime/hearth-runtime';
import { useRuntimeState, type HearthBinding } from '../runtime/use-hearth';

type ExportState =
  | { readonly phase: 'idle' }
  | { readonly phase: 'busy' }
  | {
      readonly phase: 'ready';
      readonly url: string;
      readonly name: string;
      readonly size: number;
      /** Runtime generation the export was made in: an erase (a new generation) voids it. */
      readonly generation: number;
    }
  | { readonly phase: 'error'; readonly message: string }
  /** The data of an earlier export was erased: its link is gone. */
  | { readonly phase: 'erased' };

/** File name of an export of database `label` made at `date`. */
export function exportFileName(label: string, date: Date): string {
  const slug = label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return `hearth-${slug}-${date.toISOString().slice(0, 19).replace(/[:T]/g, '-')}.zip`;
}

/** One database's export: a button, then the download link. */
function ExportOne({
  binding,
  label,
}: {
  readonly binding: HearthBinding;
  readonly label: string;
}) {
  const [state, setState] = useState<ExportState>({ phase: 'idle' });
  const { generation } = useRuntimeState(binding.runtime);
  // Every link made is revoked when it is replaced (a new export, an erase) or unmounted.
  useEffect(
    () => () => {
      if (state.phase === 'ready') URL.revokeObjectURL(state.url);
    },
    [state],
  );
  // After an erase the link would still download the erased events: drop it.
  useEffect(() => {
    if (state.phase === 'ready' && state.generation !== generation) setState({ phase: 'erased' });
  }, [state, generation]);

  const exportAll = async (): Promise<void> => {
    const startedIn = binding.runtime.getState().generation;
    setState({ phase: 'busy' });
    try {
      const blob = await binding.runtime.recommender.exportAll();
      if (binding.runtime.getState().generation !== startedIn) {
        setState({ phase: 'erased' });
        return;
      }
      const url = URL.createObjectURL(blob);
      const name = exportFileName(label, new Date());
      setState({ phase: 'ready', url, name, size: blob.size, generation: startedIn });
      // Start the download right away; the link below stays for a second try.
      const link = document.createElement('a');
      link.href = url;
      link.download = name;
      link.click();
    } catch (error) {
      setState({ phase: 'error', message: messageOf(error) });
    }
  };

  return (
    <div className="export">
      <button
        type="button"
        className="button"
        disabled={state.phase === 'busy'}
        onClick={() => void exportAll()}
      >
        Export {label.toLowerCase()}
      </button>
      {state.phase === 'busy' ? <p role="status">Preparing the export…</p> : null}
      {state.phase === 'ready' ? (
        <p role="status">
          Export ready ({formatBytes(state.size)}):{' '}
          <a href={state.url} download={state.name} data-testid="export-link">
            {state.name}
          </a>
        </p>
      ) : null}
      {state.phase === 'erased' ? (
        <p role="status" data-testid="export-erased">
          The data of the earlier export was erased, so its download link was removed.
        </p>
      ) : null}
      {state.phase === 'error' ? (
        <p className="error" role="alert">
          Export failed: {state.message}
        </p>
      ) : null}
    </div>
  );
}

/** A database the privacy page covers. */
export interface LabelledBinding {
  readonly label: string;
  readonly binding: HearthBinding;
}

/** "Export everything": each database as one zip of readable files, downloaded by the browser. */
export function ExportSection({ databases }: { readonly databases: readonly LabelledBinding[] }) {
  return (
    <section className="panel" aria-labelledby="export-title">
      <h2 id="export-title">Export everything</h2>
      <p>
        Download everything stored on this device, one zip file per database: your events as a
        spreadsheet-ready CSV (times, products, event types, values), the catalog, the models and
        checkpoints, and a manifest that says what each file holds. The events file can be imported
        back on the “Your data” page.
      </p>
      {databases.map(({ label, binding }) => (
        <ExportOne key={label} label={label} binding={binding} />
      ))}
    </section>
  );
}
