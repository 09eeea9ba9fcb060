import {
  ELEMENT_ATTRIBUTES,
  readElementSettings,
  type ElementSettings,
} from './element-attributes';
import { createErrorReporter } from './error-reporter';
import { createImpressionObserver, observeVisible, type ImpressionObserver } from './impressions';
import {
  createRowElements,
  renderRow,
  type RowElements,
  type RowRenderOptions,
} from './render-row';
import { moveCardFocus } from './row-keyboard';
import { fetchRow, isFallbackSource, type RowView } from './row-query';
import { DEFAULT_EMPTY_TEXT, DEFAULT_REASONS } from './row-text';
import { pageRelativeUrl, sharedRuntime, type WidgetRuntime } from './shared-runtime';
import { adoptWidgetStyles } from './widget-styles';
import {
  HEARTH_RECS_TAG,
  type HearthItemEventDetail,
  type WidgetSetupProblem,
} from './widget-types';

export { HEARTH_RECS_TAG };

/**
 * Where a `<hearth-recs>` is: mirrored in its `data-state` attribute. `holdout`: the device is in
 * an experiment's holdout arm, so the element shows nothing (zero height unless the page styles
 * the element itself).
 */
export type HearthRecsState = 'loading' | 'ready' | 'empty' | 'error' | 'holdout';

/** `detail` of the `hearth-render` event, sent after every render. */
export interface HearthRenderDetail {
  readonly state: HearthRecsState;
  readonly view: RowView | null;
  /** A set-up mistake behind a fallback or empty row (e.g. `no-model`), else null. */
  readonly problem: WidgetSetupProblem | null;
}

/** Events a `<hearth-recs>` dispatches. */
export interface HearthRecsEventMap {
  'hearth-click': CustomEvent<HearthItemEventDetail>;
  'hearth-impression': CustomEvent<HearthItemEventDetail>;
  'hearth-render': CustomEvent<HearthRenderDetail>;
}

/** Skeleton cards shown before the first row arrives. */
const SKELETON_CARDS = 6;

/**
 * `<hearth-recs>`: one recommendation row in Shadow DOM. It shows skeleton cards, then a fallback
 * row (trending / popular / content) as soon as the model and catalog are loaded, and the visitor's
 * personal row once they have history; it re-renders when history or the model change. Every
 * failure is contained: the element shows its empty state and logs one console error.
 *
 * Attributes: `type` (`for-you` | `similar` | `bought-together` | `trending` | `popular`),
 * `item-id` (the product; comma-separated basket for `bought-together`), `limit` (1–50, default 8),
 * `model-src` / `catalog-src` (one model per page: the first element's win), `consent`,
 * `explain` (reason lines such as "Because you viewed X"), `heading` (also the region's label),
 * `image-base` (base of relative image URLs, relative to the catalog), `item-href` (card link
 * template, `{id}` = item id; without it cards are buttons unless the catalog has `url`s),
 * `currency` / `locale` (price format).
 *
 * Consent is page-wide (the last element to set it wins; `window.Hearth.setConsent` too):
 * `consent="granted"` stores tracked events in IndexedDB, so later visits are personal from the
 * first row; any other value, or none, keeps them in page memory only (gone on reload). Either way
 * the model and catalog are cached in IndexedDB (they describe the shop, not the visitor), and
 * nothing leaves the device. `Hearth.erase()` deletes everything at once.
 *
 * Styling: `--hearth-accent`, `--hearth-font`, `--hearth-font-size`, `--hearth-text`,
 * `--hearth-muted`, `--hearth-radius`, `--hearth-card-width`, `--hearth-card-bg`, `--hearth-border`,
 * `--hearth-gap`, `--hearth-image-bg`, `--hearth-image-ratio`, `--hearth-price`,
 * `--hearth-heading-size`; parts `row`, `header`, `list`, `item`, `card`, `image`, `title`,
 * `price`, `reason`, `empty`, `skeleton`.
 *
 * Events (bubbling, composed): `hearth-click` (cancelable: `preventDefault()` stops a card link
 * from navigating) and `hearth-impression` (once per item, when half its card is visible), both
 * with {@link HearthItemEventDetail}; `hearth-render` with {@link HearthRenderDetail}.
 *
 * State for scripts and CSS: `data-state` (`loading` | `ready` | `empty` | `error` | `holdout`),
 * `data-source` (what produced the row, e.g. `personal`, `fallback-trending`) and
 * `data-problem="no-model"` when the page names no `model-src` and the device has no model of its
 * own (also logged once).
 *
 * Experiments (when the runtime's recommender runs them): a row served under an arm records one
 * exposure at its first card impression, and card clicks are tracked with `via: 'row'`. In a
 * holdout arm the element renders nothing once the row's answer arrives (the loading skeleton
 * collapses to zero height), and records the exposure when the element's place scrolls into view.
 */
export class HearthRecsElement extends HTMLElement {
  static readonly observedAttributes = ELEMENT_ATTRIBUTES;

  readonly #root: ShadowRoot;
  readonly #parts: RowElements;
  readonly #reporter = createErrorReporter('[hearth-recs]');
  #impressions: ImpressionObserver | null = null;
  /** The view whose exposure was recorded, and the holdout place watcher. */
  #exposed: RowView | null = null;
  #unwatch: (() => void) | null = null;
  #runtime: WidgetRuntime | null = null;
  #unsubscribe: (() => void) | null = null;
  #settings: ElementSettings | null = null;
  #view: RowView | null = null;
  #problem: WidgetSetupProblem | null = null;
  #state: HearthRecsState = 'loading';
  #signature = '';
  #generation = 0;
  #scheduled = false;

  constructor() {
    super();
    this.#root = this.attachShadow({ mode: 'open' });
    adoptWidgetStyles(this.#root);
    this.#parts = createRowElements(this.#root);
    this.#root.addEventListener('click', (event) => this.#guard(() => this.#onClick(event)));
    this.#root.addEventListener('keydown', (event) =>
      this.#guard(() => moveCardFocus(event as KeyboardEvent, this.#cards())),
    );
  }

  /** The row on screen (null before the first one arrives). */
  get view(): RowView | null {
    return this.#view;
  }

  get state(): HearthRecsState {
    return this.#state;
  }

  connectedCallback(): void {
    this.#guard(() => {
      // Reserve the row's space at once, before any script or network work.
      if (this.#view === null && this.#state === 'loading') {
        this.#settings = readElementSettings((name) => this.getAttribute(name)).settings;
        this.#renderSkeleton();
      }
      this.#schedule();
    });
  }

  disconnectedCallback(): void {
    this.#generation++;
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    this.#impressions?.disconnect();
    this.#unwatch?.();
  }

  attributeChangedCallback(_name: string, before: string | null, after: string | null): void {
    if (before !== after && this.isConnected) this.#guard(() => this.#schedule());
  }

  /** Fetches and renders the row again (rows also refresh on their own after history changes). */
  refresh(): Promise<void> {
    return this.#refresh();
  }

  #guard(run: () => unknown): void {
    try {
      run();
    } catch (error) {
      this.#fail(error);
    }
  }

  /** Coalesces attribute changes and runtime events of one task into one fetch. */
  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      if (this.isConnected) void this.#refresh();
    });
  }

  #connectRuntime(settings: ElementSettings): WidgetRuntime {
    const runtime = (this.#runtime ??= sharedRuntime({
      ...(settings.modelSrc !== undefined && { modelSrc: settings.modelSrc }),
      ...(settings.catalogSrc !== undefined && { catalogSrc: settings.catalogSrc }),
    }));
    for (const [attr, mine, used] of [
      ['model-src', settings.modelSrc, runtime.sources.modelSrc],
      ['catalog-src', settings.catalogSrc, runtime.sources.catalogSrc],
    ] as const) {
      if (mine !== undefined && pageRelativeUrl(mine) !== used) {
        this.#reporter.warn(
          `${attr}="${mine}" is ignored: this page already uses ${used ?? 'no file'} (one per page).`,
        );
      }
    }
    this.#unsubscribe ??= runtime.on((event) => {
      if (
        event.type === 'history-changed' ||
        event.type === 'model-changed' ||
        event.type === 'catalog-changed'
      )
        this.#schedule();
    });
    if (settings.consent !== undefined) runtime.setConsent(settings.consent);
    return runtime;
  }

  async #refresh(): Promise<void> {
    const generation = ++this.#generation;
    try {
      const { settings, problems } = readElementSettings((name) => this.getAttribute(name));
      for (const problem of problems) this.#reporter.warn(problem);
      this.#settings = settings;
      const runtime = this.#connectRuntime(settings);
      if (this.#view === null && this.#state === 'loading') this.#renderSkeleton();
      const view = await fetchRow(runtime, settings.query);
      // Only a fallback or empty row can stem from a missing model; personal rows skip the check.
      const problem = isFallbackSource(view.source) ? await runtime.setupProblem() : null;
      if (generation !== this.#generation) return;
      this.#view = view;
      this.#problem = problem;
      const holdout = view.experiment?.holdout;
      const ready = view.items.length > 0;
      this.#render(
        ready ? { kind: 'ready', view } : { kind: 'empty' },
        holdout ? 'holdout' : ready ? 'ready' : 'empty',
      );
      this.#unwatch?.();
      this.#unwatch = holdout ? observeVisible(this, () => this.#expose(view)) : null;
      this.#reporter.reset();
    } catch (error) {
      if (generation === this.#generation) this.#fail(error);
    }
  }

  #renderSkeleton(): void {
    const count = Math.min(this.#settings?.query.limit ?? SKELETON_CARDS, SKELETON_CARDS);
    this.#render({ kind: 'loading', count }, 'loading');
  }

  #fail(error: unknown): void {
    this.#reporter.report(error);
    try {
      this.#view = null;
      this.#problem = null;
      this.#render({ kind: 'empty' }, 'error');
    } catch {
      // Rendering the empty state failed too (a detached or broken document): show nothing.
    }
  }

  #options(): RowRenderOptions {
    const s = this.#settings;
    const type = s?.query.type ?? 'for-you';
    return {
      heading: s?.heading ?? '',
      emptyText: DEFAULT_EMPTY_TEXT,
      ...(s?.query.explain && { reasonTemplate: DEFAULT_REASONS[type] }),
      ...(s?.itemHref !== undefined && { itemHref: s.itemHref }),
      ...(s?.currency !== undefined && { currency: s.currency }),
      ...(s?.locale !== undefined && { locale: s.locale }),
    };
  }

  #render(state: Parameters<typeof renderRow>[1], name: HearthRecsState): void {
    const options = this.#options();
    const signature = JSON.stringify([
      name,
      options,
      state.kind === 'ready' ? state.view.source : null,
      state.kind === 'ready' ? state.view.items.map((i) => [i.id, i.reasons[0]?.itemId]) : null,
      state.kind === 'loading' ? state.count : null,
    ]);
    this.#state = name;
    this.dataset.state = name;
    this.#parts.row.hidden = name === 'holdout';
    if (this.#problem && name !== 'loading') this.dataset.problem = this.#problem.code;
    else delete this.dataset.problem;
    if (this.#view) this.dataset.source = this.#view.source;
    else delete this.dataset.source;
    if (signature !== this.#signature) {
      this.#signature = signature;
      const focused = (this.#root.activeElement as HTMLElement | null)?.dataset.rank;
      renderRow(this.#parts, state, options);
      const cards = this.#cards();
      this.#observeImpressions(cards);
      // Keep the keyboard user's place when the row re-renders under them (e.g. after a click).
      const again = cards.find((card) => card.dataset.rank === focused);
      if (focused !== undefined && again) {
        cards.forEach((card) => (card.tabIndex = card === again ? 0 : -1));
        again.focus();
      }
    }
    this.dispatchEvent(
      new CustomEvent<HearthRenderDetail>('hearth-render', {
        detail: { state: name, view: this.#view, problem: this.#problem },
        bubbles: true,
        composed: true,
      }),
    );
  }

  #cards(): HTMLElement[] {
    return [...this.#parts.list.querySelectorAll<HTMLElement>('.card')];
  }

  #detail(card: HTMLElement): HearthItemEventDetail | null {
    const view = this.#view;
    const itemId = card.dataset.itemId;
    if (!view || itemId === undefined) return null;
    return { itemId, type: view.type, rank: Number(card.dataset.rank), source: view.source };
  }

  #observeImpressions(cards: readonly HTMLElement[]): void {
    this.#impressions ??= createImpressionObserver((card) => {
      const detail = this.#detail(card);
      if (detail) {
        this.#expose(this.#view!);
        this.dispatchEvent(
          new CustomEvent('hearth-impression', { detail, bubbles: true, composed: true }),
        );
      }
    });
    this.#impressions.observe(cards);
  }

  /** Records the exposure of the view's experiment arm, once per view. */
  #expose(view: RowView): void {
    if (!view.experiment || this.#exposed === view) return;
    this.#exposed = view;
    this.#runtime?.recordExposure(view.experiment).catch(this.#reporter.report);
  }

  #onClick(event: Event): void {
    const card = (event.target as Element | null)?.closest?.<HTMLElement>('.card');
    const detail = card ? this.#detail(card) : null;
    if (!card || !detail) return;
    for (const other of this.#cards()) other.tabIndex = other === card ? 0 : -1;
    const proceed = this.dispatchEvent(
      new CustomEvent<HearthItemEventDetail>('hearth-click', {
        detail,
        bubbles: true,
        composed: true,
        cancelable: true,
      }),
    );
    if (!proceed) event.preventDefault();
    this.#runtime
      ?.track({ itemId: detail.itemId, type: 'click', via: 'row' })
      .catch(this.#reporter.report);
  }
}

/**
 * Defines `<hearth-recs>` (or `tag`) once; a second call, or a page that defined the tag already,
 * changes nothing.
 */
export function defineHearthRecs(tag: string = HEARTH_RECS_TAG): void {
  if (typeof customElements === 'undefined' || customElements.get(tag)) return;
  customElements.define(tag, class extends HearthRecsElement {});
}

declare global {
  interface HTMLElementTagNameMap {
    'hearth-recs': HearthRecsElement;
  }
  interface HTMLElementEventMap {
    'hearth-click': HearthRecsEventMap['hearth-click'];
    'hearth-impression': HearthRecsEventMap['hearth-impression'];
    'hearth-render': HearthRecsEventMap['hearth-render'];
  }
  // The events bubble and are composed: listen on the document too.
  interface DocumentEventMap {
    'hearth-click': HearthRecsEventMap['hearth-click'];
    'hearth-impression': HearthRecsEventMap['hearth-impression'];
    'hearth-render': HearthRecsEventMap['hearth-render'];
  }
}
