import { itemHref } from './element-attributes';
import type { RowView } from './row-query';
import { formatPrice, formatReason } from './row-text';
import type { RecommendedItem } from './widget-types';

/** What a row shows: skeleton cards while loading, cards, or the empty state. */
export type RowRenderState =
  | { readonly kind: 'loading'; readonly count: number }
  | { readonly kind: 'ready'; readonly view: RowView }
  | { readonly kind: 'empty' };

/** Text and links of a rendered row. */
export interface RowRenderOptions {
  readonly heading: string;
  /** Reason template (`{title}`), or undefined to show no reasons. */
  readonly reasonTemplate?: string;
  readonly emptyText: string;
  readonly itemHref?: string;
  readonly currency?: string;
  readonly locale?: string;
}

/** The parts of a rendered row that later renders update in place. */
export interface RowElements {
  readonly row: HTMLElement;
  readonly header: HTMLElement;
  readonly list: HTMLUListElement;
  readonly empty: HTMLElement;
}

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  part: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = part;
  node.setAttribute('part', part);
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Builds the row skeleton (region, heading, list, empty message) inside `root`. */
export function createRowElements(root: ParentNode): RowElements {
  const row = element('section', 'row');
  row.setAttribute('role', 'region');
  const header = element('h2', 'header');
  const list = element('ul', 'list');
  // Safari drops list semantics from styled lists without an explicit role.
  list.setAttribute('role', 'list');
  const empty = element('p', 'empty');
  empty.hidden = true;
  row.append(header, list, empty);
  root.append(row);
  return { row, header, list, empty };
}

function card(item: RecommendedItem, options: RowRenderOptions): HTMLLIElement {
  const li = element('li', 'item');
  const href = itemHref(options.itemHref, item.id) ?? item.url;
  let target: HTMLAnchorElement | HTMLButtonElement;
  if (href !== undefined) {
    target = document.createElement('a');
    target.href = href;
  } else {
    target = document.createElement('button');
    target.type = 'button';
  }
  target.className = 'card';
  target.setAttribute('part', 'card');
  target.dataset.itemId = item.id;
  target.dataset.rank = String(item.rank);
  target.tabIndex = item.rank === 1 ? 0 : -1;
  if (item.imageUrl !== undefined) {
    const image = element('img', 'image');
    image.src = item.imageUrl;
    image.alt = item.title;
    image.loading = 'lazy';
    image.decoding = 'async';
    target.append(image);
  }
  target.append(element('span', 'title', item.title));
  if (item.price !== undefined) {
    target.append(
      element('span', 'price', formatPrice(item.price, options.currency, options.locale)),
    );
  }
  const reason = item.reasons[0];
  if (options.reasonTemplate !== undefined && reason !== undefined) {
    target.append(element('span', 'reason', formatReason(options.reasonTemplate, reason.title)));
  }
  li.append(target);
  return li;
}

function skeleton(): HTMLLIElement {
  const li = element('li', 'item');
  li.setAttribute('aria-hidden', 'true');
  li.append(element('div', 'skeleton'));
  return li;
}

/** Renders `state` into the row's elements (replacing the cards). */
export function renderRow(
  parts: RowElements,
  state: RowRenderState,
  options: RowRenderOptions,
): void {
  const { row, header, list, empty } = parts;
  header.textContent = options.heading;
  row.setAttribute('aria-label', options.heading);
  row.setAttribute('aria-busy', String(state.kind === 'loading'));
  const cards =
    state.kind === 'loading'
      ? Array.from({ length: state.count }, skeleton)
      : state.kind === 'ready'
        ? state.view.items.map((item) => card(item, options))
        : [];
  list.replaceChildren(...cards);
  list.hidden = cards.length === 0;
  empty.hidden = state.kind !== 'empty';
  empty.textContent = state.kind === 'empty' ? options.emptyText : '';
}
