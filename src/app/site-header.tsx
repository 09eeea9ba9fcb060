import type { Route } from './router/route';
import { useRuntimeState, useStorefront } from './runtime/use-hearth';
import type { ModelOrigin } from './runtime/hearth-runtime';
import { cartCount, useCart } from './storefront/use-cart';

const ORIGINS: Record<ModelOrigin, string> = {
  loaded: 'stored on this device',
  trained: 'trained on this device',
  'other-tab': 'trained in another tab',
  'fine-tuned': 'fine-tuned on this device',
  federated: "from the shop's federated model",
};

const SECTIONS = [
  { href: '#/', label: 'Shop', pages: ['home', 'category', 'product'] },
  { href: '#/train', label: 'Train', pages: ['train'] },
  { href: '#/data', label: 'Your data', pages: ['data'] },
  { href: '#/privacy', label: 'Privacy', pages: ['privacy'] },
  { href: '#/experiments', label: 'Experiments', pages: ['experiments'] },
] as const;

/** The runtime's state and its latest notices (announced politely). */
function RuntimeStatus() {
  const { runtime } = useStorefront();
  const state = useRuntimeState(runtime);
  const model =
    state.status === 'starting'
      ? 'Starting Hearth…'
      : state.status === 'error'
        ? `Hearth could not start: ${state.error}`
        : state.modelVersion === 0
          ? 'No model yet'
          : `Model v${state.modelVersion}${state.modelOrigin ? `, ${ORIGINS[state.modelOrigin]}` : ''}`;
  const latest = state.notices[state.notices.length - 1];
  return (
    <div className="runtime-status">
      <p data-testid="runtime-status" className={state.status === 'error' ? 'error' : undefined}>
        {model}
      </p>
      <p className="runtime-status__notice" role="status" data-testid="runtime-notice">
        {latest?.message ?? ''}
      </p>
    </div>
  );
}

/** Site header: name, main navigation with the cart, and the runtime status. */
export function SiteHeader({ route }: { readonly route: Route }) {
  const cart = useCart();
  const count = cartCount(cart.lines);
  return (
    <header className="site-header">
      <a className="brand" href="#/">
        <span aria-hidden="true" className="brand__mark">
          ◆
        </span>{' '}
        Hearth <span className="brand__sub">demo store</span>
      </a>
      <nav aria-label="Main" className="main-nav">
        <ul>
          {SECTIONS.map((section) => (
            <li key={section.href}>
              <a
                href={section.href}
                aria-current={
                  (section.pages as readonly string[]).includes(route.page) ? 'page' : undefined
                }
              >
                {section.label}
              </a>
            </li>
          ))}
          <li>
            <a href="#/cart" aria-current={route.page === 'cart' ? 'page' : undefined}>
              Cart <span className="cart-count">({count})</span>
              <span className="visually-hidden"> items</span>
            </a>
          </li>
        </ul>
      </nav>
      <RuntimeStatus />
    </header>
  );
}
