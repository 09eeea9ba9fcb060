import { createContext, useContext } from 'react';
import { parseCatalog } from '../../core/data/parse';
import { DEMO_CATALOG_URL, demoImageUrl } from '../runtime/demo-config';
import { buildCategoryTree, type CategoryNode } from './category-tree';
import { indexProducts, toProduct, type ProductIndex } from './product';

/** The storefront catalog: products, their index and the category tree. */
export interface Catalog extends ProductIndex {
  readonly tree: CategoryNode;
}

/** Downloads and parses the demo catalog (public data, the same file the runtime imports). */
export async function loadDemoCatalog(url: string = DEMO_CATALOG_URL): Promise<Catalog> {
  const response = await fetch(url);
  if (!response.ok) {
    throw new Error(
      `Could not download the catalog from ${url} (HTTP ${response.status}); run "npm run build:demo-data" and reload.`,
    );
  }
  const { items } = await parseCatalog(await response.text());
  const index = indexProducts(items.map((item) => toProduct(item, demoImageUrl)));
  return { ...index, tree: buildCategoryTree(index.products) };
}

/** Context holding the loaded storefront catalog. */
export const CatalogContext = createContext<Catalog | null>(null);

/** The storefront catalog; throws outside the catalog provider (a programming error). */
export function useCatalog(): Catalog {
  const catalog = useContext(CatalogContext);
  if (catalog === null) throw new Error('useCatalog() must be called below <CatalogContext>.');
  return catalog;
}
