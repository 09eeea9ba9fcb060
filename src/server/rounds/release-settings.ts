/**
 * The co-occurrence release's settings on the server: what the operator fixed (`--head`,
 * `--rank`), else the DP settings rule chosen on generated tuning populations
 * (`cooccurrenceSettingsFor`), so a deployment ships what the bench measures.
 */
import { createPrivacyAccountant } from '../../federated/privacy-accountant';
import {
  cooccurrenceSettingsFor,
  MAX_DEFAULT_HEAD,
  POPULARITY_NOISE_RATIO,
} from '../../federated/private-cooccurrence';
import type { ServerConfig } from '../server-config';

/** What one co-occurrence release (popularity round + pair round) uses. */
export interface ReleaseSettings {
  readonly headSize: number;
  readonly rank: number;
  /** Spectral shrinkage of the pair matrix (absent: the library default). */
  readonly shrinkage?: number;
  /** z_popularity / z_pairs. */
  readonly popularityNoiseRatio: number;
}

/**
 * The settings of a release over `numItems` items whose pair upload allows at most `headLimit`
 * head items, into a model `width` factors wide. With noise, the rule is looked up for
 * `minCohort` clients (the population the noise is calibrated for) and the total ε of both
 * releases at the default noise split; without noise, the largest head the upload allows and the
 * model's width.
 */
export function releaseSettingsOf(
  config: ServerConfig,
  numItems: number,
  headLimit: number,
  width: number,
): ReleaseSettings {
  const rule =
    config.noiseMultiplier > 0
      ? cooccurrenceSettingsFor({
          users: config.minCohort,
          epsilon: releaseEpsilon(config.noiseMultiplier, config.delta),
          numItems,
          maxHead: headLimit,
        })
      : null;
  const headSize = Math.min(
    config.headSize ?? rule?.headSize ?? Math.min(MAX_DEFAULT_HEAD, numItems),
    headLimit,
  );
  return {
    headSize,
    rank: Math.min(config.cooccurrenceRank ?? rule?.factors ?? width, width),
    ...(rule ? { shrinkage: rule.shrinkage } : {}),
    popularityNoiseRatio: rule?.popularityNoiseRatio ?? POPULARITY_NOISE_RATIO,
  };
}

/** Total ε of a popularity and a pair release at pair noise multiplier `z` (default split). */
function releaseEpsilon(z: number, delta: number): number {
  const accountant = createPrivacyAccountant({ delta });
  accountant.addRounds({ noiseMultiplier: z, samplingRate: 1 });
  accountant.addRounds({ noiseMultiplier: POPULARITY_NOISE_RATIO * z, samplingRate: 1 });
  return accountant.epsilon();
}
