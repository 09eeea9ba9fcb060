import { useEffect, useState } from 'react';
import type { OfflineController } from '../../widget/offline';
import { formatBytes, formatCount } from '../format';
import { useAsync } from '../runtime/use-async';

/**
 * The shop's offline copy (Hearth's service worker, docs/offline.md): what it holds and which
 * version, refreshed when a new version arrives.
 */
export function OfflineSection({
  offline,
}: {
  /** The app's service worker controller; null where the browser has no service workers. */
  readonly offline: Promise<OfflineController | null>;
}) {
  const [updates, setUpdates] = useState(0);
  useEffect(() => {
    let unsubscribe = (): void => undefined;
    let live = true;
    void offline.then((controller) => {
      if (live && controller) unsubscribe = controller.onUpdate(() => setUpdates((n) => n + 1));
    });
    return () => {
      live = false;
      unsubscribe();
    };
  }, [offline]);
  const status = useAsync(async () => (await offline)?.status() ?? null, [offline, updates]);

  let text: string;
  if (status.error !== null) text = `The offline copy could not be read: ${status.error}`;
  else if (status.value === undefined) text = 'Reading the offline copy…';
  else if (status.value === null) {
    text =
      'This browser keeps no offline copy (no service workers here): reloads need the network.';
  } else {
    const { cachedFiles, cachedBytes, version } = status.value;
    text =
      `${formatCount(cachedFiles)} files, ${formatBytes(cachedBytes)}` +
      (version === null ? '' : `, shop version ${version.slice(0, 8)}`) +
      '. Reloads work without network, and a repeat visit downloads only files that changed.';
  }
  return (
    <section className="panel" aria-labelledby="offline-title">
      <h2 id="offline-title">Offline copy</h2>
      <p>
        The shop keeps its public files on this device: pages, scripts, its model and catalog, and
        the product images you saw. None of it is about you; “Erase everything” removes it too.
      </p>
      <p data-testid="offline-status">{text}</p>
    </section>
  );
}
