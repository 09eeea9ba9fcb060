import type { FederatedStatus } from '../../worker';
import { formatBytes, formatCount } from '../format';
import { useAppServices, useNetworkMeter } from '../runtime/use-hearth';
import { countOf, trafficTotal } from './federated-text';

/**
 * What has left the device: request bodies counted by the page's fetch wrapper, plus the
 * federated-learning traffic of the Web Worker (which that wrapper cannot see), as counted by the
 * worker's participant.
 */
export function NetworkSection({ federated }: { readonly federated: FederatedStatus | null }) {
  const { meter } = useAppServices();
  const page = useNetworkMeter(meter);
  const total = trafficTotal(page, federated);
  const note =
    federated === null
      ? ''
      : !federated.configured
        ? 'No server is configured for this shop, so the worker never sends anything.'
        : federated.consent.granted
          ? 'You opted in: see “Federated learning” below.'
          : 'You have not opted in, so the worker sends nothing.';
  return (
    <section className="panel" aria-labelledby="network-title">
      <h2 id="network-title">What has left this device</h2>
      <p className="big-number">
        <span data-testid="bytes-sent">{formatBytes(total.bytesSent)}</span> sent
        {total.requests > 0 ? ` in ${countOf(total.requests, 'request', 'requests')}` : ''}
      </p>
      <ul className="traffic">
        <li>
          From this page: <span data-testid="page-bytes-sent">{formatBytes(page.bytesSent)}</span>
          {page.requests > 0 ? ` in ${formatCount(page.requests)} uploads` : ''}, counted by a
          wrapper around the page's <code>fetch</code> that adds up the body of every request to
          another site or to a <code>/v1/</code> endpoint.
        </li>
        <li>
          Federated learning, from the Web Worker:{' '}
          <span data-testid="fl-total-bytes-sent">{formatBytes(federated?.bytesSent ?? 0)}</span>
          {federated !== null && federated.requests > 0
            ? ` in ${countOf(federated.requests, 'request', 'requests')} (${formatBytes(federated.bytesReceived)} received)`
            : ''}
          , counted by Hearth's federated participant, since the page's wrapper cannot see the
          worker's requests. {note}
        </li>
      </ul>
      <p className="help">
        Both count request bodies; every request also carries headers (its address, your browser's
        standard headers and, for federated learning, the shop's token). Everything else the shop
        loads — catalog, images, the global model — are downloads of public files, which send
        nothing about you.
      </p>
    </section>
  );
}
