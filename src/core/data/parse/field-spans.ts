/**
 * One record's fields as offsets into the text buffer they were read from. A single instance is
 * reused for every record so the hot path allocates only the strings it actually needs.
 */
export class FieldSpans {
  /** Text the offsets point into. */
  text = '';
  /** Number of fields in the current record. */
  count = 0;
  /** Physical line breaks the record consumed (1 for an ordinary line, more for quoted newlines). */
  lines = 0;
  /** Set by a reader when the record is malformed as a whole (e.g. an unterminated quote). */
  error: string | null = null;
  /** Start offset of each field. */
  starts = new Int32Array(32);
  /** End offset (exclusive) of each field. */
  ends = new Int32Array(32);
  /** 1 when the field was quoted: its span still holds the quotes and doubled quotes. */
  quoted = new Uint8Array(32);

  /** Starts a new record over `text`. */
  reset(text: string): void {
    this.text = text;
    this.count = 0;
    this.lines = 0;
    this.error = null;
  }

  /** Appends a field span. */
  add(start: number, end: number, quoted: boolean): void {
    if (this.count === this.starts.length) this.grow();
    const i = this.count++;
    this.starts[i] = start;
    this.ends[i] = end;
    this.quoted[i] = quoted ? 1 : 0;
  }

  /** Field `i` as a string: unquoted, with surrounding blanks trimmed. `''` when out of range. */
  get(i: number): string {
    if (i >= this.count) return '';
    const text = this.text;
    const end = this.ends[i]!;
    if (this.quoted[i] === 1) return unquote(text, this.starts[i]!, end);
    let start = this.starts[i]!;
    let stop = end;
    while (start < stop && isBlank(text.charCodeAt(start))) start++;
    while (stop > start && isBlank(text.charCodeAt(stop - 1))) stop--;
    return start === 0 && stop === text.length ? text : text.slice(start, stop);
  }

  /** Whether field `i` is missing or holds only blanks. */
  isEmpty(i: number): boolean {
    if (i >= this.count) return true;
    if (this.quoted[i] === 1) return this.get(i).trim() === '';
    const text = this.text;
    const end = this.ends[i]!;
    for (let p = this.starts[i]!; p < end; p++) if (!isBlank(text.charCodeAt(p))) return false;
    return true;
  }

  /**
   * Field `i` as a finite number, parsed straight from the character codes for plain decimals
   * (the common case) and through `Number` otherwise. NaN when empty or not a number.
   */
  number(i: number): number {
    if (i >= this.count) return NaN;
    if (this.quoted[i] === 1) return parseNumber(this.get(i));
    return parseNumberSpan(this.text, this.starts[i]!, this.ends[i]!);
  }

  /** All fields as strings (used once per file for headers, never per row). */
  toArray(): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.count; i++) out.push(this.get(i));
    return out;
  }

  private grow(): void {
    const cap = this.starts.length * 2;
    const starts = new Int32Array(cap);
    const ends = new Int32Array(cap);
    const quoted = new Uint8Array(cap);
    starts.set(this.starts);
    ends.set(this.ends);
    quoted.set(this.quoted);
    this.starts = starts;
    this.ends = ends;
    this.quoted = quoted;
  }
}

const QUOTE = 34;

/** Space, tab or carriage return: padding that never belongs to a value. */
export function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 13;
}

/**
 * Parses a trimmed-or-not string as a finite decimal number; NaN when empty, not numeric, or a
 * hex/binary/octal literal. Unlike `Number`, an empty string is NaN rather than 0.
 */
export function parseNumber(s: string): number {
  return parseNumberSpan(s, 0, s.length);
}

/** Largest mantissa that still makes `mantissa / 10^k` a correctly rounded parse. */
const MAX_EXACT_MANTISSA = 2 ** 53;
const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/** {@link parseNumber} over `text[start, end)` without allocating for plain decimals. */
export function parseNumberSpan(text: string, start: number, end: number): number {
  while (start < end && isBlank(text.charCodeAt(start))) start++;
  while (end > start && isBlank(text.charCodeAt(end - 1))) end--;
  if (start === end) return NaN;
  let p = start;
  let negative = false;
  const first = text.charCodeAt(p);
  if (first === 45 || first === 43) {
    negative = first === 45;
    p++;
  }
  let mantissa = 0;
  let digits = 0;
  let fraction = -1;
  for (; p < end; p++) {
    const c = text.charCodeAt(p);
    if (c >= 48 && c <= 57) {
      mantissa = mantissa * 10 + (c - 48);
      digits++;
      if (fraction >= 0) fraction++;
    } else if (c === 46 && fraction < 0) {
      fraction = 0;
    } else {
      // Only exponents, radix prefixes and non-ASCII blanks can still make a number; a date
      // such as 2024-01-02 fails here without allocating.
      return MAYBE_NUMBER.test(text.charAt(p)) || c > 127 ? slowNumber(text, start, end) : NaN;
    }
  }
  // A division by an exact power of ten of an exact integer is correctly rounded, so this equals
  // `Number(text)` bit for bit; anything longer takes the slow path.
  if (digits === 0 || mantissa >= MAX_EXACT_MANTISSA || fraction >= POW10.length) {
    return slowNumber(text, start, end);
  }
  const value = fraction > 0 ? mantissa / POW10[fraction]! : mantissa;
  return negative ? -value : value;
}

const MAYBE_NUMBER = /[eExXbBoO]/;
/** `Number` reads `0x10` as 16, `0b1` and `0o7` too: in a data file those are not decimal values. */
const RADIX_PREFIX = /^[+-]?0[xXbBoO]/;

function slowNumber(text: string, start: number, end: number): number {
  const slice = text.slice(start, end);
  if (RADIX_PREFIX.test(slice)) return NaN;
  const value = Number(slice);
  return Number.isFinite(value) ? value : NaN;
}

/** Removes the quotes of a quoted field span, undoubles `""`, and keeps text after the quote. */
function unquote(text: string, start: number, end: number): string {
  let p = start;
  while (p < end && text.charCodeAt(p) !== QUOTE) p++;
  p++;
  let out = '';
  let chunkStart = p;
  while (p < end) {
    if (text.charCodeAt(p) === QUOTE) {
      out += text.slice(chunkStart, p);
      if (p + 1 < end && text.charCodeAt(p + 1) === QUOTE) {
        out += '"';
        p += 2;
        chunkStart = p;
        continue;
      }
      // Lenient like most CSV readers: characters after the closing quote are kept.
      return out + text.slice(p + 1, end).trimEnd();
    }
    p++;
  }
  return out + text.slice(chunkStart, end);
}
