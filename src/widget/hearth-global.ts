import type { EraseReport, TrackEvent } from '../worker/recommender-types';
import {
  sharedRuntime,
  type WidgetRuntime,
  type WidgetRuntimeEvent,
  type WidgetRuntimeOptions,
} from './shared-runtime';
import { HEARTH_RECS_TAG, type Consent } from './widget-types';

/**
 * `window.Hearth`: the page-wide API next to the `<hearth-recs>` elements. All calls use the page's
 * one runtime (created on first use with the model and catalog of the first `<hearth-recs>` that
 * names them).
 */
export interface HearthGlobal {
  /**
   * Records a visitor event (`{ itemId, type: 'view' | 'click' | 'cart' | 'purchase' | … }`); rows
   * update at once. Stored on the device only with consent. Never rejects: resolves false (and logs
   * the reason) when the event could not be recorded.
   */
  track(event: TrackEvent): Promise<boolean>;
  /** Resolves when the model is loaded; rejects with the reason when it cannot be. */
  ready(): Promise<void>;
  /** Deletes everything Hearth keeps about this visitor, on the device and in memory, at once. */
  erase(): Promise<EraseReport>;
  /** Subscribes to runtime events (`history-changed`, `model-changed`, …); returns unsubscribe. */
  on(listener: (event: WidgetRuntimeEvent) => void): () => void;
  /** Sets the page's consent (as the `consent` attribute does). */
  setConsent(consent: Consent): void;
}

/**
 * The tracking stub a page may define in an inline classic script before the widget's module
 * script runs (module scripts are deferred, so `Hearth` is otherwise undefined there):
 *
 * ```html
 * <script>
 *   window.Hearth = window.Hearth || { q: [],
 *     track(e) { this.q.push(['track', e]) }, setConsent(c) { this.q.push(['setConsent', c]) } };
 * </script>
 * ```
 *
 * The widget replays `q` in order when it loads and then replaces `window.Hearth`.
 */
export const HEARTH_STUB_SNIPPET =
  "window.Hearth=window.Hearth||{q:[],track(e){this.q.push(['track',e])},setConsent(c){this.q.push(['setConsent',c])}};";

/** Calls queued by a stub (`window.Hearth = { q: [['track', {...}]] }`) before the script loaded. */
type QueuedCalls = { q?: { push(...calls: unknown[]): unknown } | readonly unknown[] };

/** Runtime options from the first `<hearth-recs>` on the page that names a model or catalog. */
function optionsFromDocument(): WidgetRuntimeOptions {
  if (typeof document === 'undefined') return {};
  const element = document.querySelector(
    `${HEARTH_RECS_TAG}[model-src], ${HEARTH_RECS_TAG}[catalog-src]`,
  );
  const modelSrc = element?.getAttribute('model-src') ?? undefined;
  const catalogSrc = element?.getAttribute('catalog-src') ?? undefined;
  return {
    ...(modelSrc !== undefined && { modelSrc }),
    ...(catalogSrc !== undefined && { catalogSrc }),
  };
}

/** Creates the {@link HearthGlobal} API over `runtime()` (the page's shared runtime by default). */
export function createHearthGlobal(
  runtime: () => WidgetRuntime = () => sharedRuntime(optionsFromDocument()),
): HearthGlobal {
  return {
    async track(event) {
      try {
        await runtime().track(event);
        return true;
      } catch (error) {
        console.error('[hearth] track failed:', error instanceof Error ? error.message : error);
        return false;
      }
    },
    ready: () => runtime().ready(),
    erase: () => runtime().erase(),
    on: (listener) => runtime().on(listener),
    setConsent: (consent) => runtime().setConsent(consent),
  };
}

/** Runs one queued `[method, ...args]` call on `api`, logging (never throwing) a failure. */
function replay(api: HearthGlobal, call: unknown): void {
  if (!Array.isArray(call)) return;
  const [method, ...args] = call as [keyof HearthGlobal, ...unknown[]];
  const fn = api[method] as ((...a: unknown[]) => unknown) | undefined;
  if (typeof fn !== 'function') {
    console.error(`[hearth] queued Hearth.${String(method)} is not a Hearth method; ignored.`);
    return;
  }
  try {
    const result = fn(...args);
    if (result instanceof Promise) {
      result.catch((error: unknown) =>
        console.error(`[hearth] queued Hearth.${String(method)} failed:`, error),
      );
    }
  } catch (error) {
    console.error(`[hearth] queued Hearth.${String(method)} failed:`, error);
  }
}

/**
 * Installs `window.Hearth` (keeping an existing full API) and replays, in order, the calls a stub
 * ({@link HEARTH_STUB_SNIPPET}) queued before the script loaded. Calls made later through a
 * reference to the stub go straight to the API.
 */
export function installHearthGlobal(
  target: object = globalThis,
  runtime?: () => WidgetRuntime,
): HearthGlobal {
  const slot = target as { Hearth?: unknown };
  const existing = slot.Hearth as (Partial<HearthGlobal> & QueuedCalls) | undefined;
  if (existing && typeof existing.track === 'function' && !Array.isArray(existing.q)) {
    return existing as HearthGlobal;
  }
  const api = createHearthGlobal(runtime);
  slot.Hearth = api;
  const queued = Array.isArray(existing?.q) ? [...(existing.q as readonly unknown[])] : [];
  if (existing && typeof existing === 'object') {
    existing.q = {
      push: (...calls: unknown[]) => {
        for (const call of calls) replay(api, call);
        return 0;
      },
    };
  }
  for (const call of queued) replay(api, call);
  return api;
}

declare global {
  interface Window {
    Hearth?: HearthGlobal;
  }
}
