import { formatCount } from '../format';
import { PageTitle } from '../page-title';
import { categoryHref, routeHref } from '../router/route';
import {
  useNetworkMeter,
  useRuntimeState,
  useStorefront,
  useAppServices,
} from '../runtime/use-hearth';
import { dataFlowText } from './data-flow-text';
import { StorefrontRow } from './storefront-row';
import { useCatalog } from './use-catalog';

/** Rows on the home page. */
export const HOME_ROW_SIZE = 12;

/** The shop's front page: personal and trending rows, then the departments. */
export function HomePage() {
  const catalog = useCatalog();
  const { federated } = useRuntimeState(useStorefront().runtime);
  const page = useNetworkMeter(useAppServices().meter);
  const flow = dataFlowText({ federated, pageBytesSent: page.bytesSent });
  return (
    <>
      <PageTitle>Hearth demo store</PageTitle>
      <p className="lede">
        A shop whose recommendations learn from you <strong>inside this browser</strong>: your
        clicks are stored on this device, folded into a model here, and the rows below change after
        each one.{' '}
        <span data-testid="data-flow">
          {flow.text}
          {flow.sent ? (
            <>
              {' '}
              <a href={routeHref({ page: 'privacy' })}>What left, and why</a>.
            </>
          ) : null}
        </span>
      </p>
      <StorefrontRow
        title="Recommended for you"
        request={{ type: 'for-you', history: [], k: HOME_ROW_SIZE, filters: { inStockOnly: true } }}
      />
      <StorefrontRow
        title="Trending now"
        request={{ type: 'trending', k: HOME_ROW_SIZE, filters: { inStockOnly: true } }}
      />
      <section aria-labelledby="departments-title">
        <h2 id="departments-title">Shop by department</h2>
        <ul className="departments">
          {catalog.tree.children.map((department) => (
            <li key={department.name}>
              <a className="department" href={categoryHref(department.path)}>
                <span className="department__name">{department.name}</span>
                <span className="department__count">{formatCount(department.count)} products</span>
              </a>
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}
