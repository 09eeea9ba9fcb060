import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCatalog, parseInteractions } from '../src/core/data/parse';
import type { InteractionDataset } from '../src/core/data/interaction-log';
import type { Item } from '../src/core/data/types';

/**
 * MovieLens 100K read exactly as `hearth eval --interactions u.data` reads it, so every benchmark
 * number is reproducible from the CLI.
 */
export async function loadMl100k(
  dir: string,
): Promise<{ dataset: InteractionDataset; catalog: Item[] }> {
  const { dataset } = await parseInteractions(readFileSync(join(dir, 'u.data')), {
    format: 'movielens',
  });
  const { items } = await parseCatalog(readFileSync(join(dir, 'u.item')), { format: 'movielens' });
  return { dataset, catalog: items };
}
