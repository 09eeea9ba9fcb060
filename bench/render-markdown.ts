import type { BenchResults } from './bench-types';
import { renderDpCurveTable } from './render-dp-curve';
import { renderRobustnessTable } from './render-robustness';
import type { SectionFreshness, SectionRecord } from './section-records';

/** A target a result is compared with. */
interface Bar {
  readonly label: string;
  /** Whether the value meets the target; some targets are relative to another result. */
  readonly test: (value: number, results: BenchResults) => boolean;
}

/** Value of a numeric result, NaN when absent. */
const num = (results: BenchResults, key: string): number => {
  const v = results[key];
  return typeof v === 'number' ? v : NaN;
};

const BARS: Record<string, Bar> = {
  'mf.ndcg10': { label: '≥ 0.45', test: (v) => v >= 0.45 },
  'mf.recall20': { label: '≥ 0.36', test: (v) => v >= 0.36 },
  'mf.trainMs': { label: '≤ 3000 ms', test: (v) => v <= 3000 },
  'mf.epochMs': { label: '≤ 100 ms', test: (v) => v <= 100 },
  'serve.top10.medianMs': { label: '≤ 5 ms', test: (v) => v <= 5 },
  'serve.foldIn20.medianMs': { label: '≤ 1 ms', test: (v) => v <= 1 },
  'coldStart.auc': { label: '≥ 0.70', test: (v) => v >= 0.7 },
  'coldStart.recallRatio': { label: '≥ 2×', test: (v) => v >= 2 },
  'browser.ingest1M.ms': { label: '≤ 3000 ms', test: (v) => v <= 3000 },
  'browser.readBack1M.ms': { label: '≤ 1000 ms', test: (v) => v <= 1000 },
  'browser.coldStartToRecs.ms': { label: '≤ 1000 ms', test: (v) => v <= 1000 },
  'browser.trackToTop10.p95ms': { label: '≤ 16 ms', test: (v) => v <= 16 },
  'browser.longTasksOver50ms': { label: '0', test: (v) => v === 0 },
  'federated.uploadBytesPerClientRound': { label: '≤ 100 KB', test: (v) => v <= 100 * 1024 },
  'federated.ndcg10': {
    label: '≥ 0.97 × centralized',
    test: (v, r) => v >= 0.97 * num(r, 'federated.centralizedNdcg10'),
  },
  'server.load.errors': { label: '0', test: (v) => v === 0 },
  'server.load.lostUpdates': { label: '0', test: (v) => v === 0 },
  'server.crash.lostUpdates': { label: '0', test: (v) => v === 0 },
  'scale.items100k.firstRowMs': { label: '≤ 2500 ms', test: (v) => v <= 2500 },
  'scale.items100k.transferGzipBytes': { label: '≤ 3 MB', test: (v) => v <= 3e6 },
  'scale.items100k.tabMemoryMB': { label: '≤ 200 MB', test: (v) => v <= 200 },
  'scale.items100k.quantNdcgLossPct': { label: '≤ 1 %', test: (v) => v <= 1 },
  'scale.train10m.ms': { label: '≤ 60000 ms', test: (v) => v <= 60_000 },
  'scale.train10m.peakRssMB': { label: '≤ 2048 MB', test: (v) => v <= 2048 },
  'scale.train10m.threadSpeedup': { label: '≥ 1.6×', test: (v) => v >= 1.6 },
  'experiments.aaFalsePositiveRate': { label: '≤ 0.05', test: (v) => v <= 0.05 },
  'experiments.srmFalseAlarmRate': { label: '≤ 0.002', test: (v) => v <= 0.002 },
  'experiments.power5pct': { label: '≥ 0.8', test: (v) => v >= 0.8 },
  'experiments.power5pctPlannedOverEmpirical80': {
    label: '0.8–1.2',
    test: (v) => v >= 0.8 && v <= 1.2,
  },
};

/** What a result measures, where the key alone does not say it (shown under its section). */
const NOTES: Record<string, string> = {
  'federated.dpNdcg10':
    'user-level DP, one-shot private co-occurrence release (`hearth federated-sim --dp-epsilon 8`; the server runs it with `--training cooccurrence --noise-multiplier 0.612`); at 943 users no bar applies (the 90 % bar is for ≥ 10,000 users: see the DP-by-population table)',
  'federated.dpIterativeNdcg10':
    'user-level DP with iterative iALS rounds (`--training rounds`, 4 rounds, k = 8)',
  'federated.dpNdcg10OtherNoiseSeeds': 'mean of the co-occurrence release over noise seeds 1–3',
  'federated.dpSettings':
    'the ML-100K release uses `cooccurrenceSettingsFor(943 users, ε)`, chosen on generated tuning populations (never on this data)',
  'federated.dpByUsers.n1000.eps8.deviceSimNdcg10':
    'the same release simulated device by device (`runCooccurrenceSimulation`): a cross-check of the fast release the curve uses (compare `…eps8.releaseOnlyNdcg10`)',
  'federated.dpByUsers.delta': 'δ = min(10⁻⁵, 1/N) at every N of the curve',
};

function format(value: number | string | boolean | null): string {
  if (value === null) return 'n/a';
  if (typeof value !== 'number') return String(value);
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 100
    ? value.toFixed(0)
    : Math.abs(value) >= 1
      ? value.toFixed(2)
      : value.toFixed(4);
}

/** Renders BENCHMARKS.md: one table per section prefix, with targets where there is one. */
export function renderBenchmarksMarkdown(
  results: BenchResults,
  machine: { node: string; platform: string; cpus: number; date: string },
  provenance?: {
    readonly sections: Record<string, SectionRecord>;
    readonly freshness: readonly SectionFreshness[];
  },
): string {
  const groups = new Map<string, [string, BenchResults[string]][]>();
  for (const [key, value] of Object.entries(results)) {
    const group = key.split('.')[0]!;
    if (!groups.has(group)) groups.set(group, []);
    groups.get(group)!.push([key, value]);
  }
  const lines = [
    '# Benchmarks',
    '',
    'Generated by `npm run bench` (do not edit by hand); raw numbers in `bench/results.json`.',
    `Machine: ${machine.cpus} cores, ${machine.platform}, Node ${machine.node}; latest run ${machine.date}.`,
    'MovieLens 100K numbers use protocol `random`, seed 42 (see README).',
    '',
    ...renderSectionsTable(provenance?.freshness ?? []),
  ];
  const staleByKey = staleSectionOfKey(provenance);
  for (const [group, groupRows] of groups) {
    lines.push(`## ${group}`, '');
    const stale = [...new Set(groupRows.map(([key]) => staleByKey.get(key)).filter((f) => !!f))];
    for (const f of stale) lines.push(`> ${staleLine(f!)}`, '');
    let rows = groupRows;
    if (group === 'robustness') {
      const table = renderRobustnessTable(groupRows, format);
      lines.push(...table.lines);
      rows = table.rest;
    }
    if (group === 'federated') {
      const table = renderDpCurveTable(rows, format);
      lines.push(...table.lines);
      rows = table.rest;
    }
    lines.push('| metric | value | target | |', '|---|---|---|---|');
    for (const [key, value] of rows) {
      const bar = BARS[key];
      const verdict =
        bar && typeof value === 'number' ? (bar.test(value, results) ? '✅' : '❌') : '';
      lines.push(`| \`${key}\` | ${format(value)} | ${bar?.label ?? ''} | ${verdict} |`);
    }
    const notes = rows.filter(([key]) => NOTES[key] !== undefined);
    if (notes.length > 0) lines.push('');
    for (const [key] of notes) lines.push(`- \`${key}\`: ${NOTES[key]!}`);
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}

/** "⚠ Stale: …" for a section that did not run in the latest invocation. */
function staleLine(f: SectionFreshness): string {
  const at = f.commit === null ? '' : ` at commit ${f.commit}`;
  const changed =
    f.changedFiles === null
      ? ''
      : f.changedFiles === 0
        ? '; no file under src/ or bench/ changed since'
        : `; ${f.changedFiles} file${f.changedFiles === 1 ? '' : 's'} under src/ or bench/ changed since`;
  return `⚠ Stale: ${f.title} (\`${f.file}\`) was not re-run by the latest \`npm run bench\`; its results are from ${f.ranAt}${at}${changed}.`;
}

/** Which section each stale key comes from. */
function staleSectionOfKey(
  provenance:
    | {
        readonly sections: Record<string, SectionRecord>;
        readonly freshness: readonly SectionFreshness[];
      }
    | undefined,
): Map<string, SectionFreshness> {
  const out = new Map<string, SectionFreshness>();
  for (const f of provenance?.freshness ?? []) {
    if (!f.stale) continue;
    for (const key of provenance!.sections[f.file]?.keys ?? []) out.set(key, f);
  }
  return out;
}

/** One row per section: when it last ran, on which commit, and whether this run refreshed it. */
function renderSectionsTable(freshness: readonly SectionFreshness[]): string[] {
  if (freshness.length === 0) return [];
  const lines = [
    '## Sections',
    '',
    '| section | file | last run | commit | status |',
    '|---|---|---|---|---|',
  ];
  for (const f of freshness) {
    const status = f.stale
      ? `⚠ stale: not re-run by the latest run${f.changedFiles ? ` (${f.changedFiles} files under src/ or bench/ changed since)` : ''}`
      : 'fresh: ran in the latest run';
    lines.push(`| ${f.title} | \`${f.file}\` | ${f.ranAt} | ${f.commit ?? 'n/a'} | ${status} |`);
  }
  lines.push('');
  return lines;
}
