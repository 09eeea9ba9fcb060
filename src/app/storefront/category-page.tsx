import { useMemo } from 'react';
import { PageTitle } from '../page-title';
import { categoryHref } from '../router/route';
import { Breadcrumbs } from './breadcrumbs';
import { CatalogGrid } from './catalog-grid';
import { findCategory, inCategory } from './category-tree';
import { StorefrontRow } from './storefront-row';
import { useCatalog } from './use-catalog';

/** A category: its subcategories, a personal row limited to it, and its products. */
export function CategoryPage({ path }: { readonly path: readonly string[] }) {
  const catalog = useCatalog();
  const node = findCategory(catalog.tree, path);
  const products = useMemo(
    () => catalog.products.filter((p) => inCategory(p, path)),
    [catalog, path],
  );
  if (node === null) {
    return (
      <>
        <PageTitle>Category not found</PageTitle>
        <p>
          There is no category “{path.join(' › ')}”. <a href="#/">Back to the shop</a>.
        </p>
      </>
    );
  }
  return (
    <>
      <Breadcrumbs path={path} />
      <PageTitle>{node.name}</PageTitle>
      {node.children.length > 0 ? (
        <nav aria-label={`${node.name} subcategories`}>
          <ul className="chips">
            {node.children.map((child) => (
              <li key={child.name}>
                <a className="chip" href={categoryHref(child.path)}>
                  {child.name}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      ) : null}
      <StorefrontRow
        title={`For you in ${node.name}`}
        request={{
          type: 'for-you',
          history: [],
          k: 10,
          filters: { categoryPrefix: path, inStockOnly: true },
        }}
      />
      <h2>All {node.name}</h2>
      <CatalogGrid key={path.join('/')} products={products} label={`Products in ${node.name}`} />
    </>
  );
}
