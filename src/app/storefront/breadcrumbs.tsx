import { categoryHref } from '../router/route';

/** Breadcrumb trail of a category path; the last crumb is the current page unless `linkLast`. */
export function Breadcrumbs({
  path,
  linkLast = false,
}: {
  readonly path: readonly string[];
  readonly linkLast?: boolean;
}) {
  return (
    <nav className="breadcrumbs" aria-label="Breadcrumb">
      <ol>
        <li>
          <a href="#/">Shop</a>
        </li>
        {path.map((name, i) => {
          const last = i === path.length - 1 && !linkLast;
          return (
            <li key={`${i}-${name}`}>
              {last ? (
                <span aria-current="page">{name}</span>
              ) : (
                <a href={categoryHref(path.slice(0, i + 1))}>{name}</a>
              )}
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
