import { OptionError } from '../../errors';

/** A sparse vector: ascending unique `indices` with their `values`. */
export interface SparseVector {
  readonly indices: Int32Array;
  readonly values: Float32Array;
}

/** A fitted TF-IDF vocabulary (`fitTfIdf` in `./tfidf`, or restored with {@link tfIdfFromTerms}). */
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
