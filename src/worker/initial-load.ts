import { decodeServingBundle } from '../core/bundle/decode-bundle';
import type { ModelBundle } from '../core/bundle/model-bundle';
import type { Item } from '../core/data/types';
import { DataError } from '../core/errors';
import type { HearthStore } from '../storage/store-types';
import { messageOf } from './recommender-checks';
import type { LocalRecommenderDeps } from './recommender-deps';
import { MODEL_NAME } from './serving-model';

/** Options of {@link loadInitialModel}. */
export interface InitialLoadOptions {
  readonly store: HearthStore;
  /** Downloaded and stored when no model is stored yet. */
  readonly modelUrl?: string | undefined;
  /** Imported when the stored catalog is empty. */
  readonly catalogUrl?: string | undefined;
  readonly baseUrl?: string | undefined;
  readonly fetch?: LocalRecommenderDeps['fetch'];
}

/** What a recommender serves at start. */
export interface InitialModel {
  readonly catalog: readonly Item[];
  /** The stored (or just downloaded) model; null when there is none. */
  readonly model: { readonly bundle: ModelBundle; readonly version: number } | null;
}

/**
 * The model and catalog to serve at start: the stored ones, else downloaded from `modelUrl` and
 * `catalogUrl` and stored (a model file is validated before it is stored).
 */
export async function loadInitialModel(o: InitialLoadOptions): Promise<InitialModel> {
  const s = o.store;
  const importCatalogUrl = async (): Promise<void> => {
    if (o.catalogUrl !== undefined && (await s.getCatalog()).length === 0) {
      await s.importCatalog(new URL(o.catalogUrl, o.baseUrl));
    }
  };
  let stored = await s.loadModel(MODEL_NAME);
  if (!stored && o.modelUrl !== undefined) {
    const bytes = await downloadModel(o.modelUrl, o);
    decodeServingBundle(bytes); // Validate before storing: a bad file must not replace nothing with junk.
    await importCatalogUrl();
    stored = await s.saveModel(MODEL_NAME, bytes, { source: 'url', url: o.modelUrl });
  } else {
    await importCatalogUrl();
  }
  const catalog = await s.getCatalog();
  return {
    catalog,
    model: stored ? { bundle: decodeServingBundle(stored.bytes), version: stored.version } : null,
  };
}

/** The bytes at `url` (relative to `baseUrl`), or a `DataError` that names the URL. */
async function downloadModel(
  url: string,
  o: Pick<InitialLoadOptions, 'baseUrl' | 'fetch'>,
): Promise<Uint8Array> {
  const absolute = new URL(url, o.baseUrl).href;
  let response: Response;
  try {
    response = await (o.fetch ?? ((u: string) => fetch(u)))(absolute);
  } catch (error) {
    throw new DataError(
      'UNREADABLE_INPUT',
      `Could not download the model from ${absolute} (${messageOf(error)}); check modelUrl and the network.`,
    );
  }
  if (!response.ok) {
    throw new DataError(
      'UNREADABLE_INPUT',
      `Could not download the model from ${absolute} (HTTP ${response.status}); check modelUrl.`,
    );
  }
  return new Uint8Array(await response.arrayBuffer());
}
