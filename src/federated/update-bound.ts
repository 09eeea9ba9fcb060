/**
 * The server-side update bound: after a round's step, each row of the round (its factors and bias
 * together) may move at most `maxRowMove` in L2 norm from where it was; a longer move keeps its
 * direction and is cut to that length, and a row whose step is not finite keeps its old value. So
 * no single round — whatever its cohort sent — can move any row further than the bound, and a
 * wrecked round (a spike, an all-zero cohort) costs at most one bounded step that honest rounds
 * undo. Browser-safe.
 */
import { OptionError } from '../core/errors';
import type { MfModel } from '../core/models/mf/mf-model';

/** Options of {@link boundRowMoves}. */
export interface RowMoveBoundOptions {
  /** The model before the round. */
  readonly before: MfModel;
  /** The model the round's step proposes (same shape). */
  readonly after: MfModel;
  /** The rows the round changed. */
  readonly rows: ArrayLike<number>;
  /** Largest L2 move of one row (factors and bias); Infinity = unbounded. */
  readonly maxRowMove: number;
}

/** The bounded model and what the bound did. */
export interface RowMoveBoundResult {
  readonly model: MfModel;
  /** Rows whose move was cut to the bound. */
  readonly boundedRows: number;
  /** Rows whose proposed value was not finite (kept unchanged). */
  readonly nonFiniteRows: number;
  /** Largest proposed move (before the bound; non-finite rows excluded). */
  readonly largestMove: number;
}

/** Applies the per-row move bound; returns a new model (the inputs are not changed). */
export function boundRowMoves(o: RowMoveBoundOptions): RowMoveBoundResult {
  const { before, after, rows, maxRowMove } = o;
  if (!(maxRowMove > 0)) throw new OptionError(`maxRowMove must be positive (got ${maxRowMove}).`);
  const k = before.factors;
  if (after.factors !== k || after.numItems !== before.numItems) {
    throw new OptionError('The bounded model must have the shape of the model before the round.');
  }
  const itemFactors = after.itemFactors.slice();
  const itemBias = after.itemBias.slice();
  let boundedRows = 0;
  let nonFiniteRows = 0;
  let largestMove = 0;
  for (let p = 0; p < rows.length; p++) {
    const i = rows[p]!;
    let sq = (itemBias[i]! - before.itemBias[i]!) ** 2;
    for (let a = 0; a < k; a++)
      sq += (itemFactors[i * k + a]! - before.itemFactors[i * k + a]!) ** 2;
    const move = Math.sqrt(sq);
    if (!Number.isFinite(move)) {
      nonFiniteRows++;
      itemBias[i] = before.itemBias[i]!;
      for (let a = 0; a < k; a++) itemFactors[i * k + a] = before.itemFactors[i * k + a]!;
      continue;
    }
    largestMove = Math.max(largestMove, move);
    if (move <= maxRowMove) continue;
    boundedRows++;
    const s = maxRowMove / move;
    itemBias[i] = before.itemBias[i]! + s * (itemBias[i]! - before.itemBias[i]!);
    for (let a = 0; a < k; a++) {
      const j = i * k + a;
      itemFactors[j] = before.itemFactors[j]! + s * (itemFactors[j]! - before.itemFactors[j]!);
    }
  }
  const norm = after.userWeightNorm;
  const userWeightNorm = Number.isFinite(norm) ? norm : before.userWeightNorm;
  return {
    model: { ...after, itemFactors, itemBias, userWeightNorm },
    boundedRows,
    nonFiniteRows,
    largestMove,
  };
}
