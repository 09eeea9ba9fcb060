import { useCallback, useMemo } from 'react';
import { useAsync } from '../runtime/use-async';
import { useRuntimeState, type HearthBinding } from '../runtime/use-hearth';
import { indexProducts, toProduct, type Product, type ProductIndex } from '../storefront/product';

/** The workbench's imported catalog (possibly empty) and a lookup that never fails. */
export interface WorkbenchCatalog extends ProductIndex {
  readonly productOf: (id: string) => Product;
}

/** Reads the workbench catalog from its database; `revision` re-reads it after an import. */
export function useWorkbenchCatalog(binding: HearthBinding, revision: number): WorkbenchCatalog {
  const state = useRuntimeState(binding.runtime);
  const { value } = useAsync(
    () => binding.reader.catalog(),
    [binding, revision, state.generation, state.status],
  );
  const index = useMemo(() => indexProducts((value ?? []).map((item) => toProduct(item))), [value]);
  const productOf = useCallback(
    (id: string): Product => index.byId.get(id) ?? toProduct({ id }),
    [index],
  );
  return { ...index, productOf };
}
