import { openDB, type IDBPDatabase } from 'idb';
import { BackendError } from '../core/errors';
import { createSchemaV1, HEARTH_DB_VERSION, type HearthDB } from './hearth-db-schema';
import { migrateV0Events, V0_EVENTS_STORE } from './migrate-v0-events';
import { VocabMirror } from './vocab-mirror';

/** An open database and the vocabulary mirror that belongs to this connection. */
export interface HearthConnection {
  readonly db: IDBPDatabase<HearthDB>;
  readonly mirror: VocabMirror;
}

/** Options of {@link openHearthConnection}. */
export interface OpenConnectionOptions {
  readonly dbName: string;
  /** Owner of rows without a user id in migrated data. */
  readonly visitorId: string;
  /** Another tab holds an older connection that blocks the upgrade. */
  readonly onBlocked: () => void;
  /** The connection was closed for another tab's upgrade or deletion, or by the browser. */
  readonly onLost: () => void;
}

/**
 * Opens (creating or upgrading) Hearth's database. Schema changes happen only in `upgrade`:
 * `oldVersion < 2` creates schema v1 and migrates a v0 `events` store. The connection closes
 * itself when another tab needs to upgrade or delete the database.
 *
 * @throws BackendError `BACKEND_FAILED` when the stored database is newer than this code or
 *   IndexedDB is unavailable.
 */
export async function openHearthConnection(
  options: OpenConnectionOptions,
): Promise<HearthConnection> {
  let opened: IDBPDatabase<HearthDB> | null = null;
  try {
    opened = await openDB<HearthDB>(options.dbName, HEARTH_DB_VERSION, {
      upgrade(db, oldVersion, _newVersion, tx) {
        if (oldVersion < 2) {
          createSchemaV1(db);
          if ((db.objectStoreNames as DOMStringList).contains(V0_EVENTS_STORE)) {
            migrateV0Events(tx, options.visitorId).catch(() => {
              // Aborting rejects the open: the old layout stays intact for a later attempt.
              try {
                tx.abort();
              } catch {
                // Already finished.
              }
            });
          }
        }
      },
      blocked: options.onBlocked,
      blocking() {
        opened?.close();
        options.onLost();
      },
      terminated: options.onLost,
    });
  } catch (error) {
    throw openError(error);
  }
  return { db: opened, mirror: new VocabMirror() };
}

function openError(error: unknown): BackendError {
  const name = (error as { readonly name?: unknown } | null)?.name;
  if (name === 'VersionError') {
    return new BackendError(
      'BACKEND_FAILED',
      'The stored data was written by a newer version of Hearth; reload every tab of this site to use it.',
    );
  }
  const detail = error instanceof Error ? error.message : String(error);
  return new BackendError(
    'BACKEND_FAILED',
    `Could not open on-device storage (IndexedDB): ${detail}. Private browsing or disabled site data can prevent it; allow site data and reload.`,
  );
}
