import { isBlank, type FieldSpans } from './field-spans';

/** Field texts remembered by default: event types come in a handful of spellings. */
const DEFAULT_MAX_TEXTS = 16;

/**
 * Codes of the few distinct texts a column holds (event types), found again from a field's span
 * by comparing characters, so a row costs no string. Texts past the first `maxTexts` are looked
 * up each time.
 */
export class SpanCodes {
  private readonly texts: string[] = [];
  private readonly codes: number[] = [];

  /** `lookup`: the code of a trimmed field text. */
  constructor(
    private readonly lookup: (raw: string) => number,
    private readonly maxTexts = DEFAULT_MAX_TEXTS,
  ) {}

  /** The code of field `i`, trimmed as {@link FieldSpans.get} trims it. */
  code(fields: FieldSpans, i: number): number {
    if (fields.quoted[i] === 1) return this.lookup(fields.get(i));
    const text = fields.text;
    let start = fields.starts[i]!;
    let end = fields.ends[i]!;
    while (start < end && isBlank(text.charCodeAt(start))) start++;
    while (end > start && isBlank(text.charCodeAt(end - 1))) end--;
    const length = end - start;
    for (let k = 0; k < this.texts.length; k++) {
      const known = this.texts[k]!;
      if (known.length !== length) continue;
      let p = 0;
      while (p < length && known.charCodeAt(p) === text.charCodeAt(start + p)) p++;
      if (p === length) return this.codes[k]!;
    }
    const raw = text.slice(start, end);
    const code = this.lookup(raw);
    if (this.texts.length < this.maxTexts) {
      this.texts.push(raw);
      this.codes.push(code);
    }
    return code;
  }
}
