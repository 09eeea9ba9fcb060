import { Vocabulary } from '../../src/core/data/vocabulary';
import type { WeightedItem } from '../../src/core/models/mf/fold-in';
import { createFoldInContext, foldInUser } from '../../src/core/models/mf/fold-in';
import type { MfModel } from '../../src/core/models/mf/mf-model';
import { createRng } from '../../src/core/random';
import { mmrSelect } from '../../src/core/serve/mmr';
import { rankItems } from '../../src/core/serve/rank-items';
import { createRowRecommender } from '../../src/core/serve/row-recommender';
import { scoreItems } from '../../src/core/serve/score-items';
import { topK } from '../../src/core/serve/top-k';
import type { BenchContext, BenchResults, BenchSection } from '../bench-types';

const SEED = 7;
const NUM_ITEMS = 100_000;
const FACTORS = 64;
const WARMUP = 60;
const REPEATS = 100;

/** A seeded synthetic MF model: N(0, 0.3²) factors, small biases, typical iALS hyper-parameters. */
function syntheticModel(seed: number, numItems = NUM_ITEMS): MfModel {
  const rng = createRng(seed);
  const itemFactors = new Float32Array(numItems * FACTORS);
  for (let i = 0; i < itemFactors.length; i++) itemFactors[i] = rng.normal() * 0.3;
  const itemBias = new Float32Array(numItems);
  for (let i = 0; i < numItems; i++) itemBias[i] = rng.normal() * 0.05;
  return {
    kind: 'mf',
    numItems,
    factors: FACTORS,
    regularization: 0.05,
    regularizationExponent: 1,
    unobservedWeight: 0.01,
    userWeightExponent: 0,
    userWeightNorm: 1,
    biasScale: 1,
    initScale: 0.1,
    itemFactors,
    itemBias,
  };
}

/** Median and 95th percentile (nearest rank) of `fn`'s wall time after a warm-up long enough for V8 to fully optimise the loop (the first ~60 calls of the scorer run ~2× slower). */
function timeIt(fn: (iteration: number) => void): { median: number; p95: number } {
  for (let w = 0; w < WARMUP; w++) fn(w);
  const times: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const start = performance.now();
    fn(r);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const at = (q: number): number =>
    times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)]!;
  return { median: at(0.5), p95: at(0.95) };
}

const round = (ms: number): number => Math.round(ms * 1000) / 1000;

/**
 * Serving latency on a synthetic 100k-item × 64-factor catalog (seeded): scoring + top-10 for a
 * user vector (plain, and through rankItems with a 1-in-10 filter and exclusions), exact fold-in from 20 events, MMR (k = 10 from 50 candidates), and a whole
 * for-you row (fold-in with explanations, scoring, exclusions, MMR, reasons); and score + top-10 on
 * 10k- and 1M-item catalogs for the cost curve.
 */
export async function run(ctx: BenchContext): Promise<BenchResults> {
  const model = syntheticModel(SEED);
  const rng = createRng(SEED + 1);
  const users = Array.from({ length: 16 }, () => {
    const x = new Float32Array(FACTORS);
    for (let d = 0; d < FACTORS; d++) x[d] = rng.normal();
    return x;
  });
  const histories: WeightedItem[][] = Array.from({ length: 16 }, () =>
    Array.from({ length: 20 }, () => ({ item: rng.int(NUM_ITEMS), weight: 1 + rng.int(8) })),
  );

  const scores = new Float32Array(NUM_ITEMS);
  const top10 = timeIt((r) => {
    scoreItems(users[r % users.length]!, model, scores);
    topK(scores, 10);
  });
  ctx.log(`serve: score + top-10 median ${top10.median.toFixed(2)} ms`);

  // A filter keeping 1 item in 10 plus 20 exclusions: filters run lazily, so this stays near top10.
  const itemIds = Vocabulary.from(Array.from({ length: NUM_ITEMS }, (_, i) => `item-${i}`));
  const filtered = timeIt((r) => {
    scoreItems(users[r % users.length]!, model, scores);
    rankItems({
      scores,
      k: 10,
      itemIds,
      exclude: new Set(histories[r % histories.length]!.map((h) => h.item)),
      filters: { predicate: (_item, index) => index % 10 === 0 },
    });
  });

  const contextStart = performance.now();
  const foldInContext = createFoldInContext(model);
  const contextMs = performance.now() - contextStart;
  const foldIn = timeIt((r) => {
    foldInUser(foldInContext, histories[r % histories.length]!);
  });
  ctx.log(`serve: fold-in (20 events) median ${foldIn.median.toFixed(3)} ms`);

  scoreItems(users[0]!, model, scores);
  const pool = topK(scores, 50);
  const mmr = timeIt(() => {
    mmrSelect({
      candidates: pool.indices,
      relevance: pool.scores,
      k: 10,
      lambda: 0.7,
      table: model,
    });
  });

  const recommender = createRowRecommender({ itemIds, mf: model });
  recommender.prepare();
  const events = histories.map((h) =>
    h.map((e) => ({ itemId: `item-${e.item}`, weight: e.weight })),
  );
  const row = timeIt((r) => {
    recommender.recommend({
      type: 'for-you',
      history: events[r % events.length]!,
      k: 10,
      diversity: { lambda: 0.7 },
    });
  });
  ctx.log(`serve: for-you row median ${row.median.toFixed(2)} ms`);

  // The cost curve over catalog sizes (issue 12): score + top-10 at 10k and 1M items.
  const curve: BenchResults = {};
  for (const [label, numItems] of [
    ['items10k', 10_000],
    ['items1m', 1_000_000],
  ] as const) {
    const sized = syntheticModel(SEED, numItems);
    const out = new Float32Array(numItems);
    const timed = timeIt((r) => {
      scoreItems(users[r % users.length]!, sized, out);
      topK(out, 10);
    });
    ctx.log(`serve: ${numItems} items: score + top-10 median ${timed.median.toFixed(2)} ms`);
    curve[`serve.${label}.top10.medianMs`] = round(timed.median);
    curve[`serve.${label}.top10.p95Ms`] = round(timed.p95);
  }

  return {
    ...curve,
    'serve.items': NUM_ITEMS,
    'serve.factors': FACTORS,
    'serve.top10.medianMs': round(top10.median),
    'serve.top10.p95Ms': round(top10.p95),
    'serve.top10Filtered.medianMs': round(filtered.median),
    'serve.foldInContext.ms': round(contextMs),
    'serve.foldIn20.medianMs': round(foldIn.median),
    'serve.mmr.medianMs': round(mmr.median),
    'serve.forYouRow.medianMs': round(row.median),
  };
}

/** Benchmark section: serving latency (scoring, top-K, fold-in, MMR, a whole row). */
export const section: BenchSection = { title: 'Serving', run };
