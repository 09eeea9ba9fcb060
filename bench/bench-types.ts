/** What every benchmark section receives. */
export interface BenchContext {
  /** Directory holding MovieLens 100K (`u.data`, `u.item`), or null when absent. */
  readonly ml100kDir: string | null;
  /** Progress log (stderr). */
  readonly log: (message: string) => void;
}

/** One section's results: dotted keys (e.g. `serve.top10.medianMs`) to values. */
export type BenchResults = Record<string, number | string | boolean | null>;

/** A benchmark section module. */
export interface BenchSection {
  readonly title: string;
  run(ctx: BenchContext): Promise<BenchResults>;
}
