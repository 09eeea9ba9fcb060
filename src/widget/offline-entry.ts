/**
 * `hearth-offline.js`: the one-line opt-in to offline use and repeat visits for pages that use
 * the script-tag widget. Add it after the widget's own script:
 *
 * @example
 * <script type="module" src="/hearth/hearth-recs.js"></script>
 * <script type="module" src="/hearth/hearth-offline.js"></script>
 *
 * It registers Hearth's service worker (`/hearth-sw.js`, or the `sw` query parameter of its own
 * URL; `scope` and `manifest` parameters likewise) and loads new model and catalog versions into
 * the page's runtime. Pages without it download nothing more. See docs/offline.md.
 *
 * @module
 */
import { enableOffline } from './offline';
import type { WidgetRuntime } from './shared-runtime';

/**
 * The page's runtime, read from the global slot `sharedRuntime()` keeps it in. Read rather than
 * imported: importing the runtime module from this second entry would split the widget's chunks
 * and add to the download of every page, also those without this script.
 */
function pageRuntime(): WidgetRuntime | null {
  const slot = globalThis as { [key: symbol]: WidgetRuntime | undefined };
  return slot[Symbol.for('hearth.widget.runtime')] ?? null;
}

async function start(): Promise<void> {
  const params = new URL(import.meta.url).searchParams;
  const option = (name: string): string | undefined => params.get(name) ?? undefined;
  // The widget's module script runs first when it comes first; otherwise wait for it.
  await customElements.whenDefined('hearth-recs');
  // Starts the page's runtime (model and catalog of the first <hearth-recs> naming them).
  await window.Hearth?.ready().catch(() => undefined);
  const runtime = pageRuntime();
  const swUrl = option('sw');
  const scope = option('scope');
  const manifestUrl = option('manifest');
  await enableOffline({
    ...(swUrl !== undefined && { swUrl }),
    ...(scope !== undefined && { scope }),
    ...(manifestUrl !== undefined && { manifestUrl }),
    ...(runtime !== null && {
      runtime: {
        modelUrl: runtime.sources.modelSrc,
        catalogUrl: runtime.sources.catalogSrc,
        recommender: () => pageRuntime()?.recommender ?? runtime.recommender,
      },
    }),
  });
}

start().catch((error: unknown) =>
  console.warn('[hearth] offline use is off:', error instanceof Error ? error.message : error),
);
