import type { EventWeights } from '../data/types';
import { DEFAULT_EVENT_WEIGHTS } from '../data/types';
import type { Vocabulary } from '../data/vocabulary';
import { HearthError, OptionError } from '../errors';
import { dot } from '../math/linalg';
import type { FoldInContext, WeightedItem } from '../models/mf/fold-in';
import { createFoldInContext, foldInUser } from '../models/mf/fold-in';
import type { MfModel } from '../models/mf/mf-model';
import { requireInRange } from '../models/option-checks';
import type { SparseNeighbors } from '../models/sparse-neighbors';
import type { Explainer } from './explain';
import { DEFAULT_MAX_REASONS, createAnchorExplainer, createHistoryExplainer } from './explain';
import type { ContentIndex } from './content-similarity';
import { buildContentIndex } from './content-similarity';
import type { Catalog } from './filters';
import { compileItemFilter } from './filters';
import { mergeHistory } from './history';
import { LEGACY_CONFIDENCE, confidenceOf, type ConfidenceTransform } from '../tune/confidence';
import { forYouEvidence } from './for-you-evidence';
import { createNeighborMixer, type NeighborScoring } from './neighbor-scores';
import type { ItemToItemSources, ItemToItemWeights } from './item-to-item-scores';
import {
  DEFAULT_ITEM_TO_ITEM_WEIGHTS,
  itemToItemScores,
  pairSimilarity,
} from './item-to-item-scores';
import { rankPrimaryThenFill } from './complement-scores';
import type { RankedItem } from './rank-items';
import { rankItems } from './rank-items';
import { coOccurrenceScores, neighborScore, sameCategoryScores } from './row-sources';
import type {
  BoughtTogetherRowRequest,
  ForYouRowRequest,
  RowRequest,
  RowResult,
  RowSource,
  SimilarRowRequest,
} from './row-types';
import { scoreItems } from './score-items';
import type { ShortHistoryOptions } from './short-history-blend';
import {
  DEFAULT_SHORT_HISTORY,
  blendShortHistory,
  itemToItemShare,
  recentAnchors,
  recencyWeights,
} from './short-history-blend';
import { cosineToAll, itemNorms } from './similarity';

/** The models and data a recommender serves from; every model is optional. */
export interface RowRecommenderOptions {
  /** Item ids by dense index; every array below is aligned with it (and may be shorter). */
  readonly itemIds: Vocabulary;
  /** Item data for filters and the same-category fallback. */
  readonly catalog?: Catalog;
  /** Matrix-factorization model (cold items with content-tower embeddings are ordinary rows). */
  readonly mf?: MfModel;
  /** Item–item co-occurrence neighbours (`CoOccurrenceModel.neighbors`). */
  readonly coOccurrence?: SparseNeighbors;
  /** Trending score per item (`TrendingModel.scores`). */
  readonly trending?: Float32Array;
  /** Popularity per item (`PopularityModel.counts`). */
  readonly popularity?: Float32Array;
  /** Weight of each history event type (default {@link DEFAULT_EVENT_WEIGHTS}). */
  readonly eventWeights?: EventWeights;
  /** How summed history weights become fold-in confidences (default: raw weights). */
  readonly confidence?: ConfidenceTransform;
  /** Neighbour scores mixed into for-you rows (a bundle's neighbour family or blend). */
  readonly neighborScoring?: NeighborScoring;
  /** Blend of the similar row (default {@link DEFAULT_ITEM_TO_ITEM_WEIGHTS}). */
  readonly itemToItem?: ItemToItemWeights;
  /** How for-you leans on item–item similarity for short histories (default {@link DEFAULT_SHORT_HISTORY}). */
  readonly shortHistory?: ShortHistoryOptions;
}

/** Serves recommendation rows from fixed models; cheap to call per page view. */
export interface RowRecommender {
  /** Builds one row, falling back through thinner-data sources as needed (see {@link RowSource}). */
  recommend(request: RowRequest): RowResult;
  /**
   * Precomputes what the first for-you / similar row would otherwise compute (fold-in Gram matrix,
   * O(n·k²); item norms, O(n·k)), e.g. right after loading a model.
   */
  prepare(): void;
  /** Releases cached state; later calls throw `HearthError` code `DISPOSED`. */
  dispose(): void;
}

/** A source that may have no data for this request (`run` returns null). */
interface Attempt {
  readonly source: RowSource;
  run(): { readonly scores: Float32Array; readonly explainer?: Explainer } | null;
}

/** Per-request values every row builder needs. */
interface RowContext {
  readonly exclude: Set<number>;
  readonly explain: boolean;
  readonly maxReasons: number;
}

const ROW_TYPES = ['for-you', 'similar', 'bought-together', 'trending', 'popular'] as const;

/**
 * Creates a {@link RowRecommender}. Throws `OptionError` when a model covers more items than
 * `itemIds` knows (it was trained with another vocabulary).
 */
export function createRowRecommender(options: RowRecommenderOptions): RowRecommender {
  const { itemIds, catalog, mf, coOccurrence, trending, popularity } = options;
  const eventWeights = options.eventWeights ?? DEFAULT_EVENT_WEIGHTS;
  const confidence = options.confidence ?? LEGACY_CONFIDENCE;
  const mixNeighbors = options.neighborScoring
    ? createNeighborMixer(options.neighborScoring)
    : undefined;
  const blendWeights = options.itemToItem ?? DEFAULT_ITEM_TO_ITEM_WEIGHTS;
  const shortHistory = options.shortHistory ?? DEFAULT_SHORT_HISTORY;
  for (const [name, size] of [
    ['mf.numItems', mf?.numItems],
    ['coOccurrence.numItems', coOccurrence?.numItems],
    ['trending.length', trending?.length],
    ['popularity.length', popularity?.length],
  ] as const) {
    if (size !== undefined && size > itemIds.size) {
      throw new OptionError(
        `${name} is ${size} but itemIds has only ${itemIds.size} items; pass the item vocabulary the model was built with.`,
      );
    }
  }

  let foldInContext: FoldInContext | null = null;
  let norms: Float32Array | null = null;
  let contentIndex: ContentIndex | null = null;
  const blendBuffers = { similarity: new Float32Array(0), tags: new Uint8Array(0) };
  let scratchBuffer = new Float32Array(0);
  const getFoldIn = (model: MfModel): FoldInContext =>
    (foldInContext ??= createFoldInContext(model));
  const getNorms = (model: MfModel): Float32Array => (norms ??= itemNorms(model));
  /** Every item–item source this recommender has (content index and norms built on first use). */
  const itemSources = (): ItemToItemSources => ({
    ...(mf !== undefined && { table: mf, norms: getNorms(mf) }),
    ...(coOccurrence !== undefined && { coOccurrence }),
    ...(catalog !== undefined && {
      content: (contentIndex ??= buildContentIndex(catalog, itemIds.size)),
    }),
  });
  // One score buffer reused across rows: rankItems copies what it returns, so nothing aliases it.
  const scratch = (length: number): Float32Array => {
    if (scratchBuffer.length < length)
      scratchBuffer = new Float32Array(Math.max(length, itemIds.size));
    return scratchBuffer.subarray(0, length);
  };
  const rankBy = (source: RowSource, scores: Float32Array | undefined): Attempt => ({
    source,
    run: () => (scores === undefined ? null : { scores }),
  });
  const anchorExplainer = (
    ctx: RowContext,
    anchors: readonly number[],
    anchorWeight?: (anchor: number, item: number) => number,
  ): Explainer =>
    createAnchorExplainer({
      anchors,
      itemIds,
      maxReasons: ctx.maxReasons,
      ...(anchorWeight !== undefined && { anchorWeight }),
    });

  /** Known, distinct anchor indices of `ids`; unknown ids go to `unknown`. */
  const resolveAnchors = (ids: readonly string[], unknown: string[]): number[] => {
    const anchors: number[] = [];
    for (const id of ids) {
      const index = itemIds.get(id);
      if (index < 0) {
        if (!unknown.includes(id)) unknown.push(id);
      } else if (!anchors.includes(index)) {
        anchors.push(index);
      }
    }
    return anchors;
  };

  /** Cosine to the normalised sum of the anchors' embeddings; null when none has one. */
  const embeddingAttempt = (
    source: RowSource,
    ctx: RowContext,
    anchors: readonly number[],
  ): Attempt => ({
    source,
    run: () => {
      if (mf === undefined) return null;
      const k = mf.factors;
      const v = mf.itemFactors;
      const nrm = getNorms(mf);
      const withEmbedding = anchors.filter((a) => a < mf.numItems && nrm[a]! > 0);
      if (withEmbedding.length === 0) return null;
      const query = new Float32Array(k);
      for (const a of withEmbedding) {
        const inv = 1 / nrm[a]!;
        for (let d = 0; d < k; d++) query[d]! += v[a * k + d]! * inv;
      }
      const scores = cosineToAll(query, mf, nrm, scratch(mf.numItems));
      const cosine = (a: number, i: number): number => {
        const denom = nrm[a]! * (i < mf.numItems ? nrm[i]! : 0);
        return denom > 0 ? dot(v, a * k, v, i * k, k) / denom : 0;
      };
      return {
        scores,
        explainer: anchorExplainer(
          ctx,
          withEmbedding,
          withEmbedding.length > 1 ? cosine : undefined,
        ),
      };
    },
  });

  /** Co-occurrence with the anchors; with `fill`, the rest of the row by the similar blend. */
  const coOccurrenceAttempt = (
    source: RowSource,
    ctx: RowContext,
    anchors: readonly number[],
    fill = false,
  ): Attempt => ({
    source,
    run: () => {
      if (coOccurrence === undefined || anchors.length === 0) return null;
      const scores = scratch(itemIds.size);
      if (coOccurrenceScores(coOccurrence, anchors, scores) === 0) return null;
      let weight = (a: number, i: number): number => neighborScore(coOccurrence, a, i);
      if (fill) {
        const sources = itemSources();
        const n = itemIds.size;
        if (blendBuffers.similarity.length < n) blendBuffers.similarity = new Float32Array(n);
        const related = blendBuffers.similarity.subarray(0, n);
        const shares = anchors.map((item) => ({ item, share: 1 / anchors.length }));
        if (
          itemToItemScores(sources, blendWeights, shares, related, blendBuffers) > 0 &&
          rankPrimaryThenFill(scores, related)
        ) {
          const bought = weight;
          // Bought-together items are explained by what they were bought with, filled ones by
          // how related they are.
          weight = (a, i) =>
            anchors.some((x) => bought(x, i) > 0)
              ? bought(a, i)
              : pairSimilarity(sources, blendWeights, a, i);
        }
      }
      return { scores, explainer: anchorExplainer(ctx, anchors, weight) };
    },
  });

  /** The similar row's blend of factor cosine, co-occurrence and content (see {@link ItemToItemWeights}). */
  const blendedAttempt = (source: RowSource, ctx: RowContext, anchor: number): Attempt => ({
    source,
    run: () => {
      // Without an embedding the anchor is too new for the model: the fallbacks say so.
      if (mf === undefined || anchor >= mf.numItems || !(getNorms(mf)[anchor]! > 0)) return null;
      const scores = scratch(itemIds.size);
      const anchors = [{ item: anchor, share: 1 }];
      if (itemToItemScores(itemSources(), blendWeights, anchors, scores, blendBuffers) === 0) {
        return null;
      }
      return { scores, explainer: anchorExplainer(ctx, [anchor]) };
    },
  });

  const popularityFallbacks = (): Attempt[] => [
    rankBy('fallback-trending', trending),
    rankBy('fallback-popularity', popularity),
  ];

  const forYou = (request: ForYouRowRequest, ctx: RowContext, unknown: string[]): Attempt[] => {
    const history = mergeHistory(request.history, itemIds, eventWeights);
    unknown.push(...history.unknownItems);
    const excludeAll = request.excludeHistory ?? true;
    const positive: WeightedItem[] = [];
    for (let h = 0; h < history.items.length; h++) {
      const item = history.items[h]!;
      const weight = history.weights[h]!;
      if (excludeAll || !(weight > 0)) ctx.exclude.add(item);
      if (mf !== undefined && weight > 0 && item < mf.numItems)
        positive.push({ item, weight: confidenceOf(confidence, weight) });
    }
    const personal: Attempt = {
      source: 'personal',
      run: () => {
        if (mf === undefined || positive.length === 0) return null;
        const weights = positive.map((p) => p.weight);
        recencyWeights(
          request.history,
          itemIds,
          positive.map((p) => p.item),
          weights,
          shortHistory,
        );
        const folded = positive.map((p, h) => ({ item: p.item, weight: weights[h]! }));
        const fold = foldInUser(getFoldIn(mf), folded, { explain: ctx.explain });
        const scores = scoreItems(fold.vector, mf, scratch(mf.numItems));
        // Neighbour scores lean to recent items like the fold-in (factors with weighted mean 1).
        const recency = positive.map((p, h) => weights[h]! / p.weight);
        const mixed =
          mixNeighbors?.(
            scores,
            positive.map((p) => p.item),
            recency,
          ) ?? false;
        const share = itemToItemShare(positive.length, shortHistory);
        const blend =
          share > 0
            ? blendShortHistory(
                scores,
                share,
                recentAnchors(
                  request.history,
                  itemIds,
                  new Set(positive.map((p) => p.item)),
                  shortHistory,
                ),
                itemSources(),
                blendWeights,
                blendBuffers,
              )
            : null;
        if (!ctx.explain) return { scores };
        const explainer = createHistoryExplainer({
          historyItems: positive.map((p) => p.item),
          contributions: fold.contributions,
          table: mf,
          itemIds,
          maxReasons: ctx.maxReasons,
          ...forYouEvidence(
            mixed ? options.neighborScoring : undefined,
            new Map(positive.map((p, h) => [p.item, recency[h]!])),
            blend,
          ),
        });
        return { scores, explainer };
      },
    };
    return [personal, ...popularityFallbacks()];
  };

  const similar = (request: SimilarRowRequest, ctx: RowContext, unknown: string[]): Attempt[] => {
    const anchors = resolveAnchors([request.itemId], unknown);
    const anchor = anchors[0];
    if (anchor === undefined) return popularityFallbacks();
    ctx.exclude.add(anchor);
    const category: Attempt = {
      source: 'fallback-category',
      run: () => {
        if (catalog === undefined) return null;
        const scores = scratch(itemIds.size);
        if (sameCategoryScores(catalog, anchor, trending ?? popularity, scores) === 0) return null;
        return { scores, explainer: anchorExplainer(ctx, anchors) };
      },
    };
    return [
      blendedAttempt('similar', ctx, anchor),
      coOccurrenceAttempt('fallback-co-occurrence', ctx, anchors),
      category,
      ...popularityFallbacks(),
    ];
  };

  const boughtTogether = (
    request: BoughtTogetherRowRequest,
    ctx: RowContext,
    unknown: string[],
  ): Attempt[] => {
    const anchors = resolveAnchors(request.itemIds, unknown);
    for (const a of anchors) ctx.exclude.add(a);
    return [
      coOccurrenceAttempt('co-occurrence', ctx, anchors, true),
      embeddingAttempt('fallback-similar', ctx, anchors),
      ...popularityFallbacks(),
    ];
  };

  const recommend = (request: RowRequest): RowResult => {
    const { k, filters, diversity } = request;
    requireInRange('k', k, 1, 2 ** 31 - 1, true);
    const minItems = request.minItems ?? 1;
    requireInRange('minItems', minItems, 0, k, true);
    const maxReasons = request.maxReasons ?? DEFAULT_MAX_REASONS;
    requireInRange('maxReasons', maxReasons, 0, 1000, true);
    if (diversity !== undefined) requireInRange('diversity.lambda', diversity.lambda, 0, 1, false);
    // Validate filters now so a bad filter fails even when no source has data.
    compileItemFilter(filters, catalog, itemIds);

    const ctx: RowContext = { exclude: new Set(), explain: maxReasons > 0, maxReasons };
    for (const id of request.exclude ?? []) {
      const index = itemIds.get(id);
      if (index >= 0) ctx.exclude.add(index);
    }
    const unknown: string[] = [];
    let attempts: Attempt[];
    switch (request.type) {
      case 'for-you':
        attempts = forYou(request, ctx, unknown);
        break;
      case 'similar':
        attempts = similar(request, ctx, unknown);
        break;
      case 'bought-together':
        attempts = boughtTogether(request, ctx, unknown);
        break;
      case 'trending':
        attempts = [rankBy('trending', trending), rankBy('fallback-popularity', popularity)];
        break;
      case 'popular':
        attempts = [rankBy('popularity', popularity), rankBy('fallback-trending', trending)];
        break;
      default: {
        const type: unknown = (request as { type: unknown }).type;
        throw new OptionError(
          `Unknown row type ${String(type)}; use one of ${ROW_TYPES.join(', ')}.`,
        );
      }
    }

    let partial: { source: RowSource; items: RankedItem[] } | null = null;
    for (const attempt of attempts) {
      const produced = attempt.run();
      if (produced === null) continue;
      const items = rankItems({
        scores: produced.scores,
        k,
        itemIds,
        exclude: ctx.exclude,
        ...(filters !== undefined && { filters }),
        ...(catalog !== undefined && { catalog }),
        ...(diversity !== undefined &&
          mf !== undefined && { diversity: { ...diversity, table: mf } }),
        ...(ctx.explain && produced.explainer !== undefined && { explainer: produced.explainer }),
      });
      if (items.length >= minItems) {
        return { type: request.type, source: attempt.source, items, unknownItems: unknown };
      }
      if (partial === null && items.length > 0) partial = { source: attempt.source, items };
    }
    return {
      type: request.type,
      source: partial?.source ?? 'none',
      items: partial?.items ?? [],
      unknownItems: unknown,
    };
  };

  let disposed = false;
  const alive = (): void => {
    if (disposed)
      throw new HearthError('DISPOSED', 'This recommender was disposed; create a new one.');
  };
  return {
    recommend(request) {
      alive();
      return recommend(request);
    },
    prepare() {
      alive();
      if (mf !== undefined) {
        getFoldIn(mf);
        getNorms(mf);
      }
    },
    dispose() {
      disposed = true;
    },
  };
}
