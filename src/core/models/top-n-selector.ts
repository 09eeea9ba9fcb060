/**
 * Bounded selection of the `capacity` best (index, score) pairs, on typed arrays (a binary min-heap
 * whose root is the worst kept pair). Order is total and deterministic: higher score first, and
 * among equal scores the lower index first. NaN scores are ignored.
 */
export interface TopNSelector {
  /** Maximum number of pairs kept. */
  readonly capacity: number;
  /** Number of pairs currently kept. */
  readonly size: number;
  /** Forgets every pair offered so far (keeps the buffers). */
  reset(): void;
  /** Offers one pair; it is kept if it beats the worst kept pair or the selector is not full. */
  offer(index: number, score: number): void;
  /**
   * Writes the kept pairs best-first into `indices`/`scores` starting at `offset`, returns how many
   * were written, and resets the selector.
   */
  drain(indices: Int32Array, scores: Float32Array, offset: number): number;
}

/** Creates a {@link TopNSelector} keeping at most `capacity` pairs (capacity ≥ 0). */
export function createTopNSelector(capacity: number): TopNSelector {
  const heapIdx = new Int32Array(capacity);
  const heapScore = new Float64Array(capacity);
  let size = 0;

  // a is worse than b: lower score, or same score and higher index.
  const worse = (sa: number, ia: number, sb: number, ib: number): boolean =>
    sa < sb || (sa === sb && ia > ib);

  const siftDown = (start: number, n: number): void => {
    let p = start;
    const ip = heapIdx[p]!;
    const sp = heapScore[p]!;
    for (;;) {
      let c = 2 * p + 1;
      if (c >= n) break;
      if (c + 1 < n && worse(heapScore[c + 1]!, heapIdx[c + 1]!, heapScore[c]!, heapIdx[c]!)) c++;
      if (!worse(heapScore[c]!, heapIdx[c]!, sp, ip)) break;
      heapIdx[p] = heapIdx[c]!;
      heapScore[p] = heapScore[c]!;
      p = c;
    }
    heapIdx[p] = ip;
    heapScore[p] = sp;
  };

  return {
    capacity,
    get size() {
      return size;
    },
    reset() {
      size = 0;
    },
    offer(index, score) {
      if (capacity === 0 || score !== score) return;
      if (size < capacity) {
        let c = size++;
        while (c > 0) {
          const p = (c - 1) >> 1;
          if (!worse(score, index, heapScore[p]!, heapIdx[p]!)) break;
          heapIdx[c] = heapIdx[p]!;
          heapScore[c] = heapScore[p]!;
          c = p;
        }
        heapIdx[c] = index;
        heapScore[c] = score;
      } else if (worse(heapScore[0]!, heapIdx[0]!, score, index)) {
        heapIdx[0] = index;
        heapScore[0] = score;
        siftDown(0, size);
      }
    },
    drain(indices, scores, offset) {
      const n = size;
      // Repeatedly move the worst pair to the end of the output: the output ends up best-first.
      for (let k = n - 1; k >= 0; k--) {
        indices[offset + k] = heapIdx[0]!;
        scores[offset + k] = heapScore[0]!;
        heapIdx[0] = heapIdx[k]!;
        heapScore[0] = heapScore[k]!;
        siftDown(0, k);
      }
      size = 0;
      return n;
    },
  };
}
