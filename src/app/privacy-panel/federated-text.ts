import type { FederatedAttempt, FederatedStatus } from '../../worker';
import { formatCount, formatTime } from '../format';
import type { NetworkMeterSnapshot } from '../runtime/network-meter';

/** `1 contribution`, `2 contributions`. */
export function countOf(n: number, one: string, many: string): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** The visitor's opt-in as a sentence: on/off and since when. */
export function consentText(consent: FederatedStatus['consent'], now: number = Date.now()): string {
  if (consent.changedAt === null) {
    return 'Off: you have not opted in (it starts off).';
  }
  const since = formatTime(consent.changedAt, now);
  return consent.granted ? `On since ${since}.` : `Off since ${since}.`;
}

const ATTEMPT_LABELS: Record<FederatedAttempt['status'], string> = {
  contributed: 'Contributed: the server acknowledged the update',
  queued: 'Queued: the update waits on this device and is retried later',
  'no-consent': 'Nothing sent: you have not opted in',
  empty: 'Nothing sent: there are no events on this device yet',
  refused: 'Refused by this device: the round did not meet its privacy floor; nothing was sent',
  failed: 'Failed: nothing was accepted',
};

/** What the last contribution attempt did, when, and why it was queued or failed. */
export function attemptText(attempt: FederatedAttempt | null, now: number = Date.now()): string {
  if (attempt === null) return 'None yet.';
  const why =
    attempt.message !== undefined && attempt.message !== '' ? ` — ${attempt.message}` : '';
  return `${ATTEMPT_LABELS[attempt.status]} (${formatTime(attempt.at, now)})${why}`;
}

/** What opting out did: nothing more is sent, and the queued contributions are gone. */
export function optOutText(dropped: number): string {
  const queue =
    dropped === 0
      ? 'No contribution was waiting in the queue.'
      : `${countOf(dropped, 'queued contribution was', 'queued contributions were')} dropped.`;
  return `Federated learning is off: this device sends nothing more to the server. ${queue}`;
}

/** Bytes and requests that left the device: the page's own fetches plus the worker's federated traffic. */
export interface TrafficTotal {
  /** Request-body bytes of both. */
  readonly bytesSent: number;
  /** Page requests with a body (the meter counts only those) plus every federated request. */
  readonly requests: number;
}

/**
 * Adds the page's metered fetches and the worker's federated traffic. They never overlap: the
 * meter wraps the page's `fetch`, while federated requests leave from the Web Worker's own `fetch`
 * and are counted by its participant.
 */
export function trafficTotal(
  page: NetworkMeterSnapshot,
  federated: FederatedStatus | null,
): TrafficTotal {
  return {
    bytesSent: page.bytesSent + (federated?.bytesSent ?? 0),
    requests: page.requests + (federated?.requests ?? 0),
  };
}

/** An ε value as the privacy page shows it: two decimals, "unbounded" for ∞. */
export function epsilonText(epsilon: number): string {
  return Number.isFinite(epsilon) ? epsilon.toFixed(2) : 'unbounded';
}

/** ε spent against the device's budget, e.g. `4.38 of 16 (δ = 1e-5)`, plus what is left. */
export function budgetText(privacy: FederatedStatus['privacy']): string {
  const { epsilonSpent: spent, epsilonBudget: budget, delta } = privacy;
  if (!Number.isFinite(spent)) {
    return `Unknown: this device's ledger is unreadable, so it contributes no more (erase this site's data to start a new one). Budget ${epsilonText(budget)}.`;
  }
  const left = Math.max(0, budget - spent);
  return `ε = ${epsilonText(spent)} of ${epsilonText(budget)} (δ = ${delta}); ${epsilonText(left)} left.`;
}

/** The floor this device holds the server to, in one sentence. */
export function floorText(policy: FederatedStatus['privacy']['policy']): string {
  const secure = policy.requireSecureAggregation ? ', secure aggregation only' : '';
  return `Noise multiplier at least ${policy.minNoiseMultiplier}, ε at most ${epsilonText(policy.maxEpsilonPerRound)} per round and ${epsilonText(policy.maxEpsilonTotal)} in total${secure}.`;
}

/** A refused round as a line: when, which round, why. */
export function refusalText(
  refusal: FederatedStatus['privacy']['refused'][number],
  now: number = Date.now(),
): string {
  return `${formatTime(refusal.at, now)}: ${refusal.message}`;
}
