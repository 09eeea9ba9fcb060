import type { InteractionImportOptions } from '../storage/import-options';
import {
  CancelledError,
  HearthError,
  OptionError,
  deserializeError,
  serializeError,
  type SerializedHearthError,
} from '../core/errors';
import type { RowRequest } from '../core/serve/row-types';
import type { RecommenderConfig } from './recommender-types';

/**
 * Serializes a thrown value for the wire. Hearth errors keep class and code; a DOM `AbortError`
 * (a fetch or lock request cancelled by a signal) becomes `CancelledError`; anything else becomes
 * `HearthError` `BACKEND_FAILED` with the original message.
 */
export function errorToWire(error: unknown): SerializedHearthError {
  if (!(error instanceof HearthError) && error instanceof Error && error.name === 'AbortError') {
    return new CancelledError().toJSON();
  }
  return serializeError(error);
}

/** Rebuilds the error of the original class (and code) from its wire form. */
export function errorFromWire(error: SerializedHearthError): HearthError {
  return deserializeError(error);
}

/** Drops the `signal` of an options object (it cannot be cloned; it travels as `cancel`). */
export function withoutSignal<T extends { readonly signal?: AbortSignal }>(
  options: T,
): Omit<T, 'signal'> {
  const { signal: _signal, ...rest } = options;
  return rest;
}

/** Import options as they cross the worker boundary: the signal and progress callback stay here. */
export function wireImportOptions(
  options: InteractionImportOptions,
): Omit<InteractionImportOptions, 'signal' | 'onProgress'> {
  const { signal: _signal, onProgress: _onProgress, ...rest } = options;
  return rest;
}

/**
 * Checks that a row request can cross the worker boundary. A `filters.predicate` is a function,
 * which structured clone cannot carry: throws `OptionError` saying what to use instead.
 */
export function wireRowRequest(request: RowRequest): RowRequest {
  if (request.filters?.predicate !== undefined) {
    throw new OptionError(
      'filters.predicate is a function and cannot be sent to the Hearth worker; use categoryPrefix, minPrice, maxPrice or inStockOnly, or createLocalRecommender for custom predicates.',
    );
  }
  return request;
}

/**
 * Bytes ready to transfer: a private copy of the caller's bytes in a buffer of their own, so the
 * transfer moves memory without detaching the caller's array (the in-thread recommender does not
 * detach it either).
 */
export function transferableBytes(bytes: Uint8Array): {
  readonly bytes: Uint8Array;
  readonly transfer: ArrayBuffer[];
} {
  const copy = bytes.slice();
  return { bytes: copy, transfer: [copy.buffer] };
}

/**
 * Resolves the config's relative URLs against `base` (the page URL): inside the worker relative
 * URLs would resolve against the worker script instead.
 */
export function resolveConfigUrls(
  config: RecommenderConfig,
  base: string | undefined,
): RecommenderConfig {
  if (base === undefined) return config;
  const resolve = (url: string | undefined): string | undefined =>
    url === undefined ? undefined : new URL(url, base).href;
  const modelUrl = resolve(config.modelUrl);
  const catalogUrl = resolve(config.catalogUrl);
  const wasmPaths =
    typeof config.wasmPaths === 'object'
      ? (Object.fromEntries(
          Object.entries(config.wasmPaths).map(([name, url]) => [name, new URL(url, base).href]),
        ) as typeof config.wasmPaths)
      : resolve(config.wasmPaths);
  return {
    ...config,
    ...(modelUrl !== undefined && { modelUrl }),
    ...(catalogUrl !== undefined && { catalogUrl }),
    ...(wasmPaths !== undefined && { wasmPaths }),
  };
}
