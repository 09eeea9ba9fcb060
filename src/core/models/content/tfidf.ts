import { OptionError } from '../../errors';

/** Options of {@link fitTfIdf}. */
export interface TfIdfOptions {
  /** Terms in fewer documents than this are dropped (default 2). */
  readonly minDf?: number;
  /** Terms in more than this fraction of documents are dropped (default 0.9). */
  readonly maxDfRatio?: number;
  /** At most this many terms are kept, highest document frequency first (default 20000). */
  readonly maxTerms?: number;
  /** Use `1 + ln(count)` instead of the raw count as term frequency (default true). */
  readonly sublinearTf?: boolean;
}

/** A sparse vector: ascending unique `indices` with their `values`. */
export interface SparseVector {
  readonly indices: Int32Array;
  readonly values: Float32Array;
}

/** A fitted TF-IDF vocabulary. */
export interface TfIdfVocabulary {
  /** Kept terms; a term's position is its feature index. */
  readonly terms: readonly string[];
  /** Smoothed inverse document frequency `ln((1 + N) / (1 + df)) + 1` of each term. */
  readonly idf: Float32Array;
  readonly sublinearTf: boolean;
  /** Feature index of `term`, or -1 when it is not in the vocabulary. */
  indexOf(term: string): number;
  /** L2-normalised TF-IDF vector of one tokenized document (unknown tokens are ignored). */
  transform(tokens: readonly string[]): SparseVector;
}

/**
 * Fits a TF-IDF vocabulary on tokenized documents: document frequencies, the document-frequency
 * caps of `options`, then smoothed IDF. Term order is by descending document frequency, ties by
 * code-unit order, so the result is deterministic.
 */
export function fitTfIdf(
  docs: readonly (readonly string[])[],
  options: TfIdfOptions = {},
): TfIdfVocabulary {
  const minDf = options.minDf ?? 2;
  const maxDfRatio = options.maxDfRatio ?? 0.9;
  const maxTerms = options.maxTerms ?? 20000;
  if (!(minDf >= 1) || !(maxDfRatio > 0 && maxDfRatio <= 1) || !(maxTerms >= 0)) {
    throw new OptionError(
      `TF-IDF options out of range (minDf ${minDf} must be ≥ 1, maxDfRatio ${maxDfRatio} in (0, 1], maxTerms ${maxTerms} ≥ 0).`,
    );
  }
  const df = new Map<string, number>();
  for (const doc of docs) {
    for (const term of new Set(doc)) df.set(term, (df.get(term) ?? 0) + 1);
  }
  const n = docs.length;
  const maxDf = maxDfRatio * n;
  const kept = [...df].filter(([, count]) => count >= minDf && count <= maxDf);
  kept.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  kept.length = Math.min(kept.length, maxTerms);
  const idf = new Float32Array(kept.length);
  kept.forEach(([, count], t) => {
    idf[t] = Math.log((1 + n) / (1 + count)) + 1;
  });
  return tfIdfFromTerms(
    kept.map(([term]) => term),
    idf,
    options.sublinearTf ?? true,
  );
}

/** Rebuilds a TF-IDF vocabulary from its terms and IDF weights (e.g. from a model file). */
export function tfIdfFromTerms(
  terms: readonly string[],
  idf: Float32Array,
  sublinearTf: boolean,
): TfIdfVocabulary {
  if (terms.length !== idf.length) {
    throw new OptionError(`TF-IDF has ${terms.length} terms but ${idf.length} IDF weights.`);
  }
  const index = new Map<string, number>();
  terms.forEach((term, t) => index.set(term, t));
  return {
    terms,
    idf,
    sublinearTf,
    indexOf: (term) => index.get(term) ?? -1,
    transform(tokens) {
      const counts = new Map<number, number>();
      for (const token of tokens) {
        const t = index.get(token);
        if (t !== undefined) counts.set(t, (counts.get(t) ?? 0) + 1);
      }
      const indices = Int32Array.from(counts.keys()).sort();
      const values = new Float32Array(indices.length);
      let norm = 0;
      for (let j = 0; j < indices.length; j++) {
        const t = indices[j]!;
        const count = counts.get(t)!;
        const w = (sublinearTf ? 1 + Math.log(count) : count) * idf[t]!;
        values[j] = w;
        norm += w * w;
      }
      if (norm > 0) {
        const inv = 1 / Math.sqrt(norm);
        for (let j = 0; j < values.length; j++) values[j]! *= inv;
      }
      return { indices, values };
    },
  };
}
