import type { ComputeCapabilities } from '../../core/compute/capabilities';
import { PATH_LABELS, PATH_OPTIONS, pathAvailability } from './compute-paths';

/** What this browser offers for training, per compute path. */
export function CapabilitiesView({ caps }: { readonly caps: ComputeCapabilities }) {
  return (
    <dl className="caps">
      {PATH_OPTIONS.map((path) => (
        <div key={path} className="caps__row">
          <dt>{PATH_LABELS[path]}</dt>
          <dd>{pathAvailability(path, caps)}</dd>
        </div>
      ))}
      <div className="caps__row">
        <dt>Cross-origin isolated</dt>
        <dd>{caps.crossOriginIsolated ? 'yes' : 'no (WASM threads off)'}</dd>
      </div>
    </dl>
  );
}
