import { hasCategoryPrefix } from '../../core/serve/filters';
import type { Product } from './product';

/** One node of the category tree (the root has an empty path). */
export interface CategoryNode {
  readonly name: string;
  readonly path: readonly string[];
  /** Products in this category or below. */
  readonly count: number;
  readonly children: readonly CategoryNode[];
}

interface MutableNode {
  name: string;
  path: string[];
  count: number;
  children: Map<string, MutableNode>;
}

const freeze = (node: MutableNode): CategoryNode => ({
  name: node.name,
  path: node.path,
  count: node.count,
  children: [...node.children.values()].sort((a, b) => a.name.localeCompare(b.name)).map(freeze),
});

/** Builds the category tree of `products` from their category paths, children sorted by name. */
export function buildCategoryTree(products: readonly Product[]): CategoryNode {
  const root: MutableNode = { name: 'All products', path: [], count: 0, children: new Map() };
  for (const product of products) {
    root.count++;
    let node = root;
    for (const name of product.category) {
      let child = node.children.get(name);
      if (!child) {
        child = { name, path: [...node.path, name], count: 0, children: new Map() };
        node.children.set(name, child);
      }
      child.count++;
      node = child;
    }
  }
  return freeze(root);
}

/** The node at `path`, or null when the tree has no such category. */
export function findCategory(root: CategoryNode, path: readonly string[]): CategoryNode | null {
  let node: CategoryNode | undefined = root;
  for (const name of path) {
    node = node.children.find((child) => child.name === name);
    if (!node) return null;
  }
  return node;
}

/** Whether `product` lies in the category at `path` (or below it). */
export function inCategory(product: Product, path: readonly string[]): boolean {
  return hasCategoryPrefix(product.category, path);
}
