import { decodeServingBundle } from '../core/bundle/decode-bundle';
import type { ModelBundle } from '../core/bundle/model-bundle';
import type { Item } from '../core/data/types';
import { DataError } from '../core/errors';
import type { HearthStore } from '../storage/store-types';
import { messageOf } from './recommender-checks';
import type { LocalRecommenderDeps } from './recommender-deps';
import { MODEL_NAME, type ServingModel } from './serving-model';

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
  /**
   * When that model is the head of a larger one (`headOfBundle`): the absolute address of the
   * full model file, to fetch once rows are served ({@link followModelHead}).
   */
  readonly fullModelUrl?: string;
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
  const model = stored
    ? { bundle: decodeServingBundle(stored.bytes), version: stored.version }
    : null;
  // A head names its full model relative to its own address (kept with the stored head).
  const headUrl = typeof stored?.meta['url'] === 'string' ? stored.meta['url'] : o.modelUrl;
  const head = model?.bundle.head;
  return {
    catalog,
    model,
    ...(head && headUrl !== undefined
      ? { fullModelUrl: new URL(head.fullModel, new URL(headUrl, o.baseUrl)).href }
      : {}),
  };
}

/**
 * Replaces a served head (see {@link InitialModel.fullModelUrl}) with its full model: downloads
 * and validates it, then stores and serves it unless the served model changed meanwhile (trained
 * on the device, another tab). A failure leaves the head serving and is reported through
 * `report`; the next start tries again (the stored model is still the head).
 */
export async function followModelHead(
  initial: InitialModel,
  serving: ServingModel,
  o: Pick<InitialLoadOptions, 'baseUrl' | 'fetch'> & { readonly report: (message: string) => void },
): Promise<void> {
  const url = initial.fullModelUrl;
  if (url === undefined || !initial.model) return;
  try {
    const bytes = await downloadModel(url, o);
    const bundle = decodeServingBundle(bytes);
    await serving.saveAndServe(bundle, bytes, 'loaded', { url }, initial.model.version);
  } catch (error) {
    o.report(
      `The full model could not be loaded (${messageOf(error)}); rows are served from the model's head of popular items.`,
    );
  }
}

/** The bytes at `url` (relative to `baseUrl`), or a `DataError` that names the URL. */
export async function downloadModel(
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
