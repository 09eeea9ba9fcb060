/** Reports each item once when at least half of its card is visible. */
export interface ImpressionObserver {
  /** Watches these cards (replacing the previous ones); each needs `data-item-id`. */
  observe(cards: Iterable<Element>): void;
  disconnect(): void;
}

/** Share of a card that must be visible to count as seen. */
export const IMPRESSION_THRESHOLD = 0.5;

/**
 * Creates an {@link ImpressionObserver}: `onImpression` runs once per item id for the observer's
 * lifetime, however often the row re-renders. Without IntersectionObserver nothing is reported.
 */
export function createImpressionObserver(
  onImpression: (card: HTMLElement, itemId: string) => void,
): ImpressionObserver {
  const seen = new Set<string>();
  if (typeof IntersectionObserver === 'undefined') {
    return { observe: () => undefined, disconnect: () => undefined };
  }
  const io = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        const card = entry.target as HTMLElement;
        const id = card.dataset.itemId;
        if (id === undefined || !entry.isIntersecting) continue;
        if (entry.intersectionRatio < IMPRESSION_THRESHOLD) continue;
        io.unobserve(card);
        if (seen.has(id)) continue;
        seen.add(id);
        onImpression(card, id);
      }
    },
    { threshold: IMPRESSION_THRESHOLD },
  );
  return {
    observe(cards) {
      io.disconnect();
      for (const card of cards) {
        const id = (card as HTMLElement).dataset?.itemId;
        if (id !== undefined && !seen.has(id)) io.observe(card);
      }
    },
    disconnect: () => io.disconnect(),
  };
}

/**
 * Runs `onVisible` once, the first time any part of `target` is in the viewport (a zero-height
 * element counts when its place is); returns the function that stops watching. Used for holdout
 * rows, which render nothing but still count as seen where the row would have been. Without
 * IntersectionObserver nothing is reported.
 */
export function observeVisible(target: Element, onVisible: () => void): () => void {
  if (typeof IntersectionObserver === 'undefined') return () => undefined;
  const io = new IntersectionObserver((entries) => {
    if (entries.some((entry) => entry.isIntersecting)) {
      io.disconnect();
      onVisible();
    }
  });
  io.observe(target);
  return () => io.disconnect();
}
