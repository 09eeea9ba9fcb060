import { describe, expect, it } from 'vitest';
import {
  formatBytes,
  formatDuration,
  formatPercent,
  formatPrice,
  formatTime,
} from '../../src/app/format';

describe('formatting', () => {
  it('formats bytes, durations, prices and shares', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(5 * 1024 ** 3)).toBe('5.0 GB');
    expect(formatBytes(-1)).toBe('—');
    expect(formatDuration(850.4)).toBe('850 ms');
    expect(formatDuration(12_340)).toBe('12.3 s');
    expect(formatDuration(125_000)).toBe('2 min 5 s');
    expect(formatPrice(3.5)).toBe('£3.50');
    expect(formatPrice(undefined)).toBe('Price on request');
    expect(formatPercent(0.256, 1)).toBe('25.6%');
  });

  it('shows a clock time for today and a date otherwise', () => {
    const now = new Date(2026, 10, 24, 15, 0, 0).getTime();
    expect(formatTime(new Date(2026, 10, 24, 9, 5, 7).getTime(), now)).toBe('09:05:07');
    expect(formatTime(new Date(2026, 9, 1, 9, 5).getTime(), now)).toMatch(/2026/);
  });
});
