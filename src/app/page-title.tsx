import type { ReactNode } from 'react';

/** Id of every page's main heading: focus moves there after navigation. */
export const PAGE_TITLE_ID = 'page-title';

/** The page's `h1`, focusable from script so navigation can move focus to it. */
export function PageTitle({ children }: { readonly children: ReactNode }) {
  return (
    <h1 id={PAGE_TITLE_ID} tabIndex={-1} className="page-title">
      {children}
    </h1>
  );
}
