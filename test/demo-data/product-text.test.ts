import { describe, expect, it } from 'vitest';
import { inSentence, isPlural } from '../../src/core/demo-data/product-text';

describe('product text helpers', () => {
  it('lower-cases title words inside sentences but keeps acronyms and proper names', () => {
    expect(inSentence('USB-C Charger')).toBe('USB-C charger');
    expect(inSentence('T-Shirt')).toBe('T-shirt');
    expect(inSentence("Chef's Knife")).toBe("chef's knife");
    expect(inSentence('2-Person Tent')).toBe('2-person tent');
    expect(inSentence('Bluetooth Speaker')).toBe('Bluetooth speaker');
    expect(inSentence('microSD Card')).toBe('microSD card');
  });

  it('tells plural product nouns from singular ones', () => {
    expect(isPlural('Hiking Boots')).toBe(true);
    expect(isPlural('Loppers')).toBe(true);
    expect(isPlural('Tent')).toBe(false);
    expect(isPlural('Dumbbell Pair')).toBe(false);
  });
});
