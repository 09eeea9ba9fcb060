/**
 * A model fitted on a training matrix that can score every item for any training user. This is
 * the interface offline evaluation consumes; every model (MF, popularity, ItemKNN) implements it.
 */
export interface UserScorer {
  /** Number of items scored. */
  readonly numItems: number;
  /** Writes the score of every item for training-row `user` into `out` (length `numItems`). */
  scoreUser(user: number, out: Float32Array): void;
}
