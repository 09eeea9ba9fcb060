import { useEffect, useMemo, useReducer, useRef, type MouseEvent, type ReactNode } from 'react';
import { DataPage } from './data-panel/data-page';
import { ExperimentsPage } from './experiments-panel/experiments-page';
import { PAGE_TITLE_ID, PageTitle } from './page-title';
import { PrivacyPage } from './privacy-panel/privacy-page';
import { routeHref, type Route } from './router/route';
import { useRoute } from './router/use-route';
import { useAsync } from './runtime/use-async';
import { AppServicesContext, type AppServices } from './runtime/use-hearth';
import { SiteHeader } from './site-header';
import { ActivityStrip } from './storefront/activity-strip';
import { CartPage } from './storefront/cart-page';
import { CategoryNav } from './storefront/category-nav';
import { CategoryPage } from './storefront/category-page';
import { HomePage } from './storefront/home-page';
import { ProductPage } from './storefront/product-page';
import { ActivityContext, useActivity } from './storefront/use-activity';
import { CartContext, cartReducer } from './storefront/use-cart';
import { CatalogContext, loadDemoCatalog, type Catalog } from './storefront/use-catalog';
import { TrainingPage } from './training-panel/training-page';

const SHOP_PAGES: readonly Route['page'][] = ['home', 'category', 'product', 'cart'];

function Page({ route }: { readonly route: Route }): ReactNode {
  switch (route.page) {
    case 'home':
      return <HomePage />;
    case 'category':
      return <CategoryPage path={route.path} />;
    case 'product':
      return <ProductPage id={route.id} />;
    case 'cart':
      return <CartPage />;
    case 'train':
      return <TrainingPage />;
    case 'data':
      return <DataPage />;
    case 'privacy':
      return <PrivacyPage />;
    case 'experiments':
      return <ExperimentsPage />;
    case 'not-found':
      return (
        <>
          <PageTitle>Page not found</PageTitle>
          <p>
            Nothing lives at “{route.hash}”. <a href="#/">Go to the shop</a>.
          </p>
        </>
      );
  }
}

/** Moves focus to the new page's heading and scrolls up after every navigation (not on load). */
function useFocusOnNavigate(key: string): void {
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    window.scrollTo({ top: 0 });
    document.getElementById(PAGE_TITLE_ID)?.focus({ preventScroll: true });
  }, [key]);
}

function Shell({ catalog, route }: { readonly catalog: Catalog; readonly route: Route }) {
  const shop = SHOP_PAGES.includes(route.page);
  const current =
    route.page === 'category'
      ? route.path
      : route.page === 'product'
        ? (catalog.byId.get(route.id)?.category ?? [])
        : [];
  return (
    <div className={shop ? 'layout layout--shop' : 'layout'}>
      <main id="main" className="layout__main" tabIndex={-1}>
        <Page route={route} />
      </main>
      {shop ? (
        // After main in the document (content first for keyboard and small screens), shown on the
        // left on wide screens.
        <aside className="layout__aside" aria-label="Departments and your activity">
          <CategoryNav tree={catalog.tree} current={current} />
          <ActivityStrip />
        </aside>
      ) : null}
    </div>
  );
}

/** The demo app: storefront, training, bring-your-own-data, privacy and experiments pages. */
export function App({ services }: { readonly services: AppServices }) {
  const [lines, dispatch] = useReducer(cartReducer, []);
  const cart = useMemo(() => ({ lines, dispatch }), [lines]);
  const route = useRoute();
  const catalog = useAsync(() => loadDemoCatalog(), []);
  const activity = useActivity(services.storefront);
  useFocusOnNavigate(routeHref(route));
  return (
    <AppServicesContext.Provider value={services}>
      <CartContext.Provider value={cart}>
        <ActivityContext.Provider value={activity}>
          <CatalogContext.Provider value={catalog.value ?? null}>
            <a className="skip-link" href="#main" onClick={skipToMain}>
              Skip to content
            </a>
            <SiteHeader route={route} />
            {catalog.value ? (
              <Shell catalog={catalog.value} route={route} />
            ) : (
              <main id="main" className="layout__main" tabIndex={-1}>
                {catalog.error !== null ? (
                  <div className="error" role="alert">
                    <PageTitle>The shop could not load</PageTitle>
                    <p>{catalog.error}</p>
                  </div>
                ) : (
                  <p role="status">Loading the shop…</p>
                )}
              </main>
            )}
            <footer className="site-footer">
              <p>
                Hearth: private, on-device recommendations. Demo data is generated; no tracking, no
                cookies, nothing uploaded unless you opt in to federated learning.{' '}
                <a href="#/privacy">Privacy on this device</a>
              </p>
            </footer>
          </CatalogContext.Provider>
        </ActivityContext.Provider>
      </CartContext.Provider>
    </AppServicesContext.Provider>
  );
}

/** The skip link targets an element, not a route: keep the hash router's URL. */
function skipToMain(event: MouseEvent): void {
  event.preventDefault();
  document.getElementById('main')?.focus();
}
