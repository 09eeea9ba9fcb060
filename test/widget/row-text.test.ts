import { describe, expect, it } from 'vitest';
import { formatPrice, formatReason } from '../../src/widget/row-text';

describe('row text', () => {
  it('fills every {title} of a reason template', () => {
    expect(formatReason('Because you viewed {title}', 'Lamp')).toBe('Because you viewed Lamp');
    expect(formatReason('{title} & {title}', 'A')).toBe('A & A');
  });

  it('formats prices as currency or with two decimals, never throwing', () => {
    expect(formatPrice(12.5, 'USD', 'en-US')).toBe('$12.50');
    expect(formatPrice(1234.5, undefined, 'en-US')).toBe('1,234.50');
    expect(formatPrice(3, 'NOT-A-CURRENCY', 'en-US')).toBe('3.00');
  });
});
