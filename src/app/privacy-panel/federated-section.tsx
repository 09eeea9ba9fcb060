import { useState, type ReactNode } from 'react';
import type { FederatedStatus } from '../../worker';
import { formatBytes, formatCount } from '../format';
import { messageOf } from '../runtime/hearth-runtime';
import { useRuntimeState, type HearthBinding } from '../runtime/use-hearth';
import { Facts as FactList, type Fact } from '../facts-list';
import { ConsentSwitch } from './consent-switch';
import {
  attemptText,
  budgetText,
  consentText,
  floorText,
  optOutText,
  refusalText,
} from './federated-text';
import { ErrorAlert } from '../error-alert';

/** What is uploaded and what never is, in the visitor's words (docs/privacy.md has the details). */
function WhatIsSent() {
  return (
    <>
      <p>
        With your consent, this device helps improve the shop's shared model without sending your
        history. After training here, or when you press “Contribute now”, it computes its share of
        the <em>item-side</em> statistics of the model for a set of products the server picks for
        the round (the same set for every device). Each part is clipped to a fixed bound, rounded
        and noised for differential privacy, then uploaded as one binary update whose size does not
        depend on what you did. This device first checks the round against its own privacy floor and
        budget (below) and sends nothing for a round that falls short. The server adds up the
        updates of several devices into a new global model, which every device downloads; your rows
        keep using your own history, here.
      </p>
      <div className="fl-lists">
        <div>
          <h3>Sent, only while switched on</h3>
          <ul>
            <li>one update per round: clipped, rounded and noised item statistics</li>
            <li>small control messages: the protocol version, a one-time round ticket</li>
            <li>the shop's deployment token, the same for every visitor</li>
          </ul>
        </div>
        <div>
          <h3>Never sent</h3>
          <ul>
            <li>your events: which products, when, and what you did with them</li>
            <li>your personal taste vector, computed on this device</li>
            <li>your recommendations, and any user id, device id or cookie</li>
          </ul>
        </div>
      </div>
      <p className="help">
        Like any web server, the aggregation server sees connection addresses and times. In plain
        (not secure-aggregation) rounds it can read each update, i.e. for which of the round's
        products your device has a signal — never the events themselves. The threat model and how
        the privacy guarantee is computed are in <code>docs/privacy.md</code> of the Hearth
        repository.
      </p>
    </>
  );
}

/** A definition list of facts, styled as the federated section's. */
const Facts = ({ facts }: { readonly facts: readonly Fact[] }) => (
  <FactList facts={facts} className="facts fl-facts" />
);

/** Live numbers of the participant in the Web Worker; traffic counters cover this page session. */
function FederatedNumbers({
  status,
  servingVersion,
}: {
  readonly status: FederatedStatus;
  /** Local version of the serving model when it is the federated one, else null. */
  readonly servingVersion: number | null;
}) {
  const facts: Fact[] = [
    { label: 'Requests to the server', value: formatCount(status.requests), id: 'fl-requests' },
    { label: 'Bytes sent', value: formatBytes(status.bytesSent), id: 'fl-bytes-sent' },
    { label: 'Bytes received', value: formatBytes(status.bytesReceived), id: 'fl-bytes-received' },
    { label: 'Updates acknowledged', value: formatCount(status.updatesSent), id: 'fl-updates' },
    {
      label: 'Uploads queued (offline)',
      value: formatCount(status.pendingUploads),
      id: 'fl-pending',
    },
    {
      label: 'Global model received',
      value:
        status.globalModelVersion === null ? (
          <span data-testid="fl-global-version">none yet</span>
        ) : (
          <>
            <span data-testid="fl-global-version">v{status.globalModelVersion}</span>
            {servingVersion !== null
              ? `, serving your rows as model v${servingVersion}`
              : status.globalModelVersion === 0
                ? ", the shop's starting model"
                : ''}
          </>
        ),
      id: 'fl-global',
    },
    { label: 'Last attempt', value: attemptText(status.lastAttempt), id: 'fl-last-attempt' },
  ];
  return (
    <>
      <Facts facts={facts} />
      <p className="help">
        Requests, bytes and updates count since this page was opened; the queue and the global model
        version are kept on this device.
      </p>
    </>
  );
}

/**
 * The device's own privacy accounting: the floor it holds the server to, ε spent against its
 * budget, and the rounds it refused. Kept in this browser's storage; "Erase everything" clears it.
 */
function PrivacyLedger({ privacy }: { readonly privacy: FederatedStatus['privacy'] }) {
  const facts: Fact[] = [
    { label: 'Privacy spent (ε)', value: budgetText(privacy), id: 'fl-epsilon' },
    {
      label: 'Rounds contributed',
      value: formatCount(privacy.roundsContributed),
      id: 'fl-rounds',
    },
    { label: 'This device requires', value: floorText(privacy.policy), id: 'fl-floor' },
  ];
  return (
    <>
      <Facts facts={facts} />
      {privacy.refused.length === 0 ? (
        <p className="help" data-testid="fl-refused">
          No round refused so far.
        </p>
      ) : (
        <>
          <p className="help">Rounds this device refused (newest last):</p>
          <ul data-testid="fl-refused">
            {privacy.refused.map((r) => (
              <li key={`${r.roundId}-${r.at}`}>{refusalText(r)}</li>
            ))}
          </ul>
        </>
      )}
      <p className="help">
        This device checks every round the server opens against its own minimums and computes the
        round's ε itself from the noise and clipping it is asked to use, not from what the server
        claims. It keeps the running total here, on this device, and stops contributing before the
        total would pass its budget. ε bounds what the published models reveal about whether you
        took part (smaller is more private).
      </p>
    </>
  );
}

/**
 * "Federated learning": the opt-in switch (off by default), what is sent, "Contribute now", and
 * the participant's live numbers. Without a configured server it says so instead of showing a
 * switch that could do nothing.
 */
export function FederatedSection({ binding }: { readonly binding: HearthBinding }) {
  const state = useRuntimeState(binding.runtime);
  const status = state.federated;
  const [busy, setBusy] = useState<'consent' | 'contribute' | null>(null);
  // The switch shows the requested position at once; the runtime's answer then confirms it.
  const [requested, setRequested] = useState<boolean | null>(null);
  const [outcome, setOutcome] = useState('');
  const [error, setError] = useState<string | null>(null);

  const changeConsent = async (granted: boolean): Promise<void> => {
    const queued = status?.pendingUploads ?? 0;
    setRequested(granted);
    setBusy('consent');
    setError(null);
    setOutcome('');
    try {
      await binding.runtime.setFederatedConsent(granted);
      setOutcome(
        granted
          ? 'Federated learning is on: this device contributes after training here and when you press “Contribute now”. Switch it off at any time.'
          : optOutText(queued),
      );
    } catch (e) {
      setError(`Could not switch federated learning ${granted ? 'on' : 'off'}: ${messageOf(e)}`);
    } finally {
      setRequested(null);
      setBusy(null);
    }
  };

  const contribute = async (): Promise<void> => {
    setBusy('contribute');
    setError(null);
    setOutcome('Contributing…');
    try {
      const after = await binding.runtime.participate();
      setOutcome(attemptText(after.lastAttempt));
    } catch (e) {
      setOutcome('');
      setError(`Contributing failed: ${messageOf(e)}`);
    } finally {
      setBusy(null);
    }
  };

  let body: ReactNode;
  if (state.federatedError !== null && status === null) {
    body = (
      <p className="error" role="alert">
        Could not read the federated-learning state: {state.federatedError}
      </p>
    );
  } else if (status === null) {
    body = <p>Reading the federated-learning state…</p>;
  } else if (!status.configured) {
    body = (
      <p data-testid="fl-unconfigured">
        <strong>Not available here:</strong> no federated-learning server is configured for this
        shop, so Hearth never contacts one and there is nothing to opt into.
      </p>
    );
  } else {
    const granted = requested ?? status.consent.granted;
    body = (
      <>
        <WhatIsSent />
        <ConsentSwitch
          checked={granted}
          disabled={busy === 'consent' || state.status !== 'ready'}
          onChange={(on) => void changeConsent(on)}
          describedBy="fl-consent-state"
          testId="fl-switch"
        >
          Contribute to the shop's shared model (federated learning)
        </ConsentSwitch>
        <p id="fl-consent-state" className="help" data-testid="fl-consent">
          {consentText(status.consent)}
        </p>
        <div className="actions">
          <button
            type="button"
            className="button"
            disabled={!granted || busy !== null || state.status !== 'ready'}
            aria-describedby={granted ? undefined : 'fl-contribute-help'}
            onClick={() => void contribute()}
          >
            Contribute now
          </button>
        </div>
        {granted ? null : (
          <p id="fl-contribute-help" className="help">
            Switch federated learning on to contribute.
          </p>
        )}
        <p role="status" className="fl-outcome" data-testid="fl-outcome">
          {outcome}
        </p>
        <ErrorAlert error={error} />
        <h3>This device's participation</h3>
        <FederatedNumbers
          status={status}
          servingVersion={state.modelOrigin === 'federated' ? state.modelVersion : null}
        />
        <h3>This device's privacy budget</h3>
        <PrivacyLedger privacy={status.privacy} />
      </>
    );
  }

  return (
    <section className="panel" aria-labelledby="federated-title" data-testid="federated">
      <h2 id="federated-title">Federated learning</h2>
      {body}
    </section>
  );
}
