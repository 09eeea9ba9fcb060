import type { FederatedStatus } from '../../worker';
import { formatBytes } from '../format';

/** What the home page may say about data leaving the device, from the real counters. */
export interface DataFlowText {
  /** The sentence (no claim at all while the worker has not reported its state yet). */
  readonly text: string;
  /** Whether anything left the device in this visit (the page links to the privacy page then). */
  readonly sent: boolean;
}

/**
 * The home page's statement about what leaves the device: "nothing" only while that is true —
 * the visitor has not opted in to federated learning and neither the page's metered fetches nor
 * the worker's federated traffic sent a byte in this visit. Never a fixed promise.
 */
export function dataFlowText(o: {
  /** The worker's federated state; null until it reported (then nothing is claimed). */
  readonly federated: FederatedStatus | null;
  /** Request-body bytes the page itself sent (its network meter). */
  readonly pageBytesSent: number;
}): DataFlowText {
  const { federated } = o;
  const bytes = o.pageBytesSent + (federated?.bytesSent ?? 0);
  const sent = bytes > 0;
  if (federated?.consent.granted === true) {
    return {
      text:
        'You opted in to federated learning: this device sends model updates (never your raw ' +
        `events) to the shop's server — ${formatBytes(bytes)} sent in this visit.`,
      sent,
    };
  }
  if (sent) {
    const optedOut = federated !== null && federated.consent.changedAt !== null;
    const off = optedOut ? '; you have opted out of federated learning since' : '';
    return { text: `${formatBytes(bytes)} left this device in this visit${off}.`, sent };
  }
  if (federated === null) return { text: '', sent };
  return { text: 'Nothing about you has been sent anywhere.', sent };
}
