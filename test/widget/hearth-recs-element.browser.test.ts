import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import '../../src/widget/index';
import type { HearthRecsElement } from '../../src/widget/hearth-recs-element';
import { disposeSharedRuntime, sharedRuntime } from '../../src/widget/shared-runtime';
import type { HearthItemEventDetail } from '../../src/widget/widget-types';
import {
  cleanUpWidgets,
  forgetDatabaseLater,
  freshRuntime,
  mount,
  recordWorkers,
  storedEvents,
  widgetFixture,
  type WidgetFixture,
} from './widget-fixtures';

let fx: WidgetFixture;

beforeAll(async () => {
  fx = await widgetFixture();
});

afterEach(async () => {
  vi.restoreAllMocks();
  await cleanUpWidgets();
});

const WAIT = { timeout: 15_000, interval: 20 };

/** A `<hearth-recs>` on the fixture model (attributes as written), on a fresh runtime. */
function recs(attributes: string, options: { runtime?: boolean } = {}): HearthRecsElement {
  if (options.runtime !== false) freshRuntime({ modelSrc: fx.modelSrc, catalogSrc: fx.catalogSrc });
  return mount<HearthRecsElement>(
    `<hearth-recs model-src="${fx.modelSrc}" catalog-src="${fx.catalogSrc}" ${attributes}></hearth-recs>`,
    'hearth-recs',
  );
}

async function settled(el: HearthRecsElement, state = 'ready'): Promise<void> {
  await vi.waitFor(() => expect(el.dataset.state).toBe(state), WAIT);
}

const shadow = (el: HearthRecsElement): ShadowRoot => el.shadowRoot!;
const cards = (el: HearthRecsElement): HTMLElement[] => [
  ...shadow(el).querySelectorAll<HTMLElement>('[part="card"]'),
];
const cardIds = (el: HearthRecsElement): string[] => cards(el).map((c) => c.dataset.itemId!);

describe('<hearth-recs> rendering', () => {
  it('shows a skeleton, then a fallback row as a labelled region with a list of cards', async () => {
    const el = recs('type="for-you" limit="5"');
    const region = shadow(el).querySelector('[part="row"]')!;
    expect(region.getAttribute('aria-busy')).toBe('true');
    expect(shadow(el).querySelectorAll('.skeleton')).toHaveLength(5);

    await settled(el);
    expect(el.view?.source).toMatch(/^fallback-/);
    expect(el.dataset.source).toBe(el.view?.source);
    expect(region.getAttribute('role')).toBe('region');
    expect(region.getAttribute('aria-label')).toBe('Recommended for you');
    expect(region.getAttribute('aria-busy')).toBe('false');
    expect(shadow(el).querySelector('[part="header"]')?.textContent).toBe('Recommended for you');
    const list = shadow(el).querySelector('[part="list"]')!;
    expect(list.tagName).toBe('UL');
    expect(list.querySelectorAll(':scope > li')).toHaveLength(5);
    expect(cards(el)).toHaveLength(5);
    for (const card of cards(el)) {
      expect(card.tagName).toBe('BUTTON');
      const id = card.dataset.itemId!;
      const item = fx.catalog.find((i) => i.id === id)!;
      expect(card.querySelector('[part="title"]')?.textContent).toBe(item.title);
      const img = card.querySelector<HTMLImageElement>('[part="image"]')!;
      expect(img.alt).toBe(item.title);
      expect(img.src).toMatch(/^data:image\/svg\+xml/);
      expect(card.querySelector('[part="price"]')?.textContent).toBe(item.price!.toFixed(2));
    }
  });

  it('upgrades to personal rows after tracked events, with reasons when explain is set', async () => {
    const el = recs('type="for-you" limit="6" explain');
    await settled(el);
    const fallbackIds = cardIds(el);
    expect(shadow(el).querySelector('[part="reason"]')).toBeNull();

    // Cluster 1 of the planted data: items i1, i5, i9, …
    for (const itemId of ['i1', 'i5', 'i9']) {
      expect(await window.Hearth!.track({ itemId, type: 'purchase' })).toBe(true);
    }
    await vi.waitFor(() => expect(el.view?.source).toBe('personal'), WAIT);
    expect(cardIds(el)).not.toEqual(fallbackIds);
    expect(cardIds(el)).not.toContain('i1');
    const inCluster = cardIds(el).filter((id) => Number(id.slice(1)) % 4 === 1);
    expect(inCluster.length).toBeGreaterThanOrEqual(4);
    const reason = shadow(el).querySelector('[part="reason"]')?.textContent ?? '';
    expect(reason).toMatch(/^Because you viewed \w+ thing number (1|5|9)$/);
  });

  it('renders similar and bought-together rows for item-id, and re-renders when attributes change', async () => {
    const similar = recs('type="similar" item-id="i2" limit="4" heading="More like this"');
    const together = recs('type="bought-together" item-id="i0, i4" limit="3"', { runtime: false });
    await settled(similar);
    await settled(together);
    expect(cards(similar)).toHaveLength(4);
    expect(cardIds(similar)).not.toContain('i2');
    expect(shadow(similar).querySelector('[part="row"]')?.getAttribute('aria-label')).toBe(
      'More like this',
    );
    expect(cards(together)).toHaveLength(3);
    expect(cardIds(together)).not.toContain('i0');

    const before = cardIds(similar);
    similar.setAttribute('item-id', 'i3');
    similar.setAttribute('limit', '2');
    await vi.waitFor(() => expect(cards(similar)).toHaveLength(2), WAIT);
    expect(cardIds(similar)).not.toEqual(before.slice(0, 2));
    expect(cardIds(similar)).not.toContain('i3');
  });

  it('links cards through item-href and formats prices with currency', async () => {
    const el = recs(
      'type="trending" limit="3" item-href="/p/{id}?from=hearth" currency="EUR" locale="de-DE"',
    );
    await settled(el);
    const first = cards(el)[0] as HTMLAnchorElement;
    expect(first.tagName).toBe('A');
    expect(new URL(first.href).pathname).toBe(`/p/${first.dataset.itemId}`);
    expect(first.querySelector('[part="price"]')?.textContent).toMatch(/^\d+,\d\d\s€$/);
  });

  it('warns once about a bad limit and shows the default number of cards', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const el = recs('type="trending" limit="lots"');
    await settled(el);
    expect(cards(el)).toHaveLength(8);
    el.setAttribute('heading', 'Hot');
    await vi.waitFor(() => expect(el.shadowRoot!.querySelector('h2')?.textContent).toBe('Hot'));
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toContain('limit="lots"');
  });
});

describe('<hearth-recs> events and tracking', () => {
  it('emits hearth-click (bubbling, composed, cancelable) and tracks the click', async () => {
    const el = recs('type="trending" limit="4" item-href="#item/{id}"');
    await settled(el);
    const clicks: HearthItemEventDetail[] = [];
    const onClick = (event: Event): void => {
      const e = event as CustomEvent<HearthItemEventDetail>;
      expect(e.bubbles && e.composed && e.cancelable).toBe(true);
      clicks.push(e.detail);
      e.preventDefault(); // the host routes itself: the link must not navigate
    };
    document.addEventListener('hearth-click', onClick);
    const history: number[] = [];
    const off = sharedRuntime().on((e) => {
      if (e.type === 'history-changed') history.push(e.events);
    });
    const hashBefore = location.hash;
    try {
      cards(el)[1]!.click();
    } finally {
      document.removeEventListener('hearth-click', onClick);
    }
    expect(clicks).toEqual([
      { itemId: cardIds(el)[1], type: 'trending', rank: 2, source: el.view!.source },
    ]);
    expect(location.hash).toBe(hashBefore);
    await vi.waitFor(() => expect(history).toEqual([1]), WAIT);
    off();
  });

  it('emits hearth-impression once per item when half of a card is visible', async () => {
    const seen: HearthItemEventDetail[] = [];
    document.addEventListener('hearth-impression', (e) => seen.push(e.detail));
    const el = recs('type="trending" limit="3" style="--hearth-card-width: 60px"');
    await settled(el);
    await vi.waitFor(() => expect(seen).toHaveLength(3), WAIT);
    expect(seen.map((d) => d.rank).sort()).toEqual([1, 2, 3]);
    expect(new Set(seen.map((d) => d.itemId))).toEqual(new Set(cardIds(el)));
    await el.refresh();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(seen).toHaveLength(3);
  });

  it('keeps events in page memory without consent and stores them with consent="granted"', async () => {
    const { runtime, dbName } = freshRuntime({ modelSrc: fx.modelSrc, catalogSrc: fx.catalogSrc });
    const el = mount<HearthRecsElement>(
      `<hearth-recs type="for-you" consent="denied"></hearth-recs>`,
      'hearth-recs',
    );
    await settled(el);
    expect(runtime.consent).toBe('denied');
    await window.Hearth!.track({ itemId: 'i2', type: 'purchase' });
    await vi.waitFor(() => expect(el.view?.source).toBe('personal'), WAIT);
    expect(await storedEvents(dbName)).toBe(0);

    el.setAttribute('consent', 'granted');
    await vi.waitFor(() => expect(runtime.consent).toBe('granted'));
    await window.Hearth!.track({ itemId: 'i6', type: 'purchase' });
    expect(await storedEvents(dbName)).toBe(1);
  });

  it('Hearth.erase() forgets memory and stored history; rows fall back again', async () => {
    const { dbName } = freshRuntime({ modelSrc: fx.modelSrc, catalogSrc: fx.catalogSrc });
    const el = mount<HearthRecsElement>(
      `<hearth-recs type="for-you" consent="granted"></hearth-recs>`,
      'hearth-recs',
    );
    await settled(el);
    await window.Hearth!.track({ itemId: 'i3', type: 'purchase' });
    await vi.waitFor(() => expect(el.view?.source).toBe('personal'), WAIT);
    const proof = await window.Hearth!.erase();
    expect(proof.remainingDatabases).toEqual([]);
    await vi.waitFor(() => expect(el.view?.source).toMatch(/^fallback-/), WAIT);
    expect(await storedEvents(dbName)).toBe(0);
  });

  it('Hearth.track refuses bad events without throwing', async () => {
    freshRuntime({ modelSrc: fx.modelSrc, catalogSrc: fx.catalogSrc });
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const bad = { itemId: '', type: 'view' } as const;
    expect(await window.Hearth!.track(bad)).toBe(false);
    expect(error).toHaveBeenCalledTimes(1);
    expect(String(error.mock.calls[0]![1])).toContain('itemId must be a non-empty string');
  });
});

describe('<hearth-recs> keyboard', () => {
  it('is one Tab stop; arrows, Home and End move focus between cards', async () => {
    const el = recs('type="trending" limit="4"');
    await settled(el);
    const [a, b, c, d] = cards(el);
    expect(cards(el).map((card) => card.tabIndex)).toEqual([0, -1, -1, -1]);
    a!.focus();
    const key = (k: string): void => {
      const target = shadow(el).activeElement!;
      target.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, composed: true }));
    };
    key('ArrowRight');
    expect(shadow(el).activeElement).toBe(b);
    expect(cards(el).map((card) => card.tabIndex)).toEqual([-1, 0, -1, -1]);
    key('End');
    expect(shadow(el).activeElement).toBe(d);
    key('ArrowRight');
    expect(shadow(el).activeElement).toBe(d);
    key('ArrowLeft');
    expect(shadow(el).activeElement).toBe(c);
    key('Home');
    expect(shadow(el).activeElement).toBe(a);
    // Focus is visible: the focused card gets an outline from the stylesheet.
    expect(getComputedStyle(a!).outlineStyle).toBe('solid');
  });
});

describe('<hearth-recs> never breaks the page', () => {
  it('shows the empty state and logs one error for a model that cannot be loaded', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const { dbName } = freshRuntime({ modelSrc: '/nope/model.hearth', catalogSrc: fx.catalogSrc });
    forgetDatabaseLater(dbName);
    const a = mount<HearthRecsElement>(`<hearth-recs type="for-you"></hearth-recs>`, 'hearth-recs');
    const b = mount<HearthRecsElement>(
      `<hearth-recs type="trending"></hearth-recs>`,
      'hearth-recs',
    );
    await settled(a, 'error');
    await settled(b, 'error');
    const empty = shadow(a).querySelector<HTMLElement>('[part="empty"]')!;
    expect(empty.hidden).toBe(false);
    expect(empty.textContent).toBe('No recommendations right now.');
    expect(cards(a)).toHaveLength(0);
    // More history does not produce more logs.
    await window.Hearth!.track({ itemId: 'i1', type: 'view' });
    await a.refresh();
    expect(error).toHaveBeenCalledTimes(2); // once per element
    expect(String(error.mock.calls[0]![0])).toMatch(/^\[hearth-recs\] .*(model|HRTH)/);
  });

  it('reports a similar row without item-id and an unknown type as the empty state', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const similar = recs('type="similar"');
    const odd = recs('type="related-products"', { runtime: false });
    await settled(similar, 'error');
    await settled(odd, 'error');
    expect(error).toHaveBeenCalledTimes(2);
    expect(String(error.mock.calls.map((c) => c[0]).join('\n'))).toContain('needs the item');
  });

  it('keeps host styles out and its own styles in', async () => {
    const probe = (): Record<string, string> => {
      const h2 = document.querySelector('#probe h2')!;
      const button = document.querySelector('#probe button')!;
      const li = document.querySelector('#probe li')!;
      const pick = (e: Element, props: string[]): string[] =>
        props.map((p) => getComputedStyle(e).getPropertyValue(p));
      return {
        h2: pick(h2, ['font-size', 'font-family', 'color', 'margin-top']).join('|'),
        button: pick(button, [
          'background-color',
          'border-radius',
          'padding-top',
          'font-family',
        ]).join('|'),
        li: pick(li, ['list-style-type', 'display', 'flex-basis']).join('|'),
        body: pick(document.body, ['font-family', 'color', 'line-height']).join('|'),
      };
    };
    const style = document.createElement('style');
    style.textContent = `
      body { font-family: 'Comic Sans MS', cursive; color: rgb(255, 0, 0); line-height: 3; letter-spacing: 4px; }
      h2 { font-size: 61px; color: rgb(0, 128, 0); margin-top: 50px; }
      button { background: rgb(255, 0, 255); border-radius: 0; padding: 30px; }
      img { border: 9px solid rgb(0, 0, 255); }
      li { list-style: square; }
      ul { padding-left: 99px; }`;
    document.head.append(style);
    try {
      mount(
        '<div id="probe"><h2>Host</h2><button>Host</button><ul><li>Host</li></ul></div>',
        '#probe',
      );
      const without = probe();
      const el = recs('type="trending" limit="3"');
      await settled(el);
      expect(probe()).toEqual(without);

      const root = shadow(el);
      const header = root.querySelector('[part="header"]')!;
      const card = cards(el)[0]!;
      const img = root.querySelector('[part="image"]')!;
      const list = root.querySelector('[part="list"]')!;
      expect(getComputedStyle(header).fontSize).not.toBe('61px');
      expect(getComputedStyle(header).marginTop).toBe('0px');
      expect(getComputedStyle(header).color).not.toBe('rgb(0, 128, 0)');
      expect(getComputedStyle(card).backgroundColor).toBe('rgb(255, 255, 255)');
      expect(getComputedStyle(card).paddingTop).toBe('0px');
      expect(getComputedStyle(img).borderTopWidth).toBe('0px');
      expect(getComputedStyle(list).paddingLeft).toBe('6px');
      expect(getComputedStyle(card).fontFamily).not.toContain('Comic Sans');
      expect(getComputedStyle(card).color).not.toBe('rgb(255, 0, 0)');
      expect(getComputedStyle(card).letterSpacing).toBe('normal');
    } finally {
      style.remove();
    }
  });

  it('is themed by --hearth-* custom properties and ::part()', async () => {
    const style = document.createElement('style');
    style.textContent = `
      hearth-recs { --hearth-accent: rgb(1, 2, 3); --hearth-radius: 3px; --hearth-card-width: 123px; --hearth-font: monospace; }
      hearth-recs::part(title) { text-transform: uppercase; }`;
    document.head.append(style);
    try {
      const el = recs('type="trending" limit="2"');
      await settled(el);
      const card = cards(el)[0]!;
      expect(getComputedStyle(card).borderTopLeftRadius).toBe('3px');
      expect(getComputedStyle(card.parentElement!).flexBasis).toBe('123px');
      expect(getComputedStyle(card).fontFamily).toBe('monospace');
      expect(getComputedStyle(card.querySelector('[part="title"]')!).textTransform).toBe(
        'uppercase',
      );
    } finally {
      style.remove();
    }
  });
});

describe('<hearth-recs> without a model', () => {
  it('marks data-problem="no-model", tells the developer once, and shows visitors a quiet row', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    freshRuntime({ catalogSrc: fx.catalogSrc });
    const problems: unknown[] = [];
    const listening = new AbortController();
    document.addEventListener('hearth-render', (e) => problems.push(e.detail.problem?.code), {
      signal: listening.signal,
    });
    const a = mount<HearthRecsElement>(`<hearth-recs type="for-you"></hearth-recs>`, 'hearth-recs');
    const b = mount<HearthRecsElement>(`<hearth-recs type="popular"></hearth-recs>`, 'hearth-recs');
    await vi.waitFor(() => expect(a.dataset.problem).toBe('no-model'), WAIT);
    await vi.waitFor(() => expect(b.dataset.problem).toBe('no-model'), WAIT);
    expect(a.dataset.state).not.toBe('error');
    expect(problems).toContain('no-model');
    listening.abort();
    const hints = warn.mock.calls.map((c) => String(c[0])).filter((m) => m.includes('No model'));
    expect(hints).toHaveLength(1);
    expect(hints[0]).toContain('model-src=');
  });

  it('has no data-problem when the page names a model', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const el = recs('type="for-you"');
    await settled(el);
    expect(el.dataset.problem).toBeUndefined();
    expect(warn.mock.calls.map((c) => String(c[0])).join('\n')).not.toContain('No model');
  });
});

describe('one runtime per page', () => {
  it('shares one worker between all elements and window.Hearth', async () => {
    const created = recordWorkers();
    disposeSharedRuntime();
    forgetDatabaseLater('hearth');
    const els = ['for-you', 'trending', 'popular'].map((type) =>
      mount<HearthRecsElement>(
        `<hearth-recs type="${type}" limit="3" model-src="${fx.modelSrc}" catalog-src="${fx.catalogSrc}"></hearth-recs>`,
        'hearth-recs',
      ),
    );
    for (const el of els) await settled(el);
    await window.Hearth!.ready();
    expect(created).toHaveLength(1);
    vi.unstubAllGlobals();
  });
});
