import { describe, expect, it } from 'vitest';
import { nextCardIndex } from '../../src/widget/row-keyboard';

describe('nextCardIndex', () => {
  it('moves within the row and stops at its ends', () => {
    expect(nextCardIndex('ArrowRight', 0, 3)).toBe(1);
    expect(nextCardIndex('ArrowRight', 2, 3)).toBe(2);
    expect(nextCardIndex('ArrowLeft', 1, 3)).toBe(0);
    expect(nextCardIndex('ArrowLeft', 0, 3)).toBe(0);
    expect(nextCardIndex('Home', 2, 3)).toBe(0);
    expect(nextCardIndex('End', 0, 3)).toBe(2);
  });

  it('follows right-to-left rows and ignores other keys', () => {
    expect(nextCardIndex('ArrowLeft', 0, 3, true)).toBe(1);
    expect(nextCardIndex('ArrowRight', 1, 3, true)).toBe(0);
    expect(nextCardIndex('ArrowDown', 0, 3)).toBeNull();
    expect(nextCardIndex('Enter', 0, 3)).toBeNull();
    expect(nextCardIndex('End', 0, 0)).toBeNull();
  });
});
