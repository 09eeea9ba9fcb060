import { useCallback, useRef, useState, type KeyboardEvent } from 'react';

/** Keyboard movement within a one-dimensional list: one tab stop, arrow keys move between items. */
export interface RovingFocus {
  /** `tabIndex` of item `index` (0 for the active item, −1 for the others). */
  tabIndexOf(index: number): 0 | -1;
  /** Ref callback registering item `index`'s focusable element. */
  refOf(index: number): (element: HTMLElement | null) => void;
  /** Focus handler of item `index` (a click or Tab makes it the active item). */
  onFocusOf(index: number): () => void;
  /** Key handler for the list: ←/→ (and ↑/↓), Home, End. */
  onKeyDown(event: KeyboardEvent): void;
}

/** The index a key moves to in a list of `count` items from `current`, or null for other keys. */
export function nextIndex(key: string, current: number, count: number): number | null {
  if (count === 0) return null;
  switch (key) {
    case 'ArrowRight':
    case 'ArrowDown':
      return Math.min(count - 1, current + 1);
    case 'ArrowLeft':
    case 'ArrowUp':
      return Math.max(0, current - 1);
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return null;
  }
}

/** Roving tabindex over `count` items (see {@link RovingFocus}). */
export function useRovingFocus(count: number): RovingFocus {
  const [active, setActive] = useState(0);
  const elements = useRef<(HTMLElement | null)[]>([]);
  const current = Math.min(active, Math.max(0, count - 1));
  const onKeyDown = useCallback(
    (event: KeyboardEvent) => {
      const target = nextIndex(event.key, current, count);
      if (target === null) return;
      event.preventDefault();
      setActive(target);
      const element = elements.current[target];
      element?.focus();
      element?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    },
    [current, count],
  );
  return {
    tabIndexOf: (index) => (index === current ? 0 : -1),
    refOf: (index) => (element) => {
      elements.current[index] = element;
    },
    onFocusOf: (index) => () => setActive(index),
    onKeyDown,
  };
}
