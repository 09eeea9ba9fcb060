/**
 * Where a device's experiment definitions come from: given inline in the config, or fetched from
 * the experiments document with a conditional GET (ETag) and cached in the store's metadata, so
 * an offline visit keeps running the experiments (and the arm) it knew.
 */
import type { ExperimentDefinition } from '../core/experiments';
import { OptionError, serializeError } from '../core/errors';
import type { MetaStore } from '../federated/consent-store';
import { EXPERIMENTS_PATH, type ExperimentsDocument } from '../federated/experiment-protocol';
import { absoluteUrl } from './experiment-uploads';
import type { LocalRecommenderDeps } from './recommender-deps';
import type { ExperimentsConfig, FederatedConfig } from './recommender-types';

/** Metadata key of the cached experiments document. */
export const EXPERIMENTS_DOCUMENT_META_KEY = 'experiments.document';

/** How long the experiments document may take before the cached one is used (ms). */
export const DEFINITIONS_TIMEOUT_MS = 5000;

/** The cached document with its validator. */
interface CachedDocument {
  readonly etag: string;
  readonly experiments: readonly ExperimentDefinition[];
}

/** The definitions to run now, and why the fresh ones could not be fetched (if so). */
export interface LoadedDefinitions {
  readonly definitions: readonly ExperimentDefinition[];
  /** Where they were fetched from (relative URLs in them resolve against it); absent inline. */
  readonly documentUrl?: string;
  readonly problem?: string;
}

/** Options of {@link createDefinitionSource}. */
export interface DefinitionSourceOptions {
  readonly config: ExperimentsConfig;
  readonly federated: FederatedConfig | undefined;
  readonly deps: Pick<LocalRecommenderDeps, 'baseUrl' | 'fetch'>;
  readonly meta: MetaStore;
}

/** The absolute URL of the experiments document, or null when the definitions are inline. */
export function experimentsUrlOf(o: Omit<DefinitionSourceOptions, 'meta'>): string | null {
  if (o.config.definitions !== undefined) return null;
  const url =
    o.config.url ??
    (o.federated && `${o.federated.serverUrl.replace(/\/+$/, '')}${EXPERIMENTS_PATH}`);
  if (url === undefined) {
    throw new OptionError(
      'experiments needs definitions, a url, or federated.serverUrl to fetch them from (GET /v1/experiments).',
    );
  }
  return absoluteUrl(url, o.deps.baseUrl, 'experiments.url');
}

/**
 * The definitions of an experiments document (or of `experiments.definitions`): a list of
 * objects with a string `id` each; anything else is an `OptionError` naming the entry. Each
 * definition is checked in full later, one by one (a bad one is refused, the others run).
 */
export function definitionList(list: unknown, where: string): readonly ExperimentDefinition[] {
  if (!Array.isArray(list)) throw new OptionError(`${where} is not a list of definitions.`);
  list.forEach((entry: unknown, index) => {
    if (
      typeof entry !== 'object' ||
      entry === null ||
      typeof (entry as { id?: unknown }).id !== 'string'
    ) {
      throw new OptionError(`${where}[${index}] is not an experiment definition with a string id.`);
    }
  });
  return list as readonly ExperimentDefinition[];
}

/** Loads the definitions: inline, else fetched (conditional GET) with the cached copy as fallback. */
export function createDefinitionSource(
  o: DefinitionSourceOptions,
): () => Promise<LoadedDefinitions> {
  const url = experimentsUrlOf(o);
  const inline = o.config.definitions;
  return async () => {
    if (url === null)
      return { definitions: definitionList(inline ?? [], 'experiments.definitions') };
    const cached = await o.meta.getMeta<CachedDocument>(EXPERIMENTS_DOCUMENT_META_KEY);
    const doFetch = o.deps.fetch ?? ((u: string, init?: RequestInit) => fetch(u, init));
    const headers: Record<string, string> = {};
    if (o.federated?.token) headers['Authorization'] = `Bearer ${o.federated.token}`;
    if (cached?.etag) headers['If-None-Match'] = cached.etag;
    try {
      // A slow server must not hold the first rows: past this, the stored definitions run.
      const signal = AbortSignal.timeout(DEFINITIONS_TIMEOUT_MS);
      const response = await doFetch(url, { headers, signal });
      if (response.status === 304 && cached)
        return { definitions: cached.experiments, documentUrl: url };
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const body = (await response.json()) as Partial<ExperimentsDocument> | null;
      const experiments = definitionList(
        body?.experiments,
        `The experiments document at ${url}: experiments`,
      );
      await o.meta.setMeta(EXPERIMENTS_DOCUMENT_META_KEY, {
        etag: response.headers.get('ETag') ?? '',
        experiments,
      } satisfies CachedDocument);
      return { definitions: experiments, documentUrl: url };
    } catch (error) {
      const problem = `Could not fetch the experiments from ${url} (${serializeError(error).message}); ${cached ? 'running the ones stored on this device' : 'no experiment runs until it can be fetched'}.`;
      return { definitions: cached?.experiments ?? [], documentUrl: url, problem };
    }
  };
}
