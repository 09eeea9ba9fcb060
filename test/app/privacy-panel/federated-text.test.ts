import { describe, expect, it } from 'vitest';
import {
  attemptText,
  consentText,
  countOf,
  optOutText,
  trafficTotal,
} from '../../../src/app/privacy-panel/federated-text';
import { formatTime } from '../../../src/app/format';
import { federatedStatus } from '../fake-federated';

const NOW = Date.UTC(2025, 4, 6, 12, 0, 0);
const EARLIER = NOW - 60_000;

describe('federated privacy texts', () => {
  it('says whether the visitor opted in, and since when', () => {
    expect(consentText({ granted: false, changedAt: null }, NOW)).toBe(
      'Off: you have not opted in (it starts off).',
    );
    expect(consentText({ granted: true, changedAt: EARLIER }, NOW)).toBe(
      `On since ${formatTime(EARLIER, NOW)}.`,
    );
    expect(consentText({ granted: false, changedAt: EARLIER }, NOW)).toBe(
      `Off since ${formatTime(EARLIER, NOW)}.`,
    );
  });

  it('describes each outcome of the last attempt with its time and reason', () => {
    expect(attemptText(null, NOW)).toBe('None yet.');
    const at = formatTime(EARLIER, NOW);
    expect(attemptText({ status: 'contributed', at: EARLIER }, NOW)).toBe(
      `Contributed: the server acknowledged the update (${at})`,
    );
    expect(
      attemptText({ status: 'queued', at: EARLIER, message: 'The server is unreachable.' }, NOW),
    ).toBe(
      `Queued: the update waits on this device and is retried later (${at}) — The server is unreachable.`,
    );
    expect(attemptText({ status: 'failed', at: EARLIER, message: '' }, NOW)).toBe(
      `Failed: nothing was accepted (${at})`,
    );
    expect(attemptText({ status: 'no-consent', at: EARLIER }, NOW)).toContain('not opted in');
    expect(attemptText({ status: 'empty', at: EARLIER }, NOW)).toContain('no events');
  });

  it('says how many queued contributions an opt-out dropped', () => {
    expect(optOutText(0)).toBe(
      'Federated learning is off: this device sends nothing more to the server. No contribution was waiting in the queue.',
    );
    expect(optOutText(1)).toContain('1 queued contribution was dropped.');
    expect(optOutText(1200)).toContain('1,200 queued contributions were dropped.');
    expect(countOf(2, 'request', 'requests')).toBe('2 requests');
  });

  it('adds the page’s uploads and the worker’s federated traffic', () => {
    expect(trafficTotal({ bytesSent: 10, requests: 1 }, null)).toEqual({
      bytesSent: 10,
      requests: 1,
    });
    expect(
      trafficTotal(
        { bytesSent: 10, requests: 1 },
        federatedStatus({ bytesSent: 500, requests: 3 }),
      ),
    ).toEqual({ bytesSent: 510, requests: 4 });
  });
});
