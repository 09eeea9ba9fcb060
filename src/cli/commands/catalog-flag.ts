import { parseCatalog } from '../../core/data/parse';
import type { Item } from '../../core/data/types';
import type { ParsedFlags } from '../cli-args';
import type { CliContext } from '../cli-context';
import { openInputFile } from '../read-input';

/**
 * Reads the catalog file named by `--items` (CSV, TSV, JSONL or MovieLens `u.item`) and reports
 * its import summary; undefined when the flag is absent.
 */
export async function readCatalogFlag(
  flags: ParsedFlags,
  ctx: CliContext,
): Promise<Item[] | undefined> {
  if (flags['items'] === undefined) return undefined;
  const parsed = await parseCatalog(openInputFile(String(flags['items'])));
  ctx.reportImport(parsed.report);
  return parsed.items;
}
