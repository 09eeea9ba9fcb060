import type { Vocabulary } from './vocabulary';

/**
 * Columnar interaction storage: one typed array per field, grown geometrically. This is the
 * hot-path representation; no per-row objects are kept.
 */
export interface InteractionColumns {
  /** Number of rows. */
  readonly length: number;
  readonly users: Int32Array;
  readonly items: Int32Array;
  /** Event type codes (index into `EVENT_TYPES`). */
  readonly types: Uint8Array;
  /** Value (rating, quantity or weight); NaN when absent. */
  readonly values: Float32Array;
  /** Milliseconds since epoch; NaN when absent. */
  readonly timestamps: Float64Array;
}

/** Interactions plus the vocabularies that map their dense ints back to ids. */
export interface InteractionDataset {
  readonly userVocab: Vocabulary;
  readonly itemVocab: Vocabulary;
  readonly columns: InteractionColumns;
}

/** Append-only builder for {@link InteractionColumns}. */
export class InteractionLogBuilder {
  private n = 0;
  private users: Int32Array;
  private items: Int32Array;
  private types: Uint8Array;
  private values: Float32Array;
  private timestamps: Float64Array;

  /** `capacity`: rows to allocate up front (grows geometrically past it). */
  constructor(capacity = 1024) {
    const c = Math.max(1, capacity);
    this.users = new Int32Array(c);
    this.items = new Int32Array(c);
    this.types = new Uint8Array(c);
    this.values = new Float32Array(c);
    this.timestamps = new Float64Array(c);
  }

  /** Rows appended so far. */
  get length(): number {
    return this.n;
  }

  /** Appends one row. `value`/`timestamp` may be NaN when unknown. */
  push(user: number, item: number, type: number, value: number, timestamp: number): void {
    if (this.n === this.users.length) this.grow();
    const i = this.n++;
    this.users[i] = user;
    this.items[i] = item;
    this.types[i] = type;
    this.values[i] = value;
    this.timestamps[i] = timestamp;
  }

  private grow(): void {
    const cap = this.users.length * 2;
    const grow = <T extends Int32Array | Uint8Array | Float32Array | Float64Array>(
      old: T,
      make: (n: number) => T,
    ): T => {
      const next = make(cap);
      next.set(old);
      return next;
    };
    this.users = grow(this.users, (c) => new Int32Array(c));
    this.items = grow(this.items, (c) => new Int32Array(c));
    this.types = grow(this.types, (c) => new Uint8Array(c));
    this.values = grow(this.values, (c) => new Float32Array(c));
    this.timestamps = grow(this.timestamps, (c) => new Float64Array(c));
  }

  /** Returns trimmed columns (copies; the builder may keep appending). */
  build(): InteractionColumns {
    return {
      length: this.n,
      users: this.users.slice(0, this.n),
      items: this.items.slice(0, this.n),
      types: this.types.slice(0, this.n),
      values: this.values.slice(0, this.n),
      timestamps: this.timestamps.slice(0, this.n),
    };
  }
}
