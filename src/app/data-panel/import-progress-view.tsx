import type { ImportProgress } from '../../storage/import-options';
import { formatBytes, formatCount } from '../format';

/** How far a running interaction import has got: bytes read and events stored so far. */
export function ImportProgressView({
  name,
  progress,
  onCancel,
}: {
  readonly name: string;
  readonly progress: ImportProgress | null;
  readonly onCancel: () => void;
}) {
  return (
    <div role="status" data-testid="import-progress">
      <p>
        Importing {name}…
        {progress
          ? ` ${formatCount(progress.events)} of about ${formatCount(progress.estimatedEvents)} events stored (${formatBytes(progress.bytesRead)} of ${formatBytes(progress.totalBytes)} read).`
          : ' Checking that the log fits on this device.'}
      </p>
      <progress max={progress?.totalBytes ?? 1} value={progress?.bytesRead ?? 0} />
      <button type="button" onClick={onCancel}>
        Cancel import (keeps nothing of it)
      </button>
    </div>
  );
}
