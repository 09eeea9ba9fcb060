import { describe, expect, it } from 'vitest';
import { renderBenchmarksMarkdown } from '../../bench/render-markdown';

const machine = { node: 'v20', platform: 'linux-x64', cpus: 2, date: '2026-01-01T00:00:00Z' };

describe('BENCHMARKS.md robustness table', () => {
  it('renders one row per data set with a verdict, and other keys as metrics', () => {
    const md = renderBenchmarksMarkdown(
      {
        'robustness.few-users.tunedNdcg10': 0.2,
        'robustness.few-users.bestBaselineNdcg10': 0.25,
        'robustness.few-users.bestBaseline': 'ease',
        'robustness.few-users.easeServedNeighbors': 400,
        'robustness.demo-shop.tunedNdcg10': 0.3,
        'robustness.demo-shop.bestBaselineNdcg10': 0.28,
        'robustness.easeFitMs.items1000': 812.5,
      },
      machine,
    );
    const rows = md.split('\n');
    const few = rows.find((l) => l.startsWith('| few-users |'))!;
    expect(few).toContain('| 0.2000 |');
    expect(few).toContain('| ease |');
    // The served list length is a column of the table, not a loose metric.
    expect(few).toContain('| 400 |');
    expect(md).not.toContain('`robustness.few-users.easeServedNeighbors`');
    expect(few.trim().endsWith('❌ |')).toBe(true);
    expect(
      rows
        .find((l) => l.startsWith('| demo-shop |'))!
        .trim()
        .endsWith('✅ |'),
    ).toBe(true);
    expect(md).toContain('| `robustness.easeFitMs.items1000` | 813 |');
    expect(md).not.toContain('`robustness.few-users.tunedNdcg10`');
  });
});
