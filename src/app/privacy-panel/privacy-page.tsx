import { useMemo } from 'react';
import { PageTitle } from '../page-title';
import { STOREFRONT_DB, WORKBENCH_DB } from '../runtime/demo-config';
import { useAsync } from '../runtime/use-async';
import { useAppServices, useRuntimeState } from '../runtime/use-hearth';
import { useCart } from '../storefront/use-cart';
import { EraseSection } from './erase-section';
import { ExperimentsSection } from './experiments-section';
import { ExportSection } from './export-section';
import { FederatedSection } from './federated-section';
import { NetworkSection } from './network-section';
import { OfflineSection } from './offline-section';
import { StorageSection } from './storage-section';

/** Whether the "your data" workspace database exists (it is created only when used). */
async function workbenchExists(): Promise<boolean> {
  if (typeof indexedDB.databases !== 'function') return true;
  return (await indexedDB.databases()).some((db) => db.name === WORKBENCH_DB);
}

/** What is stored, what has left the device, federated learning, export and erase. */
export function PrivacyPage() {
  const services = useAppServices();
  const cart = useCart();
  const hasWorkbench = useAsync(workbenchExists, []);
  const shop = useRuntimeState(services.storefront.runtime);
  const databases = useMemo(() => {
    const list = [{ label: 'Shop data', dbName: STOREFRONT_DB, binding: services.storefront }];
    if (hasWorkbench.value === true) {
      list.push({
        label: 'Your data workspace',
        dbName: WORKBENCH_DB,
        binding: services.workbench(),
      });
    }
    return list;
  }, [services, hasWorkbench.value]);

  const onErased = (): void => cart.dispatch({ type: 'clear' });

  return (
    <>
      <PageTitle>Privacy: your data stays here</PageTitle>
      <p className="lede">
        Hearth keeps your events and the models trained on them in this browser's IndexedDB.
        Training and recommending run here, in a Web Worker. Your cart is kept in memory only.
      </p>
      <StorageSection databases={databases} />
      <NetworkSection federated={shop.federated} />
      <FederatedSection binding={services.storefront} />
      <ExperimentsSection binding={services.storefront} />
      {services.offline ? <OfflineSection offline={services.offline} /> : null}
      <ExportSection databases={databases} />
      <EraseSection databases={databases} onErased={onErased} />
    </>
  );
}
