/**
 * Command-line flags of `hearth-server` and their translation into a {@link ServerConfig}.
 */
import { readFile } from 'node:fs/promises';
import type { parseArgs } from 'node:util';
import { decodeBundle } from '../core/bundle/bundle-file';
import { OptionError } from '../core/errors';
import type { MfModel } from '../core/models/mf/mf-model';
import { createInitialModel, decodeFederatedModel } from '../federated/federated-model';
import { resolveServerConfig, type Aggregator, type ServerConfig } from './server-config';

/** Usage text of `hearth-server`. */
export const USAGE = `Usage: hearth-recs server --data-dir DIR [--token T | env HEARTH_FEDERATED_TOKEN]
       hearth-recs server --recover --data-dir DIR   (salvage a damaged round log; see docs/server-durability.md)
  [--port 8787] [--host 127.0.0.1]
  initial model (first start only): --model FILE (federated model or model bundle) | --items N [--factors 64] [--seed 42]
  rounds: [--aggregation plain|secure] [--aggregator trimmed-mean|mean] [--trim 0.2]
          [--min-cohort 100] [--max-cohort 1000] [--round-seconds 600] [--upload-budget 100000]
          [--pair-upload-budget 1000000]
          [--learning-rate 1] [--ridge 0] [--max-row-move 1] [--row-seed 1]
          (default aggregator: trimmed-mean; mean with --noise-multiplier > 0)
  secure:  [--masking-degree 128] [--secure-threshold 0.5]
  training: [--training rounds|cooccurrence] [--head N] [--rank N]
          (default head and rank: the DP settings rule for --min-cohort clients and the ε of
          --noise-multiplier; without noise the largest head the upload allows, full rank)
  privacy: [--noise-multiplier 0] [--delta 1e-5] [--sampling-rate 1] [--epsilon-budget E]
  limits:  [--rate 1] [--burst 10]   (requests per second and burst per client address)
  joins:   [--join-difficulty 18] (proof-of-work bits per join; 0 = none)
           [--joins-per-address 8] (seats per address (IPv6: /56) per round; 0 = no limit)
           [--join-issuance 4] (tickets per round, × max-cohort; 0 = no limit)
  edge:    [--trusted-proxy CIDR,...] (peers whose X-Forwarded-For names the client)
           [--connections-per-address 32] [--max-connections 10000]
           [--headers-timeout 10] [--request-timeout 60] [--keep-alive-timeout 5] (seconds)
           [--min-body-rate 2048] (bytes per second a body must arrive at after 5 s)
  experiments: [--experiments FILE] (definitions served at /v1/experiments; reports summed in DIR/experiments)
           [--experiment-retention 30] (days a period's report ids are remembered; older periods are refused)`;

/** `node:util` parseArgs options of `hearth-server`. */
export const SERVER_FLAGS = {
  'data-dir': { type: 'string' },
  token: { type: 'string' },
  port: { type: 'string', default: '8787' },
  host: { type: 'string', default: '127.0.0.1' },
  model: { type: 'string' },
  items: { type: 'string' },
  factors: { type: 'string' },
  seed: { type: 'string', default: '42' },
  aggregation: { type: 'string' },
  aggregator: { type: 'string' },
  trim: { type: 'string' },
  'min-cohort': { type: 'string' },
  'max-cohort': { type: 'string' },
  'round-seconds': { type: 'string' },
  'upload-budget': { type: 'string' },
  'pair-upload-budget': { type: 'string' },
  'learning-rate': { type: 'string' },
  ridge: { type: 'string' },
  'max-row-move': { type: 'string' },
  'row-seed': { type: 'string' },
  'masking-degree': { type: 'string' },
  'secure-threshold': { type: 'string' },
  'noise-multiplier': { type: 'string' },
  delta: { type: 'string' },
  'sampling-rate': { type: 'string' },
  'epsilon-budget': { type: 'string' },
  training: { type: 'string' },
  head: { type: 'string' },
  rank: { type: 'string' },
  rate: { type: 'string' },
  burst: { type: 'string' },
  'join-difficulty': { type: 'string' },
  'joins-per-address': { type: 'string' },
  'join-issuance': { type: 'string' },
  'trusted-proxy': { type: 'string', multiple: true },
  'connections-per-address': { type: 'string' },
  'max-connections': { type: 'string' },
  'headers-timeout': { type: 'string' },
  'request-timeout': { type: 'string' },
  'keep-alive-timeout': { type: 'string' },
  'min-body-rate': { type: 'string' },
  experiments: { type: 'string' },
  'experiment-retention': { type: 'string' },
  recover: { type: 'boolean' },
  help: { type: 'boolean' },
} as const;

/** Parsed flag values. */
export type ServerFlagValues = ReturnType<
  typeof parseArgs<{ options: typeof SERVER_FLAGS }>
>['values'];

function num(values: ServerFlagValues, key: keyof ServerFlagValues): number | undefined {
  const raw = values[key];
  if (raw === undefined || typeof raw !== 'string') return undefined;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n))
    throw new OptionError(`--${key} needs a number (got "${raw}").`);
  return n;
}

/** Builds the server config from parsed flags and the environment. */
export function configFromFlags(values: ServerFlagValues, env: NodeJS.ProcessEnv): ServerConfig {
  const token = values.token ?? env['HEARTH_FEDERATED_TOKEN'];
  if (!token)
    throw new OptionError('Set the deployment token with --token or HEARTH_FEDERATED_TOKEN.');
  const partial: Partial<ServerConfig> & { token: string } = { token };
  const set = <K extends keyof ServerConfig>(key: K, value: ServerConfig[K] | undefined): void => {
    if (value !== undefined) (partial as Record<string, unknown>)[key] = value;
  };
  if (values.aggregation !== undefined) {
    if (values.aggregation !== 'plain' && values.aggregation !== 'secure') {
      throw new OptionError(`--aggregation must be plain or secure (got "${values.aggregation}").`);
    }
    set('aggregation', values.aggregation);
  }
  set('aggregator', values.aggregator as Aggregator | undefined);
  set('trimFraction', num(values, 'trim'));
  set('minCohort', num(values, 'min-cohort'));
  set('maxCohort', num(values, 'max-cohort'));
  const seconds = num(values, 'round-seconds');
  set('roundDurationMs', seconds === undefined ? undefined : seconds * 1000);
  set('uploadBudget', num(values, 'upload-budget'));
  set('pairUploadBudget', num(values, 'pair-upload-budget'));
  set('learningRate', num(values, 'learning-rate'));
  set('ridge', num(values, 'ridge'));
  set('maxRowMove', num(values, 'max-row-move'));
  set('rowSeed', num(values, 'row-seed'));
  set('maskingDegree', num(values, 'masking-degree'));
  set('secureThreshold', num(values, 'secure-threshold'));
  set('noiseMultiplier', num(values, 'noise-multiplier'));
  set('delta', num(values, 'delta'));
  set('samplingRate', num(values, 'sampling-rate'));
  set('epsilonBudget', num(values, 'epsilon-budget'));
  if (values.training !== undefined) {
    if (values.training !== 'rounds' && values.training !== 'cooccurrence') {
      throw new OptionError(
        `--training must be rounds or cooccurrence (got "${values.training}").`,
      );
    }
    set('training', values.training);
  }
  set('headSize', num(values, 'head'));
  set('cooccurrenceRank', num(values, 'rank'));
  const rate = num(values, 'rate');
  const burst = num(values, 'burst');
  if (rate !== undefined || burst !== undefined)
    set('rateLimit', { perSecond: rate ?? 1, burst: burst ?? 10 });
  setEdgeFlags(values, set);
  return resolveServerConfig(partial);
}

/** Join admission and connection flags (timeouts in seconds on the command line). */
function setEdgeFlags(
  values: ServerFlagValues,
  set: <K extends keyof ServerConfig>(key: K, value: ServerConfig[K] | undefined) => void,
): void {
  const ms = (key: keyof ServerFlagValues): number | undefined => {
    const seconds = num(values, key);
    return seconds === undefined ? undefined : Math.round(seconds * 1000);
  };
  set('joinDifficulty', num(values, 'join-difficulty'));
  set('joinsPerAddress', num(values, 'joins-per-address'));
  set('joinIssuanceFactor', num(values, 'join-issuance'));
  const proxies = values['trusted-proxy'];
  if (proxies !== undefined) {
    set(
      'trustedProxies',
      proxies.flatMap((p) => p.split(',')).filter((p) => p.trim() !== ''),
    );
  }
  set('connectionsPerAddress', num(values, 'connections-per-address'));
  set('maxConnections', num(values, 'max-connections'));
  set('headersTimeoutMs', ms('headers-timeout'));
  set('requestTimeoutMs', ms('request-timeout'));
  set('keepAliveTimeoutMs', ms('keep-alive-timeout'));
  set('minBodyBytesPerSecond', num(values, 'min-body-rate'));
}

/** The model to start from when the data directory is empty (`--model` or `--items`). */
export async function initialModelFromFlags(
  values: ServerFlagValues,
): Promise<MfModel | undefined> {
  if (values.model) {
    const bytes = new Uint8Array(await readFile(values.model));
    try {
      return decodeFederatedModel(bytes).model;
    } catch {
      return decodeBundle(bytes).mf;
    }
  }
  const items = num(values, 'items');
  if (items === undefined) return undefined;
  const factors = num(values, 'factors');
  return createInitialModel({
    numItems: items,
    seed: num(values, 'seed') ?? 42,
    ...(factors !== undefined ? { hyper: { factors } } : {}),
  });
}
