import { act, type ReactElement } from 'react';
import { createRoot, type Root } from 'react-dom/client';

// Tells React that updates are wrapped in act(), so it flushes them before act resolves.
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

// Results of real async work (IndexedDB, the recommender) land outside act() by design: the tests
// wait for them with vi.waitFor. React's warning about those updates is noise here.
const consoleError = console.error.bind(console);
console.error = (...args: unknown[]) => {
  if (typeof args[0] === 'string' && args[0].includes('was not wrapped in act(')) return;
  consoleError(...args);
};

/** A component rendered into the page. */
export interface Rendered {
  readonly container: HTMLElement;
  unmount(): Promise<void>;
}

const mounted = new Set<Rendered>();

/** Renders `element` into a fresh container attached to the document. */
export async function render(element: ReactElement): Promise<Rendered> {
  const container = document.createElement('div');
  document.body.append(container);
  let root: Root | null = null;
  await act(async () => {
    root = createRoot(container);
    root.render(element);
  });
  const rendered: Rendered = {
    container,
    async unmount() {
      mounted.delete(rendered);
      await act(async () => root?.unmount());
      container.remove();
    },
  };
  mounted.add(rendered);
  return rendered;
}

/** Unmounts everything {@link render} mounted (call in `afterEach`). */
export async function cleanup(): Promise<void> {
  for (const r of [...mounted]) await r.unmount();
}

/** Runs `fn` inside act() so React applies the resulting updates before continuing. */
export async function perform(fn: () => void | Promise<void>): Promise<void> {
  await act(async () => {
    await fn();
  });
}

/** The visible text of the element matching `selector` (throws when absent). */
export function textOf(root: ParentNode, selector: string): string {
  const element = root.querySelector(selector);
  if (!element) throw new Error(`No element matches ${selector}`);
  return element.textContent ?? '';
}

/** Sets a form control's value the way typing or choosing would, so React sees the change. */
export async function changeValue(
  control: HTMLInputElement | HTMLSelectElement,
  value: string,
): Promise<void> {
  const proto = control instanceof HTMLSelectElement ? HTMLSelectElement : HTMLInputElement;
  const setter = Object.getOwnPropertyDescriptor(proto.prototype, 'value')!.set!;
  await perform(() => {
    setter.call(control, value);
    control.dispatchEvent(
      new Event(control instanceof HTMLSelectElement ? 'change' : 'input', { bubbles: true }),
    );
  });
}

/** The control labelled `label` (exact text of its `<label>`) inside `root`. */
export function labelled<T extends HTMLElement>(root: ParentNode, label: string): T {
  const found = [...root.querySelectorAll('label')].find((l) => l.textContent?.trim() === label);
  const control = found?.control;
  if (!control) throw new Error(`No control labelled "${label}"`);
  return control as T;
}

/** The button whose text is `name` inside `root`. */
export function button(root: ParentNode, name: string): HTMLButtonElement {
  const found = [...root.querySelectorAll('button')].find((b) => b.textContent?.trim() === name);
  if (!found) throw new Error(`No button "${name}"`);
  return found;
}
