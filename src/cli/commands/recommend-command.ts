import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeBundle } from '../../core/bundle/bundle-file';
import { createBundleRecommender } from '../../core/bundle/bundle-recommender';
import { DataError, ModelFileError, OptionError } from '../../core/errors';
import type { RowRequest, RowType } from '../../core/serve/row-types';
import type { CliCommand } from '../cli-context';
import { parseModelCatalog } from './model-catalog';
import { CATALOG_FILE_NAME, MODEL_FILE_NAME } from './train-command';

const ROW_TYPES: readonly RowType[] = [
  'for-you',
  'similar',
  'bought-together',
  'trending',
  'popular',
];

function readFile(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new DataError(
      'UNREADABLE_INPUT',
      `Cannot read the ${what} "${path}" (${reason}); run "hearth-recs train --out DIR" first.`,
    );
  }
}

function idList(value: string | number | boolean | undefined): string[] {
  if (value === undefined || typeof value === 'boolean') return [];
  return String(value)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** `hearth-recs recommend`: serve one row from a trained model directory. */
export const recommendCommand: CliCommand = {
  name: 'recommend',
  summary: 'Recommend items from a trained model for a history of item ids',
  flags: [
    {
      name: 'model',
      type: 'string',
      required: true,
      description: 'Model directory written by "hearth-recs train"',
    },
    {
      name: 'history',
      type: 'string',
      description: 'Item ids the visitor interacted with, comma-separated',
    },
    { name: 'type', type: 'string', defaultValue: 'for-you', description: ROW_TYPES.join('|') },
    {
      name: 'item',
      type: 'string',
      description: 'Anchor item id (similar; default: last history item)',
    },
    { name: 'k', alias: 'k', type: 'number', defaultValue: 10, description: 'Number of items' },
    { name: 'diversity', type: 'number', description: 'MMR λ in [0,1] (1 = relevance only)' },
    { name: 'json', type: 'boolean', description: 'Print JSON on stdout' },
  ],
  async run(flags, ctx) {
    const dir = String(flags['model']);
    const type = String(flags['type']) as RowType;
    if (!ROW_TYPES.includes(type))
      throw new OptionError(`--type must be one of ${ROW_TYPES.join(', ')} (got "${type}").`);
    const bundle = decodeBundle(readFile(join(dir, MODEL_FILE_NAME), 'model file'));
    const catalogPath = join(dir, CATALOG_FILE_NAME);
    const catalog = parseModelCatalog(
      readFile(catalogPath, 'catalog').toString('utf8'),
      catalogPath,
    );
    const recommender = createBundleRecommender({ bundle, catalog });
    const history = idList(flags['history']);
    const k = Number(flags['k']);
    const common = {
      k,
      ...(flags['diversity'] !== undefined
        ? { diversity: { lambda: Number(flags['diversity']) } }
        : {}),
    };
    let request: RowRequest;
    if (type === 'for-you') {
      request = {
        type,
        history: history.map((itemId) => ({ itemId, type: 'purchase' as const })),
        ...common,
      };
    } else if (type === 'similar') {
      const anchor =
        flags['item'] !== undefined ? String(flags['item']) : history[history.length - 1];
      if (anchor === undefined)
        throw new OptionError('--type similar needs --item ID (or a --history).');
      request = { type, itemId: anchor, ...common };
    } else if (type === 'bought-together') {
      const basket = flags['item'] !== undefined ? [String(flags['item'])] : history;
      if (basket.length === 0)
        throw new OptionError('--type bought-together needs --item ID or --history ids.');
      request = { type, itemIds: basket, exclude: basket, ...common };
    } else {
      request = { type, exclude: history, ...common };
    }
    const row = recommender.recommend(request);
    recommender.dispose();
    const broken = row.items.find((r) => !Number.isFinite(r.score));
    if (broken !== undefined) {
      // The decoder bounds every tensor, so this is a last line of defence, never `"score": null`.
      throw new ModelFileError(
        'MODEL_FILE_CORRUPT',
        `The model "${dir}" scored item "${broken.id}" as ${String(broken.score)}; train the model again.`,
      );
    }
    const byId = new Map(catalog.map((item) => [item.id, item]));
    const title = (id: string): string | undefined => byId.get(id)?.title;
    const items = row.items.map((r) => ({
      id: r.id,
      ...(title(r.id) !== undefined ? { title: title(r.id) } : {}),
      score: r.score,
      reasons: r.reasons.map((reason) => ({
        itemId: reason.itemId,
        ...(title(reason.itemId) !== undefined ? { title: title(reason.itemId) } : {}),
        weight: reason.weight,
      })),
    }));
    if (flags['json'] === true) {
      ctx.stdout.write(
        `${JSON.stringify({ type: row.type, source: row.source, items, unknownItems: row.unknownItems })}\n`,
      );
      return;
    }
    ctx.stdout.write(`${row.type} (${row.source})\n`);
    items.forEach((item, rank) => {
      const because =
        item.reasons.length > 0
          ? `  — because of ${item.reasons.map((r) => r.title ?? r.itemId).join(', ')}`
          : '';
      ctx.stdout.write(
        `${String(rank + 1).padStart(3)}. ${item.title ?? item.id} [${item.id}] ${item.score.toFixed(3)}${because}\n`,
      );
    });
    if (row.unknownItems.length > 0)
      ctx.stderr.write(`unknown items skipped: ${row.unknownItems.join(', ')}\n`);
  },
};
