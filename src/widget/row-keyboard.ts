/**
 * Index of the card to focus after `key` in a row of `count` cards, or null when the key does not
 * move focus. Left/Right follow the reading direction (`rtl` swaps them); Home/End jump to the ends.
 */
export function nextCardIndex(
  key: string,
  current: number,
  count: number,
  rtl = false,
): number | null {
  if (count === 0) return null;
  const forward = rtl ? 'ArrowLeft' : 'ArrowRight';
  const backward = rtl ? 'ArrowRight' : 'ArrowLeft';
  switch (key) {
    case forward:
      return Math.min(current + 1, count - 1);
    case backward:
      return Math.max(current - 1, 0);
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return null;
  }
}

/**
 * Arrow-key navigation with a roving tab stop: the row is one Tab stop, arrows move between its
 * cards. Returns true (and prevents the default scroll) when the key moved focus.
 */
export function moveCardFocus(event: KeyboardEvent, cards: readonly HTMLElement[]): boolean {
  const current = cards.findIndex((card) => card.contains(event.target as Node | null));
  if (current < 0) return false;
  const rtl = getComputedStyle(cards[current]!).direction === 'rtl';
  const next = nextCardIndex(event.key, current, cards.length, rtl);
  if (next === null) return false;
  event.preventDefault();
  cards.forEach((card, i) => (card.tabIndex = i === next ? 0 : -1));
  cards[next]!.focus();
  cards[next]!.scrollIntoView?.({ block: 'nearest', inline: 'nearest' });
  return true;
}
