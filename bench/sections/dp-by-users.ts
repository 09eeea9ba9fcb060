import { evaluateScorer } from '../../src/core/eval/evaluate';
import type { Split } from '../../src/core/eval/split';
import { fillColdItemsFromContent } from '../../src/core/models/content/cold-item-fill';
import { fitEase } from '../../src/core/models/ease';
import type { MfModel } from '../../src/core/models/mf/mf-model';
import { fitPipeline } from '../../src/core/tune/fit-pipeline';
import { DEFAULT_DEMO_SEED } from '../../src/core/demo-data';
import { runCooccurrenceSimulation } from '../../src/federated/cooccurrence-simulation';
import {
  cooccurrenceSettingsFor,
  MAX_DEFAULT_HEAD,
  MAX_SECURE_DEFAULT_HEAD,
  modelFromCooccurrence,
} from '../../src/federated/private-cooccurrence';
import type { BenchContext, BenchResults, BenchSection } from '../bench-types';
import {
  DP_SPLIT_SEED,
  dpDelta,
  generateDpPopulation,
  type DpPopulation,
} from '../dp/dp-population';
import { fastRelease } from '../dp/fast-release';
import { DP_CURVE_BAR } from '../render-dp-curve';
import { createLazyFoldInScorer } from '../dp/lazy-fold-in-scorer';

/** Population sizes of the DP curve. */
export const DP_CURVE_USERS = [1000, 3000, 10_000, 30_000] as const;
/** Privacy budgets of the DP curve (user-level, both releases together). */
export const DP_CURVE_EPSILONS = [1, 4, 8] as const;

const ndcg10 = (metrics: Record<string, number>): number => metrics['ndcg@10']!;

/**
 * The same release run as devices and the server run it (`runCooccurrenceSimulation`: every
 * shopper encodes its contributions with the release round's spec), as a cross-check of the fast
 * release on the smallest population.
 */
function deviceSimulation(pop: DpPopulation, epsilon: number): number {
  const { train } = pop.split;
  const dp = runCooccurrenceSimulation({
    train,
    seed: DP_SPLIT_SEED,
    privacy: { epsilon, delta: dpDelta(pop.shoppers) },
    ...cooccurrenceSettingsFor({ users: pop.shoppers, epsilon, numItems: train.cols }),
  });
  return ndcg10(
    evaluateScorer(createLazyFoldInScorer(dp.model, train), pop.evalSplit, {
      ks: [10],
      auc: false,
    }),
  );
}

/**
 * Head sizes of the coverage ceiling: the largest head of a 100 kB upload (the pair budget before
 * it was raised), the largest of the default pair budget, the catalog (0).
 */
export const CEILING_HEADS = [315, MAX_DEFAULT_HEAD, 0] as const;

/** NDCG@10 of the release model and of the same model with its tail embedded from content. */
interface ReleaseScores {
  /** The release alone: items outside the head have no factors. */
  readonly releaseOnly: number;
  /**
   * As a device holding the catalog serves it (`replaceItemModel`): items outside the head get the
   * embedding a content tower fitted on the head's factors predicts (public data, no privacy cost).
   */
  readonly served: number;
}

/** NDCG@10 of the fast release with `settings` on a population, alone and as served. */
function releaseNdcg(
  pop: DpPopulation,
  epsilon: number,
  settings: ReturnType<typeof cooccurrenceSettingsFor>,
): ReleaseScores {
  const { train } = pop.split;
  const release = fastRelease({
    train,
    epsilon,
    delta: dpDelta(pop.shoppers),
    ...settings,
    seed: DP_SPLIT_SEED,
  });
  const model = modelFromCooccurrence({
    numItems: train.cols,
    ...release,
    factors: settings.factors,
    shrinkage: settings.shrinkage,
  });
  const score = (m: MfModel) =>
    ndcg10(
      evaluateScorer(createLazyFoldInScorer(m, train), pop.evalSplit, { ks: [10], auc: false }),
    );
  return {
    releaseOnly: score(model),
    served: score(fillColdItemsFromContent({ mf: model, items: pop.items }).mf),
  };
}

/**
 * What a model limited to the m most popular items can reach without any noise: EASE (the
 * centralized family on these populations) fitted on the exact training data of those items only.
 * It bounds any release over an m-item head from above, whatever ε, so it tells how much of the gap
 * to centralized is coverage rather than noise. Keys `…headCeiling.m<m>` (m = the catalog for 0).
 */
async function headCeilings(split: Split, evalSplit: Split, key: string, out: BenchResults) {
  for (const head of CEILING_HEADS) {
    const m = head === 0 ? split.train.cols : Math.min(head, split.train.cols);
    const ease = await fitEase(split.train, { maxItems: m });
    out[`${key}.headCeiling.m${m}`] = ndcg10(
      evaluateScorer(ease, evalSplit, { ks: [10], auc: false }),
    );
  }
}

/**
 * User-level DP by population size: on the demo generator's populations (default settings, seed
 * 7, only the shopper count changed) the private co-occurrence release at ε = 1, 4, 8, as a device
 * holding the catalog serves it and alone (see {@link ReleaseScores}) — the exact
 * cohort sums plus the release rounds' Gaussian noise (`fastRelease`; cross-checked against the
 * per-device simulation at N = 1,000), with the settings `cooccurrenceSettingsFor` picks for N and ε
 * (chosen on seed-1001 tuning populations by scripts/choose-dp-settings.ts) — next to the library's
 * default centralized training (`fitPipeline`: tuned family, as `hearth train` ships), on the same
 * split and the same evaluated users.
 */
async function run(ctx: BenchContext): Promise<BenchResults> {
  const out: BenchResults = {};
  const started = performance.now();
  for (const users of DP_CURVE_USERS) {
    const key = `federated.dpByUsers.n${users}`;
    const t0 = performance.now();
    const pop = generateDpPopulation({ shoppers: users, seed: DEFAULT_DEMO_SEED });
    const { train } = pop.split;
    const central = await fitPipeline({ train, seed: DP_SPLIT_SEED });
    out[`${key}.centralizedNdcg10`] = ndcg10(
      evaluateScorer(central.scorer, pop.evalSplit, { ks: [10], auc: false }),
    );
    out[`${key}.centralizedFamily`] = central.choice.family;
    ctx.log(
      `DP by users: N ${users}, centralized (${central.choice.family}) NDCG@10 ${(out[`${key}.centralizedNdcg10`] as number).toFixed(4)}`,
    );
    for (const epsilon of DP_CURVE_EPSILONS) {
      const settings = cooccurrenceSettingsFor({ users, epsilon, numItems: train.cols });
      const value = releaseNdcg(pop, epsilon, settings);
      out[`${key}.eps${epsilon}.ndcg10`] = value.served;
      out[`${key}.eps${epsilon}.releaseOnlyNdcg10`] = value.releaseOnly;
      ctx.log(
        `DP by users: N ${users}, ε ${epsilon}: NDCG@10 ${value.served.toFixed(4)} served, ${value.releaseOnly.toFixed(4)} release alone (m ${settings.headSize}, k ${settings.factors}, μ ${settings.shrinkage}, z_pop/z_pairs ${settings.popularityNoiseRatio})`,
      );
      const secure = cooccurrenceSettingsFor({
        users,
        epsilon,
        numItems: train.cols,
        maxHead: MAX_SECURE_DEFAULT_HEAD,
      });
      if (epsilon === DP_CURVE_EPSILONS.at(-1) && secure.headSize < settings.headSize) {
        // Secure rounds carry 32-bit values, so the same pair budget holds a smaller head.
        const secureScores = releaseNdcg(pop, epsilon, secure);
        out[`${key}.eps${epsilon}.secureNdcg10`] = secureScores.served;
        out[`${key}.eps${epsilon}.secureReleaseOnlyNdcg10`] = secureScores.releaseOnly;
      }
      if (users === DP_CURVE_USERS[0] && epsilon === DP_CURVE_EPSILONS.at(-1)) {
        out[`${key}.eps${epsilon}.deviceSimNdcg10`] = deviceSimulation(pop, epsilon);
      }
    }
    if (users === DP_CURVE_BAR.minUsers) await headCeilings(pop.split, pop.evalSplit, key, out);
    out[`${key}.ms`] = Math.round(performance.now() - t0);
  }
  out['federated.dpByUsers.delta'] = dpDelta(DP_CURVE_USERS[0]);
  out['federated.dpByUsers.ms'] = Math.round(performance.now() - started);
  return out;
}

/** Bench section: the DP curve by population size (generated shoppers, ε = 1, 4, 8). */
export const section: BenchSection = { title: 'DP by population size', run };
