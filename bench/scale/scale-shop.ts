/**
 * A generated large shop, trained as a merchant would: `hearth-recs generate` then
 * `hearth-recs train` (the built CLI, as a child process), in a temporary folder.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'bin', 'hearth-recs.mjs');

/** A generated, trained shop on disk. */
export interface ScaleShop {
  readonly dir: string;
  /** `hearth-recs train --out`: model.hearth, catalog files. */
  readonly modelDir: string;
  readonly items: number;
  readonly events: number;
  /** Item ids of one generated shopper's first events (a visitor history for the page). */
  readonly history: readonly string[];
  readonly trainMs: number;
  /** `hearth-recs train --json` summary. */
  readonly summary: Record<string, unknown>;
  dispose(): void;
}

function cli(args: readonly string[]): string {
  const run = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0) {
    throw new Error(`hearth-recs ${args[0]} failed (${run.status}): ${run.stderr.slice(-2000)}`);
  }
  return run.stdout;
}

/** The first `n` distinct items of the log's first shopper (events.csv: user,item,event,time). */
function firstHistory(eventsFile: string, n: number): string[] {
  const head = readFileSync(eventsFile, { encoding: 'utf8' }).slice(0, 1 << 20);
  const lines = head.split('\n').slice(1);
  const user = lines[0]!.split(',')[0];
  const out: string[] = [];
  for (const line of lines) {
    const [u, item] = line.split(',');
    if (u !== user) break;
    if (item && !out.includes(item)) out.push(item);
    if (out.length === n) break;
  }
  return out;
}

/**
 * Generates a shop of `items` products and `events` events (seed 7) and trains it with the
 * shipped defaults plus `trainFlags` (e.g. `--no-tune`).
 */
export function buildScaleShop(o: {
  readonly items: number;
  readonly events: number;
  readonly trainFlags?: readonly string[];
}): ScaleShop {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-scale-'));
  try {
    cli(['generate', '--items', String(o.items), '--events', String(o.events), '--out', dir, '-q']);
    const modelDir = join(dir, 'model');
    const t0 = performance.now();
    const summary = JSON.parse(
      cli([
        'train',
        '--interactions',
        join(dir, 'events.csv'),
        '--items',
        join(dir, 'catalog.jsonl'),
        '--out',
        modelDir,
        '--json',
        '-q',
        ...(o.trainFlags ?? []),
      ]),
    ) as Record<string, unknown>;
    return {
      dir,
      modelDir,
      items: o.items,
      events: o.events,
      history: firstHistory(join(dir, 'events.csv'), 3),
      trainMs: performance.now() - t0,
      summary,
      dispose: () => rmSync(dir, { recursive: true, force: true }),
    };
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}
