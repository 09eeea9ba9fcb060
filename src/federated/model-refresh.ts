/**
 * Keeps the device's copy of the global model current: `GET /v1/model` with `If-None-Match`, so
 * an unchanged model costs one 304 and no body; a new one is decoded and handed over for a hot
 * swap. Browser-safe.
 */
import type { FederatedClient } from './federated-client';
import type { VersionedModel } from './federated-model';

/** Options of {@link createModelRefresher}. */
export interface ModelRefresherOptions {
  /** Fetches the model; its `fetchModel(etag)` sends `If-None-Match` and maps 304 to null. */
  readonly client: Pick<FederatedClient, 'fetchModel'>;
  /** Receives every new model (swap it into the scorer here). */
  readonly onModel: (model: VersionedModel) => void;
  /** Validator of the model the device already has, if any. */
  readonly etag?: string;
}

/** Conditional model downloads. */
export interface ModelRefresher {
  /** Fetches the model unless unchanged; resolves with the new model or null (304). Concurrent calls share one request. */
  refresh(): Promise<VersionedModel | null>;
  /** Validator of the last model received (or the initial one). */
  readonly etag: string | undefined;
  /** Version of the last model received by this refresher. */
  readonly version: number | undefined;
}

/** Creates a refresher; nothing is fetched until {@link ModelRefresher.refresh}. */
export function createModelRefresher(o: ModelRefresherOptions): ModelRefresher {
  let etag = o.etag;
  let version: number | undefined;
  let inFlight: Promise<VersionedModel | null> | undefined;
  const run = async (): Promise<VersionedModel | null> => {
    const fetched = await o.client.fetchModel(etag);
    if (!fetched) return null;
    // A server without ETags would make every later request unconditional; keep the old one then.
    if (fetched.etag) etag = fetched.etag;
    version = fetched.version;
    const model: VersionedModel = { version: fetched.version, model: fetched.model };
    o.onModel(model);
    return model;
  };
  return {
    refresh() {
      inFlight ??= run().finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    },
    get etag() {
      return etag;
    },
    get version() {
      return version;
    },
  };
}
