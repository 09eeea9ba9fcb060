import { describe, expect, it } from 'vitest';
import { renderBenchmarksMarkdown } from '../../bench/render-markdown';

const machine = { node: 'v20', platform: 'linux-x64', cpus: 2, date: '2026-01-01T00:00:00Z' };

describe('BENCHMARKS.md DP-by-population table', () => {
  it('renders a row per population with the share of centralized and the bar from 10,000 users', () => {
    const key = (n: number, m: string) => `federated.dpByUsers.n${n}.${m}`;
    const md = renderBenchmarksMarkdown(
      {
        [key(1000, 'centralizedNdcg10')]: 0.3,
        [key(1000, 'eps1.ndcg10')]: 0.01,
        [key(1000, 'eps8.ndcg10')]: 0.1,
        [key(10000, 'centralizedNdcg10')]: 0.3,
        [key(10000, 'centralizedFamily')]: 'ease',
        [key(10000, 'eps1.ndcg10')]: 0.2,
        [key(10000, 'eps8.ndcg10')]: 0.26,
        [key(10000, 'eps8.releaseOnlyNdcg10')]: 0.25,
        [key(30000, 'centralizedNdcg10')]: 0.3,
        [key(30000, 'eps8.ndcg10')]: 0.28,
        'federated.dpByUsers.delta': 1e-5,
        [key(1000, 'eps8.deviceSimNdcg10')]: 0.11,
      },
      machine,
    );
    const rows = md.split('\n');
    expect(rows.find((l) => l.startsWith('| 1,000 |'))).toBe(
      '| 1,000 | 0.3000 | n/a | 0.0100 | 0.1000 | n/a | 33.3 % | n/a |  |',
    );
    expect(rows.find((l) => l.startsWith('| 10,000 |'))).toBe(
      '| 10,000 | 0.3000 | ease | 0.2000 | 0.2600 | 0.2500 | 86.7 % | n/a | ❌ |',
    );
    expect(rows.find((l) => l.startsWith('| 30,000 |'))!.endsWith('| 93.3 % | n/a | ✅ |')).toBe(
      true,
    );
    expect(md).toContain('| `federated.dpByUsers.delta` |');
    expect(md).toContain('| `federated.dpByUsers.n1000.eps8.deviceSimNdcg10` | 0.1100 |');
    expect(md).not.toContain('`federated.dpByUsers.n10000.eps8.ndcg10`');
    expect(md).not.toContain('`federated.dpByUsers.n10000.eps8.releaseOnlyNdcg10`');
  });
});
