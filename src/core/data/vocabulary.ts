/**
 * Maps string ids to dense integers 0..size-1 in first-seen order, and back.
 */
export class Vocabulary {
  private readonly index = new Map<string, number>();
  private readonly ids: string[] = [];

  /** Builds a vocabulary from ids in order (duplicates keep their first index). */
  static from(ids: Iterable<string>): Vocabulary {
    const vocab = new Vocabulary();
    for (const id of ids) vocab.add(id);
    return vocab;
  }

  /** Number of distinct ids. */
  get size(): number {
    return this.ids.length;
  }

  /** Returns the dense index of `id`, adding it if new. */
  add(id: string): number {
    const found = this.index.get(id);
    if (found !== undefined) return found;
    const next = this.ids.length;
    this.index.set(id, next);
    this.ids.push(id);
    return next;
  }

  /** Dense index of `id`, or -1 when unknown. */
  get(id: string): number {
    return this.index.get(id) ?? -1;
  }

  /** Whether `id` is known. */
  has(id: string): boolean {
    return this.index.has(id);
  }

  /** The id at dense index `i`. Throws on out-of-range indices. */
  idAt(i: number): string {
    const id = this.ids[i];
    if (id === undefined) throw new RangeError(`No id at index ${i} (size ${this.ids.length}).`);
    return id;
  }

  /** All ids in index order (a copy). */
  toArray(): string[] {
    return this.ids.slice();
  }
}
