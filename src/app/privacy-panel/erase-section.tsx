import { useState } from 'react';
import type { EraseReport } from '../../worker';
import { ConfirmButton } from '../confirm-button';
import { formatTime } from '../format';
import { messageOf } from '../runtime/hearth-runtime';
import type { LabelledBinding } from './export-section';

/** What erasing left behind, per database, as the runtime checked right after deleting. */
export interface EraseProof {
  readonly at: number;
  readonly results: readonly ({ readonly label: string; readonly dbName: string } & EraseReport)[];
}

/** Whether a proof shows that nothing remains. */
export const nothingRemains = (proof: EraseProof): boolean =>
  proof.results.every((r) => r.remainingDatabases.length === 0 && r.remainingCaches.length === 0);

/** Erases every database (after confirmation) and shows the proof that nothing remains. */
export function EraseSection({
  databases,
  onErased,
}: {
  readonly databases: readonly (LabelledBinding & { readonly dbName: string })[];
  /** Called after erasing (the runtimes restart themselves; e.g. clear the cart). */
  readonly onErased: () => void;
}) {
  const [busy, setBusy] = useState(false);
  const [proof, setProof] = useState<EraseProof | null>(null);
  const [error, setError] = useState<string | null>(null);

  const erase = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    setProof(null);
    try {
      const results: EraseProof['results'][number][] = [];
      for (const { label, binding, dbName } of databases) {
        results.push({ label, dbName, ...(await binding.runtime.eraseAll()) });
      }
      setProof({ at: Date.now(), results });
      onErased();
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel" aria-labelledby="erase-title">
      <h2 id="erase-title">Erase everything</h2>
      <p>
        Deletes every Hearth database and cache of this site on this device: your events, the models
        trained here, imported data, and the shop's offline copy. That copy holds public files only
        (pages, scripts, the shop's model and catalog) and nothing about you, but its product images
        show which products were on your screen, so it goes too. The shop then starts again as for a
        new visitor.
      </p>
      <ConfirmButton
        label="Erase everything"
        question="Erase all your data from this device? This cannot be undone."
        confirmLabel="Yes, erase everything"
        disabled={busy}
        onConfirm={() => void erase()}
      />
      {busy ? <p role="status">Erasing…</p> : null}
      {error !== null ? (
        <p className="error" role="alert">
          Erasing failed: {error}. Close other tabs of this shop and try again.
        </p>
      ) : null}
      {proof ? (
        <div className="proof" role="status" data-testid="erase-proof">
          <p>
            <strong>
              {nothingRemains(proof)
                ? 'Erased: nothing remains.'
                : 'Something could not be erased; see below.'}
            </strong>{' '}
            Checked at {formatTime(proof.at)}, right after deleting:
          </p>
          <ul>
            {proof.results.map((r) => (
              <li key={r.dbName}>
                {r.label} (IndexedDB “{r.dbName}”):{' '}
                {r.remainingDatabases.length === 0
                  ? 'database gone'
                  : `still present: ${r.remainingDatabases.join(', ')}`}
                ;{' '}
                {r.remainingCaches.length === 0
                  ? 'no Hearth caches'
                  : `caches left: ${r.remainingCaches.join(', ')}`}
                .
              </li>
            ))}
          </ul>
          <p>
            The shop re-downloaded its public catalog and global model so that it keeps working;
            none of it is about you. Your events: 0 — the rows are back to their fallbacks.
          </p>
        </div>
      ) : null}
    </section>
  );
}
