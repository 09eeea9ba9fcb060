import { useEffect, useMemo, useRef, useState } from 'react';
import type { RowSource } from '../../core/serve/row-types';
import { createErrorReporter, type ErrorReporter } from '../error-reporter';
import {
  fetchRow,
  isFallbackSource,
  type RowFallback,
  type RowQuery,
  type RowView,
} from '../row-query';
import { DEFAULT_LIMIT } from '../element-attributes';
import { sharedRuntime, type WidgetRuntime } from '../shared-runtime';
import type { Consent, RecommendedItem, WidgetRowType, WidgetSetupProblem } from '../widget-types';
import type { RowExperiment } from '../../worker/recommender-types';

/** Options of {@link useRecommendations} (Algolia Recommend names where they exist). */
export interface UseRecommendationsOptions {
  readonly type: WidgetRowType;
  /** The items the row is about: `similar` uses the first, `bought-together` all (a basket). */
  readonly objectIDs?: readonly string[];
  /** Items to show (default 8, at most 50). */
  readonly limit?: number;
  /** Items scoring below this are dropped (score units depend on the row source). */
  readonly threshold?: number;
  /** See {@link RowFallback}; default `true` (trending / popular until the visitor has history). */
  readonly fallback?: RowFallback;
  /** Ask for reasons ("because you viewed X"). */
  readonly explain?: boolean;
  /** Sets the page's consent: `granted` stores events on the device, else page memory only. */
  readonly consent?: Consent;
  /** Model file; only the first widget on a page decides (one runtime per page). */
  readonly modelSrc?: string;
  /** Catalog file; only the first widget on a page decides. */
  readonly catalogSrc?: string;
  /** Base for relative image URLs, relative to the catalog file. */
  readonly imageBase?: string;
  /** Reorders, filters or decorates the items before they are returned. */
  readonly transformItems?: (items: RecommendedItem[]) => RecommendedItem[];
  /**
   * Runtime to use instead of the page's shared one (tests, several databases). To share the
   * page's runtime with your own code, use {@link useHearthRuntime} or `sharedRuntime()` instead.
   */
  readonly runtime?: WidgetRuntime;
}

/** Where a row is: loading (first fetch), ready (items), empty (nothing to show), error. */
export type RecommendationsStatus = 'loading' | 'ready' | 'empty' | 'error';

/** What {@link useRecommendations} returns. */
export interface UseRecommendationsResult {
  readonly items: readonly RecommendedItem[];
  /** What produced the row (`personal`, `fallback-trending`, …); null until it arrives. */
  readonly source: RowSource | null;
  readonly status: RecommendationsStatus;
  readonly error: Error | null;
  /**
   * A set-up mistake behind a fallback or empty row, for the developer (also logged once): e.g.
   * `no-model` when no `modelSrc` was given and the device has no model. Null otherwise.
   */
  readonly problem: WidgetSetupProblem | null;
  /**
   * The experiment arm the row was served under, or null. A holdout row has no items: render
   * nothing, and call `runtime.recordExposure(experiment)` when the place the row would occupy is
   * seen; for other arms call it at the row's first item impression (`<HearthRecs>` does both).
   */
  readonly experiment: RowExperiment | null;
}

/** The runtime a hook or component uses: its own, or the page's (created on first use). */
export function runtimeFor(
  options: Pick<UseRecommendationsOptions, 'runtime' | 'modelSrc' | 'catalogSrc'>,
): WidgetRuntime {
  return (
    options.runtime ??
    sharedRuntime({
      ...(options.modelSrc !== undefined && { modelSrc: options.modelSrc }),
      ...(options.catalogSrc !== undefined && { catalogSrc: options.catalogSrc }),
    })
  );
}

interface Loaded {
  readonly key: string;
  readonly view: RowView | null;
  readonly status: RecommendationsStatus;
  readonly error: Error | null;
  readonly problem: WidgetSetupProblem | null;
}

const asError = (error: unknown): Error =>
  error instanceof Error ? error : new Error(String(error));

/**
 * One recommendation row from the page's shared Hearth runtime (the same worker the script-tag
 * widget uses). Re-fetches when the visitor's history or the model change. Errors never throw:
 * they come back as `status: 'error'` (and are logged once). The runtime starts in an effect, so
 * server rendering returns `status: 'loading'`.
 */
export function useRecommendations(options: UseRecommendationsOptions): UseRecommendationsResult {
  const { type, limit = DEFAULT_LIMIT, threshold, fallback, explain = false, imageBase } = options;
  const ids = options.objectIDs ?? [];
  const key = JSON.stringify([type, ids, limit, threshold, fallback, explain, imageBase]);
  const [loaded, setLoaded] = useState<Loaded>({
    key: '',
    view: null,
    status: 'loading',
    error: null,
    problem: null,
  });
  const reporter = useRef<ErrorReporter | null>(null);
  reporter.current ??= createErrorReporter('[hearth-recs]');
  // Read inside effects without re-running them when a parent passes new object identities.
  const latest = useRef(options);
  latest.current = options;

  useEffect(() => {
    const consent = latest.current.consent;
    if (consent !== undefined) runtimeFor(latest.current).setConsent(consent);
  }, [options.consent]);

  useEffect(() => {
    let live = true;
    let generation = 0;
    const query: RowQuery = {
      type,
      itemIds: ids,
      limit,
      explain,
      ...(threshold !== undefined && { threshold }),
      ...(fallback !== undefined && { fallback }),
      ...(imageBase !== undefined && { imageBase }),
    };
    let runtime: WidgetRuntime;
    const load = (): void => {
      const mine = ++generation;
      fetchRow(runtime, query)
        .then(async (view) => {
          // Only a fallback or empty row can stem from a missing model; personal rows skip it.
          const problem = isFallbackSource(view.source) ? await runtime.setupProblem() : null;
          return { view, problem };
        })
        .then(
          ({ view, problem }) => {
            if (!live || mine !== generation) return;
            reporter.current?.reset();
            const status = view.items.length > 0 ? 'ready' : 'empty';
            setLoaded({ key, view, status, error: null, problem });
          },
          (error: unknown) => {
            if (!live || mine !== generation) return;
            reporter.current?.report(error);
            setLoaded({ key, view: null, status: 'error', error: asError(error), problem: null });
          },
        );
    };
    let off = (): void => undefined;
    try {
      runtime = runtimeFor(latest.current);
      off = runtime.on((event) => {
        if (
          event.type === 'history-changed' ||
          event.type === 'model-changed' ||
          event.type === 'catalog-changed'
        )
          load();
      });
      load();
    } catch (error) {
      reporter.current?.report(error);
      setLoaded({ key, view: null, status: 'error', error: asError(error), problem: null });
    }
    return () => {
      live = false;
      off();
    };
    // `key` stands for every query field it serializes.
  }, [key]);

  const current = loaded.key === key ? loaded : null;
  const view = current?.view ?? null;
  const transform = options.transformItems;
  const items = useMemo(() => {
    const base = view?.items ?? [];
    if (!transform || base.length === 0) return base;
    try {
      return transform([...base]);
    } catch (error) {
      reporter.current?.report(error);
      return [];
    }
  }, [view, transform]);
  const status = current?.status ?? 'loading';
  return {
    items,
    source: view?.source ?? null,
    status: status === 'ready' && items.length === 0 ? 'empty' : status,
    error: current?.error ?? null,
    problem: current?.problem ?? null,
    experiment: view?.experiment ?? null,
  };
}

/**
 * The page's shared runtime (the one the `HearthRecs` rows use), for your own code: read
 * `runtime.recommender` to train, import data or read storage on the same Web Worker instead of
 * starting a second one with `createWorkerRecommender`. Null during server rendering and the first
 * render (the runtime starts in an effect). Options as for {@link useRecommendations}: the first
 * caller on a page decides the model and catalog.
 */
export function useHearthRuntime(
  options: Pick<UseRecommendationsOptions, 'runtime' | 'modelSrc' | 'catalogSrc'> = {},
): WidgetRuntime | null {
  const [runtime, setRuntime] = useState<WidgetRuntime | null>(null);
  const latest = useRef(options);
  latest.current = options;
  useEffect(() => {
    setRuntime(runtimeFor(latest.current));
  }, [options.runtime]);
  return runtime;
}
