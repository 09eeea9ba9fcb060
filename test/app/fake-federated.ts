import { DEFAULT_DEVICE_PRIVACY } from '../../src/federated/device-privacy-floor';
import { emptyLedgerSummary } from '../../src/federated/epsilon-ledger';
import type { FederatedStatus, Recommender } from '../../src/worker';

/** A status with no traffic, not consented; `patch` overrides fields. */
export function federatedStatus(patch: Partial<FederatedStatus> = {}): FederatedStatus {
  return {
    configured: true,
    consent: { granted: false, changedAt: null },
    requests: 0,
    bytesSent: 0,
    bytesReceived: 0,
    updatesSent: 0,
    pendingUploads: 0,
    globalModelVersion: null,
    lastAttempt: null,
    privacy: emptyLedgerSummary(DEFAULT_DEVICE_PRIVACY),
    ...patch,
  };
}

/** Scripted federated members of a fake {@link Recommender}, with what they were asked. */
export interface FakeFederated {
  /** Pass to `createFakeRecommender` as overrides. */
  readonly members: Pick<Recommender, 'federatedStatus' | 'setFederatedConsent' | 'participate'>;
  /** The status the members report now. */
  current(): FederatedStatus;
  /** Changes the status the members report (emit a `federated` event yourself if needed). */
  set(patch: Partial<FederatedStatus>): FederatedStatus;
  /** Arguments of `setFederatedConsent`, in order. */
  readonly consentCalls: boolean[];
  /** How often `participate` ran. */
  participateCalls(): number;
}

/**
 * Federated members behaving like the runtime's: consent persists with its time, opting out
 * empties the queue, participating without consent sends nothing. `participate` with consent
 * applies `onParticipate` (default: one acknowledged 1,000-byte update in two requests).
 */
export function createFakeFederated(
  o: {
    readonly initial?: Partial<FederatedStatus>;
    readonly onParticipate?: (status: FederatedStatus) => Partial<FederatedStatus>;
    readonly now?: () => number;
  } = {},
): FakeFederated {
  let status = federatedStatus(o.initial);
  const now = o.now ?? Date.now;
  const consentCalls: boolean[] = [];
  let participations = 0;
  const set = (patch: Partial<FederatedStatus>): FederatedStatus => {
    status = { ...status, ...patch };
    return status;
  };
  return {
    members: {
      federatedStatus: () => Promise.resolve(status),
      setFederatedConsent(granted) {
        consentCalls.push(granted);
        if (granted && !status.configured) {
          return Promise.reject(new Error('No federated server is configured.'));
        }
        return Promise.resolve(
          set({
            consent: { granted, changedAt: now() },
            ...(granted ? {} : { pendingUploads: 0 }),
          }),
        );
      },
      participate() {
        participations++;
        if (!status.consent.granted) {
          return Promise.resolve(set({ lastAttempt: { status: 'no-consent', at: now() } }));
        }
        const patch = o.onParticipate?.(status) ?? {
          requests: status.requests + 2,
          bytesSent: status.bytesSent + 1000,
          updatesSent: status.updatesSent + 1,
          lastAttempt: { status: 'contributed', at: now() },
        };
        return Promise.resolve(set(patch));
      },
    },
    current: () => status,
    set,
    consentCalls,
    participateCalls: () => participations,
  };
}
