/**
 * `hearth-recs server --experiments FILE [--experiment-retention DAYS]`: the durable experiment
 * ledger in `<data-dir>/experiments`, over the definitions of FILE (checked at start: an error
 * names the file and the field).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OptionError } from '../../core/errors';
import { parseExperimentsDocument } from '../../federated/parse-experiments-document';
import { openExperimentLedger, type DurableExperimentLedger } from './durable-ledger';

/** Opens the ledger when `file` is set; null (no experiments) otherwise. */
export async function experimentLedgerFromFlags(o: {
  /** `--experiments`. */
  readonly file: string | undefined;
  /** `--experiment-retention` (days). */
  readonly retention: string | undefined;
  /** `--data-dir`. */
  readonly dataDir: string;
}): Promise<DurableExperimentLedger | null> {
  if (o.file === undefined) {
    if (o.retention !== undefined) {
      throw new OptionError('--experiment-retention needs --experiments FILE.');
    }
    return null;
  }
  let text: string;
  try {
    text = await readFile(o.file, 'utf8');
  } catch (error) {
    throw new OptionError(
      `--experiments: cannot read ${o.file} (${(error as NodeJS.ErrnoException).code ?? String(error)}).`,
    );
  }
  const retentionDays = o.retention === undefined ? undefined : Number(o.retention);
  if (retentionDays !== undefined && !(Number.isInteger(retentionDays) && retentionDays >= 1)) {
    throw new OptionError(
      `--experiment-retention must be a whole number of days ≥ 1 (got "${o.retention}").`,
    );
  }
  return openExperimentLedger({
    definitions: parseExperimentsDocument(text, o.file),
    dir: join(o.dataDir, 'experiments'),
    ...(retentionDays !== undefined ? { retentionDays } : {}),
  });
}
