import type { BenchResults } from './bench-types';

type Row = [string, BenchResults[string]];

/** Share of centralized NDCG@10 the DP release must reach at N ≥ 10,000 and ε = 8. */
export const DP_CURVE_BAR = { minUsers: 10_000, epsilon: 8, share: 0.9 } as const;

const KEY = /^federated\.dpByUsers\.n(\d+)\.(.+)$/;
/** Per-population metrics the table shows; any other key stays in the plain metric table. */
const COLUMN_METRIC =
  /^(centralizedNdcg10|centralizedFamily|ms|eps\d+(\.\d+)?\.(ndcg10|releaseOnlyNdcg10))$/;

/**
 * The DP-by-population curve (keys `federated.dpByUsers.n<N>.eps<E>.ndcg10`,
 * `….eps<E>.releaseOnlyNdcg10`, `….n<N>.centralizedNdcg10`, `….n<N>.centralizedFamily`,
 * `….n<N>.ms`) as one table, a row per
 * population size, with the share of centralized at the largest ε and the verdict where the bar
 * applies; every other row is returned for the plain metric table.
 */
export function renderDpCurveTable(
  rows: readonly Row[],
  format: (value: BenchResults[string]) => string,
): { lines: string[]; rest: Row[] } {
  const byUsers = new Map<number, Map<string, BenchResults[string]>>();
  const epsilons = new Set<number>();
  const rest: Row[] = [];
  for (const [key, value] of rows) {
    const match = KEY.exec(key);
    if (!match || !COLUMN_METRIC.test(match[2]!)) {
      rest.push([key, value]);
      continue;
    }
    const users = Number(match[1]);
    const metric = match[2]!;
    const eps = /^eps(\d+(?:\.\d+)?)\.ndcg10$/.exec(metric);
    if (eps) epsilons.add(Number(eps[1]));
    if (!byUsers.has(users)) byUsers.set(users, new Map());
    byUsers.get(users)!.set(metric, value);
  }
  if (byUsers.size === 0) return { lines: [], rest };
  const eps = [...epsilons].sort((a, b) => a - b);
  const top = eps[eps.length - 1];
  const lines = [
    'User-level DP by population size: NDCG@10 of the private co-occurrence release at (ε, δ = 10⁻⁵)',
    'next to the default centralized training, on demo-generator populations (seed 7, default',
    'settings, only the shopper count changed; protocol `random`, seed 42; the same 4,000 seeded',
    'evaluated users for every model). DP settings come from `cooccurrenceSettingsFor(N, ε)`, chosen',
    'on seed-1001 tuning populations (`scripts/choose-dp-settings.ts`, docs/privacy.md). DP is the',
    'release as a device holding the catalog serves it: items outside the released head get the',
    'embedding a content tower fitted on the head predicts (the catalog is public); "release alone"',
    'leaves them without factors.',
    `Bar: ≥ ${DP_CURVE_BAR.share * 100} % of centralized at ε = ${DP_CURVE_BAR.epsilon} from N = ${DP_CURVE_BAR.minUsers.toLocaleString('en-US')}.`,
    '',
    `| shoppers | centralized | (family) | ${eps.map((e) => `ε = ${e}`).join(' | ')} | release alone, ε = ${top ?? ''} | DP / centralized at ε = ${top ?? ''} | ms | bar |`,
    `|---|---|---|${eps.map(() => '---|').join('')}---|---|---|---|`,
  ];
  for (const [users, m] of [...byUsers].sort((a, b) => a[0] - b[0])) {
    const central = m.get('centralizedNdcg10');
    const dpTop = top === undefined ? undefined : m.get(`eps${top}.ndcg10`);
    const share =
      typeof central === 'number' && typeof dpTop === 'number' && central > 0
        ? dpTop / central
        : null;
    const applies = users >= DP_CURVE_BAR.minUsers && top === DP_CURVE_BAR.epsilon;
    const verdict = applies && share !== null ? (share >= DP_CURVE_BAR.share ? '✅' : '❌') : '';
    const cells = [
      users.toLocaleString('en-US'),
      format(central ?? null),
      format(m.get('centralizedFamily') ?? null),
      ...eps.map((e) => format(m.get(`eps${e}.ndcg10`) ?? null)),
      format(top === undefined ? null : (m.get(`eps${top}.releaseOnlyNdcg10`) ?? null)),
      share === null ? 'n/a' : `${(share * 100).toFixed(1)} %`,
      format(m.get('ms') ?? null),
      verdict,
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  lines.push('');
  return { lines, rest };
}
