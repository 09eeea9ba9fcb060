/** The pages of the app, addressed by the URL hash (works on any static server). */
export type Route =
  | { readonly page: 'home' }
  | { readonly page: 'category'; readonly path: readonly string[] }
  | { readonly page: 'product'; readonly id: string }
  | { readonly page: 'cart' }
  | { readonly page: 'train' }
  | { readonly page: 'data' }
  | { readonly page: 'privacy' }
  | { readonly page: 'experiments' }
  | { readonly page: 'not-found'; readonly hash: string };

const SIMPLE_PAGES = ['cart', 'train', 'data', 'privacy', 'experiments'] as const;

function decode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

/** Reads a route from a location hash (`#/p/p0001`, `#/c/Garden/Parasols`, `#/train`, …). */
export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#\/?/, '');
  if (raw === '') return { page: 'home' };
  const segments = raw.split('/').map(decode);
  if (segments.some((s) => s === null || s === '')) return { page: 'not-found', hash };
  const [head, ...rest] = segments as string[];
  if (head === 'p' && rest.length === 1) return { page: 'product', id: rest[0]! };
  if (head === 'c' && rest.length >= 1) return { page: 'category', path: rest };
  if (rest.length === 0) {
    const simple = SIMPLE_PAGES.find((p) => p === head);
    if (simple !== undefined) return { page: simple };
  }
  return { page: 'not-found', hash };
}

/** The hash link of a route (the inverse of {@link parseRoute}). */
export function routeHref(route: Route): string {
  switch (route.page) {
    case 'home':
      return '#/';
    case 'category':
      return `#/c/${route.path.map(encodeURIComponent).join('/')}`;
    case 'product':
      return `#/p/${encodeURIComponent(route.id)}`;
    case 'not-found':
      return route.hash;
    default:
      return `#/${route.page}`;
  }
}

/** Link to a product page. */
export const productHref = (id: string): string => routeHref({ page: 'product', id });

/** Link to a category page. */
export const categoryHref = (path: readonly string[]): string =>
  routeHref({ page: 'category', path });
