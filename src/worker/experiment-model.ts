/**
 * An experiment arm's own model file: stored and served in place of the config's `modelUrl`
 * while the device is in an arm with `settings.modelUrl`, and the config's model again once that
 * arm no longer applies (the experiment ended, or the device left it).
 */
import type { ModelBundle } from '../core/bundle/model-bundle';
import { serializeError } from '../core/errors';
import type { MetaStore } from '../federated/consent-store';
import type { LocalRecommenderDeps } from './recommender-deps';
import type { RecommenderEvent } from './recommender-types';
import type { ServingModel } from './serving-model';

/** Metadata key of the arm model URL stored as the model (absent: the config's model). */
export const ARM_MODEL_META_KEY = 'experiments.arm-model-url';

/** What {@link prepareArmModel} works with. */
export interface ArmModelOptions {
  readonly meta: MetaStore;
  /** Absolute URL of the running arm's model, or undefined when the arm has none. */
  readonly armUrl: string | undefined;
  /** The config's `modelUrl` (served when no arm model applies). */
  readonly configUrl: string | undefined;
  readonly deps: Pick<LocalRecommenderDeps, 'baseUrl' | 'fetch'>;
  readonly serving: Pick<ServingModel, 'saveAndServe'>;
  /** Downloads a model file (errors name the URL). */
  download(url: string, deps: Pick<LocalRecommenderDeps, 'baseUrl' | 'fetch'>): Promise<Uint8Array>;
  /** Decodes (and so validates) a model file. */
  decode(bytes: Uint8Array): ModelBundle;
  emit(event: RecommenderEvent): void;
}

/**
 * Stores and serves the model the device should start with when it differs from the stored one:
 * the arm's (once per arm URL), or the config's after an arm model. A failed download leaves the
 * stored model serving and says so in a `storage` event; the next start tries again.
 */
export async function prepareArmModel(o: ArmModelOptions): Promise<void> {
  const stored = await o.meta.getMeta<string>(ARM_MODEL_META_KEY);
  const want = o.armUrl ?? (stored === undefined ? undefined : o.configUrl);
  if (want === undefined || (o.armUrl !== undefined && stored === o.armUrl)) return;
  const url = new URL(want, o.deps.baseUrl).href;
  try {
    const bytes = await o.download(url, o.deps);
    await o.serving.saveAndServe(o.decode(bytes), bytes, 'loaded', { url });
    await o.meta.setMeta(ARM_MODEL_META_KEY, o.armUrl);
  } catch (error) {
    o.emit({
      type: 'storage',
      message: `The experiment arm's model ${url} could not be loaded (${serializeError(error).message}); the stored model is served.`,
    });
  }
}
