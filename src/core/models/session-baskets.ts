import type { InteractionColumns } from '../data/interaction-log';

/** Basket (session) id of every interaction row. */
export interface BasketAssignment {
  /** Basket of each row, `-1` for rows left out by the row filter. */
  readonly basketOf: Int32Array;
  /** Number of baskets (ids are 0..count−1, in user-then-time order). */
  readonly count: number;
}

/**
 * Groups the rows kept by `keepRow` into baskets: rows are ordered by user, then timestamp (then
 * row number), and a new basket starts at each new user and wherever two consecutive timed events
 * of the user are `gapMs` or more apart. Rows without a timestamp (NaN) cannot be placed in time,
 * so all of a user's untimed rows form one extra basket of their own.
 */
export function assignBaskets(
  columns: InteractionColumns,
  keepRow: Uint8Array,
  gapMs: number,
): BasketAssignment {
  const { users, timestamps } = columns;
  const n = columns.length;
  let numUsers = 0;
  for (let e = 0; e < n; e++) if (keepRow[e] && users[e]! >= numUsers) numUsers = users[e]! + 1;

  // Counting sort of the kept rows by user; rows of a user stay in row order.
  const start = new Int32Array(numUsers + 1);
  for (let e = 0; e < n; e++) if (keepRow[e]) start[users[e]! + 1]!++;
  for (let u = 0; u < numUsers; u++) start[u + 1]! += start[u]!;
  const order = new Int32Array(start[numUsers]!);
  const cursor = start.slice(0, numUsers);
  for (let e = 0; e < n; e++) if (keepRow[e]) order[cursor[users[e]!]!++] = e;

  const byTime = (a: number, b: number): number => {
    const ta = timestamps[a]!;
    const tb = timestamps[b]!;
    const untimedA = ta !== ta;
    const untimedB = tb !== tb;
    if (untimedA || untimedB) return untimedA === untimedB ? a - b : untimedA ? 1 : -1;
    return ta - tb || a - b;
  };

  const basketOf = new Int32Array(n).fill(-1);
  let count = 0;
  for (let u = 0; u < numUsers; u++) {
    const rows = order.subarray(start[u]!, start[u + 1]!);
    if (rows.length === 0) continue;
    rows.sort(byTime);
    let previous = NaN;
    let untimedBasket = -1;
    for (let k = 0; k < rows.length; k++) {
      const e = rows[k]!;
      const t = timestamps[e]!;
      if (t !== t) {
        if (untimedBasket < 0) untimedBasket = count++;
        basketOf[e] = untimedBasket;
        continue;
      }
      // The first timed row of a user (previous is NaN) always opens a basket.
      if (!(t - previous < gapMs)) count++;
      basketOf[e] = count - 1;
      previous = t;
    }
  }
  return { basketOf, count };
}
