import { plantedPairs, type PlantedOptions } from '../fixtures/synthetic';

/** Planted-cluster data as CSV (`user,item,type,timestamp`), ids `u<n>` / `i<n>`, one view per pair. */
export function plantedCsv(o: PlantedOptions = {}): string {
  const p = plantedPairs(o);
  const lines = ['user,item,type,timestamp'];
  const t0 = Date.UTC(2024, 0, 1);
  for (let e = 0; e < p.rows.length; e++) {
    lines.push(`u${p.rows[e]!},i${p.cols[e]!},view,${t0 + e * 60_000}`);
  }
  return lines.join('\n');
}

/** A catalog JSONL for items `i0 … i<items−1>`, category = cluster. */
export function plantedCatalogJsonl(items: number, clusters: number): string {
  return Array.from({ length: items }, (_, i) =>
    JSON.stringify({ id: `i${i}`, title: `Item ${i}`, category: `c${i % clusters}` }),
  ).join('\n');
}

/** Cluster of an id `i<n>` / `u<n>`. */
export function clusterOfId(id: string, clusters: number): number {
  return Number(id.slice(1)) % clusters;
}
