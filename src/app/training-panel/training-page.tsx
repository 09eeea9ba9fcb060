import { PageTitle } from '../page-title';
import { useStorefront } from '../runtime/use-hearth';
import { DemoEventsLoader } from './demo-events-loader';
import { ModelInfoCard } from './model-info-card';
import { TrainingPanel } from './training-panel';

/** The storefront's training page: current model, training data, and the training panel. */
export function TrainingPage() {
  const binding = useStorefront();
  return (
    <>
      <PageTitle>Train on this device</PageTitle>
      <p className="lede">
        The shop starts with a global model trained on the server from public demo data. Here the
        model is retrained in a Web Worker in this browser, on WebGPU, WebGL, WebAssembly or plain
        typed arrays, from the events stored on this device. The result replaces the model in every
        open tab of this shop.
      </p>
      <div className="two-columns">
        <ModelInfoCard binding={binding} />
        <DemoEventsLoader binding={binding} />
      </div>
      <TrainingPanel binding={binding} idPrefix="shop" />
    </>
  );
}
