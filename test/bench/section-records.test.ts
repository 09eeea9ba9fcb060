import { describe, expect, it } from 'vitest';
import { renderBenchmarksMarkdown } from '../../bench/render-markdown';
import {
  LEGACY_SECTION,
  mergeSectionRun,
  sectionFreshness,
  startingRecord,
  type SectionRecord,
} from '../../bench/section-records';

const machine = { node: 'v20', platform: 'linux-x64', cpus: 2, date: '2026-02-02T00:00:00Z' };
const meta = (ranAt: string, commit: string): Omit<SectionRecord, 'keys'> => ({
  title: 'x',
  ranAt,
  commit,
  dirty: false,
  ms: 1,
});

describe('a partial bench run says which sections are stale', () => {
  const earlier = {
    machine: { date: '2026-01-01T00:00:00Z' },
    results: { 'mf.ndcg10': 0.45, 'serve.top10.medianMs': 1.2, 'old.key': 3 },
    sections: {
      'mf.ts': { ...meta('2026-01-01T00:00:00Z', 'aaa1111'), title: 'MF', keys: ['mf.ndcg10'] },
      'serve.ts': {
        ...meta('2026-01-01T00:00:00Z', 'aaa1111'),
        title: 'Serve',
        keys: ['serve.top10.medianMs'],
      },
    },
  };

  it('keeps the other sections with their run date and commit, and replaces the re-run one', () => {
    const start = startingRecord(earlier, true);
    const after = mergeSectionRun(
      start,
      'mf.ts',
      { 'mf.ndcg10': 0.46, 'mf.recall20': 0.37 },
      {
        ...meta('2026-02-02T00:00:00Z', 'bbb2222'),
        title: 'MF',
      },
    );
    expect(after.results['mf.ndcg10']).toBe(0.46);
    expect(after.results['serve.top10.medianMs']).toBe(1.2);
    expect(after.sections['mf.ts']!.commit).toBe('bbb2222');
    expect(after.sections['serve.ts']!.ranAt).toBe('2026-01-01T00:00:00Z');
    // Results from before per-section records are attributed to the earlier run's date.
    expect(after.sections[LEGACY_SECTION]!.keys).toEqual(['old.key']);
    expect(after.sections[LEGACY_SECTION]!.ranAt).toBe('2026-01-01T00:00:00Z');
  });

  it('drops the keys a re-run section no longer produces', () => {
    const after = mergeSectionRun(
      startingRecord(earlier, true),
      'serve.ts',
      { 'serve.p95': 2 },
      {
        ...meta('2026-02-02T00:00:00Z', 'bbb2222'),
        title: 'Serve',
      },
    );
    expect(after.results).not.toHaveProperty('serve.top10.medianMs');
    expect(after.sections['serve.ts']!.keys).toEqual(['serve.p95']);
  });

  it('a full run starts from nothing', () => {
    expect(startingRecord(earlier, false)).toEqual({ results: {}, sections: {} });
  });

  it('BENCHMARKS.md marks the sections that did not run, with date, commit and changed files', () => {
    const record = mergeSectionRun(
      startingRecord(earlier, true),
      'mf.ts',
      { 'mf.ndcg10': 0.46 },
      {
        ...meta('2026-02-02T00:00:00Z', 'bbb2222'),
        title: 'MF',
      },
    );
    const freshness = sectionFreshness(record.sections, new Set(['mf.ts']), (commit) =>
      commit === 'aaa1111' ? 7 : 0,
    );
    expect(freshness.find((f) => f.file === 'serve.ts')).toMatchObject({
      stale: true,
      changedFiles: 7,
    });
    expect(freshness.find((f) => f.file === 'mf.ts')).toMatchObject({ stale: false });
    const md = renderBenchmarksMarkdown(record.results, machine, {
      sections: record.sections,
      freshness,
    });
    const serve = md.split('## serve')[1]!;
    expect(serve).toContain(
      '⚠ Stale: Serve (`serve.ts`) was not re-run by the latest `npm run bench`; its results are from 2026-01-01T00:00:00Z at commit aaa1111; 7 files under src/ or bench/ changed since.',
    );
    expect(md.split('## mf')[1]!.split('## ')[0]).not.toContain('Stale');
    expect(md).toContain(
      '| MF | `mf.ts` | 2026-02-02T00:00:00Z | bbb2222 | fresh: ran in the latest run |',
    );
    expect(md).toMatch(/\| Serve \| `serve.ts` \| .* \| ⚠ stale: not re-run by the latest run/);
  });
});
