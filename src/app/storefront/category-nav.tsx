import { formatCount } from '../format';
import { categoryHref } from '../router/route';
import type { CategoryNode } from './category-tree';

/** Whether `path` starts with `prefix`. */
const within = (path: readonly string[], prefix: readonly string[]): boolean =>
  prefix.length <= path.length && prefix.every((name, i) => path[i] === name);

function Branch({
  nodes,
  current,
}: {
  readonly nodes: readonly CategoryNode[];
  readonly current: readonly string[];
}) {
  return (
    <ul className="category-nav__list">
      {nodes.map((node) => {
        const isCurrent = node.path.length === current.length && within(current, node.path);
        const open = within(current, node.path) && node.children.length > 0;
        return (
          <li key={node.name}>
            <a
              href={categoryHref(node.path)}
              aria-current={isCurrent ? 'page' : undefined}
              className="category-nav__link"
            >
              {node.name} <span className="category-nav__count">({formatCount(node.count)})</span>
            </a>
            {open ? <Branch nodes={node.children} current={current} /> : null}
          </li>
        );
      })}
    </ul>
  );
}

/**
 * The category tree as nested links: departments always, the children of the categories on the
 * current path below them (a tree of ~130 nodes stays short this way).
 */
export function CategoryNav({
  tree,
  current,
}: {
  readonly tree: CategoryNode;
  readonly current: readonly string[];
}) {
  return (
    <nav className="category-nav" aria-label="Categories">
      <h2 className="category-nav__title">Departments</h2>
      <Branch nodes={tree.children} current={current} />
    </nav>
  );
}
