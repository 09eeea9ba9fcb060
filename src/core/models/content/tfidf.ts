import { OptionError } from '../../errors';
import { tfIdfFromTerms, type TfIdfVocabulary } from './tfidf-vocabulary';

// Applying a fitted vocabulary (all serving needs) lives in `tfidf-vocabulary.ts`.
export { tfIdfFromTerms } from './tfidf-vocabulary';
export type { SparseVector, TfIdfVocabulary } from './tfidf-vocabulary';

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
