import type { OfflineStatus, OfflineUpdate } from '../sw/offline-protocol';
import type { Recommender } from '../worker/recommender-types';

/** A runtime whose model and catalog follow the versions Hearth's service worker finds. */
export interface OfflineRuntime {
  /** The model file (`model-src`), as the runtime was given it. */
  readonly modelUrl?: string | undefined;
  /** The catalog file (`catalog-src`). */
  readonly catalogUrl?: string | undefined;
  /** The recommender now (a runtime replaces it after an erase). */
  recommender(): Pick<Recommender, 'ready' | 'loadModel' | 'importCatalog'>;
}

/** Options of {@link followModelUpdates}. */
export interface FollowModelUpdatesOptions {
  readonly runtime: OfflineRuntime;
  /** Asks the service worker to keep what the first load downloaded; resolves with its status. */
  adopt(): Promise<OfflineStatus>;
  /** Asks the service worker for its status (after any running version check). */
  status(): Promise<OfflineStatus>;
  onUpdate(listener: (update: OfflineUpdate) => void): () => void;
}

/** localStorage key: URL → content hash of the model and catalog this device loaded last. */
const APPLIED_KEY = 'hearth-offline:applied';

/** Applied versions; kept in memory when localStorage is unavailable (private modes). */
let memoryApplied: Record<string, string> = {};

function readApplied(): Record<string, string> {
  try {
    const text = localStorage.getItem(APPLIED_KEY);
    return text === null ? memoryApplied : (JSON.parse(text) as Record<string, string>);
  } catch {
    return memoryApplied;
  }
}

function writeApplied(applied: Record<string, string>): void {
  memoryApplied = applied;
  try {
    localStorage.setItem(APPLIED_KEY, JSON.stringify(applied));
  } catch {
    // Private modes: the versions are remembered for this page only.
  }
}

/**
 * Loads a new version of the runtime's catalog, then model, whenever the service worker lists a
 * content hash for them that this device has not loaded yet: at start (a version found by this
 * page load) and on every update message (found by another tab). The first time, the versions
 * the runtime downloaded itself are recorded as loaded. The files come from the worker's cache,
 * so nothing is downloaded twice.
 */
export function followModelUpdates(o: FollowModelUpdatesOptions): void {
  const absolute = (url: string | undefined): string | null =>
    url === undefined ? null : new URL(url, location.href).href;
  const catalogUrl = absolute(o.runtime.catalogUrl);
  const modelUrl = absolute(o.runtime.modelUrl);
  const warn = (error: unknown): void =>
    console.warn(
      '[hearth] offline: could not load the new version:',
      error instanceof Error ? error.message : error,
    );

  /** Loads one new file into the runtime (its bytes come from the worker's cache). */
  const load = async (
    url: string,
    recommender: ReturnType<OfflineRuntime['recommender']>,
  ): Promise<void> => {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    if (url === modelUrl) {
      // A model head serves its popular items until the next page load fetches its full model.
      await recommender.loadModel(new Uint8Array(await response.arrayBuffer()));
      return;
    }
    const text = await response.text();
    // A sharded catalog's index: rows read the new shards by id, there is nothing to import.
    if (text.trimStart().startsWith('{') && text.includes('"hearth-catalog-index"')) return;
    await recommender.importCatalog(text);
  };

  const apply = async (files: Readonly<Record<string, string>>): Promise<void> => {
    const recommender = o.runtime.recommender();
    await recommender.ready();
    for (const url of [catalogUrl, modelUrl]) {
      const hash = url === null ? undefined : files[url];
      const applied = readApplied();
      if (url === null || hash === undefined || applied[url] === hash) continue;
      try {
        if (applied[url] !== undefined) await load(url, recommender);
        writeApplied({ ...applied, [url]: hash });
      } catch (error) {
        // Tried again with the next version check; the model still follows a failed catalog.
        warn(error);
      }
    }
  };

  let chain: Promise<void> = Promise.resolve();
  const sync = (status: Promise<OfflineStatus>): void => {
    chain = chain.then(async () => apply((await status).files)).catch(warn);
  };
  void o.runtime
    .recommender()
    .ready()
    .then(() => sync(o.adopt()), warn);
  o.onUpdate((update) => {
    if (update.changed.some((url) => url === modelUrl || url === catalogUrl)) sync(o.status());
  });
}
