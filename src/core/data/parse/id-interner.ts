import type { Vocabulary } from '../vocabulary';
import { isBlank, type FieldSpans } from './field-spans';

/** Numbers at or above this go through the vocabulary's map instead of a table. */
const MAX_TABLE_ID = 1 << 22;
/** Longest prefix (e.g. `u`, `sku-`) and digit run of a prefixed id that takes a table. */
const MAX_PREFIX = 16;
const MAX_DIGITS = 9;
/** Most prefix tables: ids with ever-new prefixes (hashes, UUIDs) go through the vocabulary. */
const MAX_TABLES = 64;

/** Vocabulary index per number, for the ids of one shape (prefix and digit count). */
class NumberTable {
  table = new Int32Array(1024).fill(-1);

  /** The slot of `value`, growing the table to hold it. */
  ensure(value: number): void {
    if (value < this.table.length) return;
    let size = this.table.length;
    while (size <= value) size *= 2;
    const next = new Int32Array(size).fill(-1);
    next.set(this.table);
    this.table = next;
  }
}

/**
 * Maps id fields to vocabulary indices. Ids written as plain non-negative integers (no sign, no
 * leading zeros), or as a short prefix and a run of digits (`u00042`, `sku-17`: the common forms
 * in logs), are looked up in typed tables keyed by their number — one table per prefix and digit
 * count, so `p042` and `p0042` stay different ids — and no string is created or hashed after an
 * id's first occurrence. Other ids use the vocabulary directly. The vocabulary's contents are the
 * same either way.
 */
export class IdInterner {
  private readonly plain = new NumberTable();
  private readonly prefixed = new Map<string, NumberTable>();
  private lastPrefix = '';
  private lastDigits = 0;
  private lastTable: NumberTable | null = null;

  constructor(private readonly vocab: Vocabulary) {}

  /** Vocabulary index of field `i` (which must not be empty), adding the id when new. */
  intern(fields: FieldSpans, i: number): number {
    if (fields.quoted[i] === 1) return this.vocab.add(fields.get(i));
    const text = fields.text;
    let start = fields.starts[i]!;
    let end = fields.ends[i]!;
    while (start < end && isBlank(text.charCodeAt(start))) start++;
    while (end > start && isBlank(text.charCodeAt(end - 1))) end--;
    let digitsStart = end;
    while (digitsStart > start && isDigit(text.charCodeAt(digitsStart - 1))) digitsStart--;
    const digits = end - digitsStart;
    if (digits === 0 || digits > MAX_DIGITS) return this.vocab.add(fields.get(i));
    let table: NumberTable;
    if (digitsStart === start) {
      if (digits > 1 && text.charCodeAt(start) === 48) return this.vocab.add(fields.get(i));
      table = this.plain;
    } else {
      if (digitsStart - start > MAX_PREFIX) return this.vocab.add(fields.get(i));
      const found = this.tableOf(text, start, digitsStart, digits);
      if (found === null) return this.vocab.add(fields.get(i));
      table = found;
    }
    let value = 0;
    for (let p = digitsStart; p < end; p++) value = value * 10 + text.charCodeAt(p) - 48;
    if (value >= MAX_TABLE_ID) return this.vocab.add(fields.get(i));
    table.ensure(value);
    const known = table.table[value]!;
    if (known >= 0) return known;
    const index = this.vocab.add(fields.get(i));
    table.table[value] = index;
    return index;
  }

  /** The table of ids with prefix text[start, stop) and `digits` digits (the last one is cached). */
  private tableOf(text: string, start: number, stop: number, digits: number): NumberTable | null {
    const last = this.lastPrefix;
    if (this.lastTable !== null && digits === this.lastDigits && last.length === stop - start) {
      let same = true;
      for (let p = 0; p < last.length && same; p++)
        same = last.charCodeAt(p) === text.charCodeAt(start + p);
      if (same) return this.lastTable;
    }
    const prefix = text.slice(start, stop);
    const key = `${digits}:${prefix}`;
    let table = this.prefixed.get(key);
    if (table === undefined) {
      if (this.prefixed.size >= MAX_TABLES) return null;
      table = new NumberTable();
      this.prefixed.set(key, table);
    }
    this.lastPrefix = prefix;
    this.lastDigits = digits;
    this.lastTable = table;
    return table;
  }
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
