import { DEFAULT_FIRST_N_TARGETS } from '../../core/eval/first-n';
import type { FirstNReport, VisitorModels } from '../../core/eval/visitor-protocols';
import {
  ITEM_TO_ITEM_VARIANTS,
  runFirstN,
  runItemToItem,
  trainForVisitors,
} from '../../core/eval/visitor-protocols';
import type { ItemToItemScore } from '../../core/eval/item-to-item';
import type { FlagSpec, ParsedFlags } from '../cli-args';
import type { CliContext } from '../cli-context';
import { createProgressBar, formatMs } from '../progress-bar';
import { readCatalogFlag } from './catalog-flag';
import { resolveComputePath } from './compute-flags';
import { shippedTrainingOptions } from './shipped-training';
import { readInteractions } from './interaction-flags';

/** Protocols that hold out whole users and replay them as new visitors. */
export const VISITOR_PROTOCOLS = ['first-n', 'next-item'] as const;

/** One of {@link VISITOR_PROTOCOLS}. */
export type VisitorProtocol = (typeof VISITOR_PROTOCOLS)[number];

/** Extra flags of the visitor protocols. */
export const VISITOR_PROTOCOL_FLAGS: readonly FlagSpec[] = [
  {
    name: 'items',
    type: 'string',
    description:
      'Catalog file (first-n, next-item): content similarity in the rows, category agreement',
  },
];

/** Whether `protocol` is one of {@link VISITOR_PROTOCOLS}. */
export function isVisitorProtocol(protocol: string): protocol is VisitorProtocol {
  return (VISITOR_PROTOCOLS as readonly string[]).includes(protocol);
}

/**
 * `hearth-recs eval --protocol first-n | next-item`: holds out a seeded 20% of the users with 10+
 * distinct items, trains the bundle `hearth-recs train` ships on the rest and replays the
 * held-out users through the served rows (text, or one JSON object with `--json`).
 */
export async function runVisitorProtocol(
  protocol: VisitorProtocol,
  flags: ParsedFlags,
  ctx: CliContext,
): Promise<void> {
  const seed = Number(flags['seed']);
  const { dataset, report } = await readInteractions(flags);
  ctx.reportImport(report);
  const catalog = await readCatalogFlag(flags, ctx);
  const compute = await resolveComputePath(flags, ctx);
  const bar = createProgressBar('training', ctx.stderr, ctx.quiet);
  let models: VisitorModels;
  const started = performance.now();
  try {
    models = await trainForVisitors({
      dataset,
      seed,
      ...(catalog !== undefined && { catalog }),
      train: shippedTrainingOptions(flags, ctx, compute, bar),
    });
  } finally {
    compute.path.dispose();
  }
  const trainMs = performance.now() - started;
  const head = {
    protocol,
    seed,
    users: dataset.userVocab.size,
    items: dataset.itemVocab.size,
    heldOutUsers: models.heldOut.length,
    trainMs,
  };
  if (protocol === 'first-n') {
    const results = await runFirstN(models);
    if (flags['json'] === true) {
      ctx.stdout.write(
        `${JSON.stringify({ ...head, targets: DEFAULT_FIRST_N_TARGETS, results })}\n`,
      );
    } else {
      ctx.stdout.write(
        `${describe(head)}; next ${DEFAULT_FIRST_N_TARGETS} items are the targets\n`,
      );
      ctx.stdout.write(formatFirstN(results));
    }
    return;
  }
  const variants = { ...ITEM_TO_ITEM_VARIANTS };
  if (catalog === undefined) delete variants['content-only'];
  const results = runItemToItem(models, variants);
  if (flags['json'] === true) {
    ctx.stdout.write(`${JSON.stringify({ ...head, results })}\n`);
  } else {
    ctx.stdout.write(`${describe(head)}; next distinct item given the previous one\n`);
    ctx.stdout.write(formatItemToItem(results));
  }
}

function describe(h: {
  protocol: string;
  seed: number;
  users: number;
  items: number;
  heldOutUsers: number;
  trainMs: number;
}): string {
  return (
    `${h.protocol} on ${h.users} users × ${h.items} items (seed ${h.seed}, ${h.heldOutUsers} held-out users, ` +
    `trained in ${formatMs(h.trainMs)})`
  );
}

/** The `first-n` table: one line per ranker, NDCG@10 / HR@10 per history length. */
export function formatFirstN(results: FirstNReport): string {
  const rows = Object.entries(results);
  const ns = rows[0]?.[1].map((s) => s.n) ?? [];
  let out = `  ${'NDCG@10 / HR@10'.padEnd(18)}${ns
    .map((n) => `n = ${n}`.padEnd(17))
    .join('')
    .trimEnd()}\n`;
  for (const [name, scores] of rows) {
    const cells = scores.map((s) => `${s.ndcg.toFixed(4)} / ${s.hr.toFixed(4)}`.padEnd(17));
    out += `  ${name.padEnd(18)}${cells.join('').trimEnd()}\n`;
  }
  return out;
}

/** The next-item table: HR@10 and category agreement per row variant. */
export function formatItemToItem(results: Record<string, ItemToItemScore>): string {
  let out = `  ${'row'.padEnd(20)}${'HR@10'.padEnd(9)}${'same category'.padEnd(15)}pairs\n`;
  for (const [name, s] of Object.entries(results)) {
    const agreement = s.contentAgreement === null ? 'n/a' : s.contentAgreement.toFixed(4);
    out += `  ${name.padEnd(20)}${s.hr.toFixed(4).padEnd(9)}${agreement.padEnd(15)}${s.pairs}\n`;
  }
  return out;
}
