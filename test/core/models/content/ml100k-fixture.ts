import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CsrMatrix } from '../../../../src/core/data/csr-matrix';
import { parseCatalog } from '../../../../src/core/data/parse/parse-catalog';
import { parseInteractions } from '../../../../src/core/data/parse/parse-interactions';
import type { Item } from '../../../../src/core/data/types';
import { coldStartData } from '../../../../src/core/eval/cold-start';

/** MovieLens 100K directory (shared, never copied into the repo), or null when absent. */
export const ML100K_DIR: string | null =
  ['../shared/data/ml-100k', 'shared/data/ml-100k', '/work/shared/data/ml-100k']
    .map((dir) => resolve(dir))
    .find((dir) => existsSync(resolve(dir, 'u.data')) && existsSync(resolve(dir, 'u.item'))) ??
  null;

/** ML-100K as distinct binary pairs plus the `u.item` catalog aligned to the matrix columns. */
export async function loadMl100k(
  dir: string,
): Promise<{ matrix: CsrMatrix; items: (Item | undefined)[] }> {
  const { items } = await parseCatalog(readFileSync(resolve(dir, 'u.item')), {
    format: 'movielens',
  });
  const { dataset } = await parseInteractions(readFileSync(resolve(dir, 'u.data')));
  return coldStartData(dataset, items);
}
