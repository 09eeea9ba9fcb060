import type { Vocabulary } from '../vocabulary';
import { isBlank, type FieldSpans } from './field-spans';

/** Integer ids at or above this go through the vocabulary's map instead of the table. */
const MAX_TABLE_ID = 1 << 22;

/**
 * Maps id fields to vocabulary indices. Ids written as plain non-negative integers (the common
 * case in logs: no sign, no leading zeros) are looked up in a typed table keyed by their value,
 * so no string is created or hashed after an id's first occurrence; other ids use the
 * vocabulary directly. The vocabulary's contents are the same either way.
 */
export class IdInterner {
  private table = new Int32Array(1024).fill(-1);

  constructor(private readonly vocab: Vocabulary) {}

  /** Vocabulary index of field `i` (which must not be empty), adding the id when new. */
  intern(fields: FieldSpans, i: number): number {
    const value =
      fields.quoted[i] === 1 ? -1 : canonicalInt(fields.text, fields.starts[i]!, fields.ends[i]!);
    if (value < 0) return this.vocab.add(fields.get(i));
    if (value >= this.table.length) this.grow(value);
    const known = this.table[value]!;
    if (known >= 0) return known;
    const index = this.vocab.add(fields.get(i));
    this.table[value] = index;
    return index;
  }

  private grow(value: number): void {
    let size = this.table.length;
    while (size <= value) size *= 2;
    const next = new Int32Array(size).fill(-1);
    next.set(this.table);
    this.table = next;
  }
}

/** Value of a span holding a canonical integer below {@link MAX_TABLE_ID} (blanks trimmed), else -1. */
function canonicalInt(text: string, start: number, end: number): number {
  while (start < end && isBlank(text.charCodeAt(start))) start++;
  while (end > start && isBlank(text.charCodeAt(end - 1))) end--;
  if (start === end || (end - start > 1 && text.charCodeAt(start) === 48)) return -1;
  let value = 0;
  for (let p = start; p < end; p++) {
    const digit = text.charCodeAt(p) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
    if (value >= MAX_TABLE_ID) return -1;
  }
  return value;
}
