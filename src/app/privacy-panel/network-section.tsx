import { formatBytes, formatCount } from '../format';
import { useAppServices, useNetworkMeter } from '../runtime/use-hearth';

/** What has left the device: bytes of request bodies counted by the page's fetch wrapper. */
export function NetworkSection() {
  const { meter } = useAppServices();
  const sent = useNetworkMeter(meter);
  return (
    <section className="panel" aria-labelledby="network-title">
      <h2 id="network-title">What has left this device</h2>
      <p className="big-number">
        <span data-testid="bytes-sent">{formatBytes(sent.bytesSent)}</span> sent
        {sent.requests > 0 ? ` in ${formatCount(sent.requests)} requests` : ''}
      </p>
      <p>
        This page wraps <code>fetch</code> and adds up the body of every request sent to another
        site or to a <code>/v1/</code> endpoint — where federated learning would upload model
        updates. Federated learning is <strong>off</strong> and Hearth has no such endpoint yet, so
        this stays at 0: the only requests are downloads of the shop's public files (catalog,
        images, the global model), which send nothing about you.
      </p>
    </section>
  );
}
