import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeBundle } from '../../core/bundle/bundle-file';
import { trainModelBundle } from '../../core/bundle/train-bundle';
import type { Item } from '../../core/data/types';
import type { CliCommand } from '../cli-context';
import { createProgressBar, formatMs } from '../progress-bar';
import { COMPUTE_FLAGS, resolveComputePath, tuneFlags, validateBackendFlag } from './compute-flags';
import { formatTuningSummary } from './tuning-summary';
import { INTERACTION_FLAGS, readInteractions } from './interaction-flags';
import { readCatalogFlag } from './catalog-flag';
import { shippedTrainingOptions } from './shipped-training';
import {
  CATALOG_FILE_NAME,
  DELIVERY_FLAGS,
  deliveryFlags,
  gzipBytes,
  writeCatalogFiles,
  writeModelHead,
} from './model-delivery';
import { THREAD_FLAGS, threadCount, withTrainThreads } from '../train-threads/thread-flags';

/** File names inside a model directory. */
export const MODEL_FILE_NAME = 'model.hearth';
export { CATALOG_FILE_NAME, CATALOG_INDEX_FILE_NAME } from './model-delivery';

/** `hearth-recs train`: train a model bundle and write it with its catalog for the storefront. */
export const trainCommand: CliCommand = {
  name: 'train',
  summary: 'Train a model (MF + content tower + rows) and write it for the storefront',
  flags: [
    ...INTERACTION_FLAGS,
    {
      name: 'items',
      type: 'string',
      description: 'Catalog file (CSV, TSV, JSONL or MovieLens u.item)',
    },
    { name: 'out', type: 'string', required: true, description: 'Output directory' },
    ...COMPUTE_FLAGS,
    ...THREAD_FLAGS,
    ...DELIVERY_FLAGS,
    { name: 'json', type: 'boolean', description: 'Print a JSON summary on stdout' },
  ],
  async run(flags, ctx) {
    validateBackendFlag(flags);
    // Bad tuning flags fail before the data is read.
    tuneFlags(flags);
    threadCount(flags);
    const delivery = deliveryFlags(flags);
    const stages = createStageClock('read');
    let parseThreads = 1;
    const { dataset, report } = await readInteractions(flags, {
      onSlices: (slices) => (parseThreads = slices),
    });
    stages.begin('catalog');
    ctx.reportImport(report);
    const catalog: Item[] = (await readCatalogFlag(flags, ctx)) ?? [];
    const compute = withTrainThreads(flags, await resolveComputePath(flags, ctx), ctx);
    const bar = createProgressBar('training', ctx.stderr, ctx.quiet);
    try {
      const bundle = await trainModelBundle({
        dataset,
        catalog,
        ...shippedTrainingOptions(flags, ctx, compute, bar),
        onStage: (stage) => {
          if (stage !== 'done') stages.begin(stage);
        },
      });
      const dir = String(flags['out']);
      mkdirSync(dir, { recursive: true });
      stages.begin('write');
      const bytes = encodeBundle(bundle, { itemFactors: delivery.itemFactors });
      writeFileSync(join(dir, MODEL_FILE_NAME), bytes);
      const head = writeModelHead(dir, bundle, delivery, MODEL_FILE_NAME);
      const byId = new Map(catalog.map((item) => [item.id, item]));
      const items = bundle.itemIds.map((id) => byId.get(id) ?? { id });
      const written = writeCatalogFiles(dir, items, delivery);
      const summary = {
        out: dir,
        modelBytes: bytes.length,
        modelGzipBytes: gzipBytes(bytes),
        itemFactors: delivery.itemFactors,
        catalogSrc: written.catalogSrc,
        catalogShards: written.shards,
        ...head,
        items: bundle.itemIds.length,
        coldItems: bundle.training.coldItems,
        users: bundle.training.users,
        interactions: bundle.training.interactions,
        computePath: bundle.training.computePath,
        epochs: bundle.training.epochs,
        trainMs: bundle.training.trainMs,
        parseThreads,
        stageMs: stages.durations(),
        contentTower: bundle.contentTower !== null,
        tuning: bundle.tuning,
      };
      if (flags['json'] === true) {
        ctx.stdout.write(`${JSON.stringify(summary)}\n`);
      } else {
        ctx.stdout.write(
          `wrote ${join(dir, MODEL_FILE_NAME)} (${kb(bytes.length)}, ${kb(summary.modelGzipBytes)} gzip; ${delivery.itemFactors} item factors) and ${join(dir, CATALOG_FILE_NAME)}\n` +
            (head.headItems > 0
              ? `wrote ${join(dir, head.modelSrc)} (${head.headItems} most popular items, ${kb(head.headGzipBytes)} gzip): set model-src to it, model.hearth follows\n`
              : '') +
            (written.shards > 0
              ? `catalog sharded into ${written.shards} files: set catalog-src to ${join(dir, written.catalogSrc)}\n`
              : '') +
            `${summary.items} items (${summary.coldItems} from content only), ${summary.users} users, ` +
            `trained in ${formatMs(summary.trainMs)} on ${summary.computePath}\n` +
            (bundle.tuning ? formatTuningSummary(bundle.tuning) : ''),
        );
      }
    } finally {
      compute.path.dispose();
    }
  },
};

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(0)} KB`;

/**
 * Wall time of each stage of the command, for the JSON summary: `read` (the interactions),
 * `catalog`, the stages `trainModelBundle` reports (`matrix`, `tune`, `mf`, `content`,
 * `co-occurrence`, `trending`) and `write` (encoding and writing the files).
 */
function createStageClock(first: string): {
  begin(next: string): void;
  durations(): Record<string, number>;
} {
  const out: Record<string, number> = {};
  let running = first;
  let from = performance.now();
  const stop = (): void => {
    const now = performance.now();
    out[running] = Math.round((out[running] ?? 0) + now - from);
    from = now;
  };
  return {
    begin(next) {
      stop();
      running = next;
    },
    durations() {
      stop();
      return { ...out };
    },
  };
}
