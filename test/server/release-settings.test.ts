import { describe, expect, it } from 'vitest';
import {
  cooccurrenceSettingsFor,
  MAX_DEFAULT_HEAD,
  POPULARITY_NOISE_RATIO,
} from '../../src/federated/private-cooccurrence';
import { releaseSettingsOf } from '../../src/server/rounds/release-settings';
import { DEFAULT_SERVER_CONFIG, type ServerConfig } from '../../src/server/server-config';

const config = (over: Partial<ServerConfig>): ServerConfig => ({
  ...DEFAULT_SERVER_CONFIG,
  token: 't',
  training: 'cooccurrence',
  ...over,
});

describe('releaseSettingsOf (co-occurrence release on the server)', () => {
  it('with noise follows the DP settings rule for minCohort clients, capped by the upload and the model width', () => {
    const c = config({ noiseMultiplier: 0.6, aggregator: 'mean', minCohort: 10_000 });
    const s = releaseSettingsOf(c, 2400, 300, 64);
    const rule = cooccurrenceSettingsFor({ users: 10_000, epsilon: 8, numItems: 2400 });
    expect(s.headSize).toBe(Math.min(rule.headSize, 300));
    expect(s.rank).toBe(Math.min(rule.factors, 64));
    expect(s.shrinkage).toBe(rule.shrinkage);
    expect(s.popularityNoiseRatio).toBe(rule.popularityNoiseRatio);
  });

  it('flags win over the rule', () => {
    const c = config({ noiseMultiplier: 1, aggregator: 'mean', headSize: 40, cooccurrenceRank: 5 });
    const s = releaseSettingsOf(c, 2400, 300, 64);
    expect(s.headSize).toBe(40);
    expect(s.rank).toBe(5);
  });

  it('without noise uses the largest head the upload allows and the full width', () => {
    const s = releaseSettingsOf(config({}), 2400, 280, 32);
    expect(s.headSize).toBe(Math.min(MAX_DEFAULT_HEAD, 280));
    expect(s.rank).toBe(32);
    expect(s.popularityNoiseRatio).toBe(POPULARITY_NOISE_RATIO);
    expect(s.shrinkage).toBeUndefined();
  });
});
