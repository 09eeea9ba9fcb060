import type { BenchResults } from './bench-types';

/** When and from which code one bench section last produced its results. */
export interface SectionRecord {
  readonly title: string;
  /** ISO 8601 time the section finished. */
  readonly ranAt: string;
  /** Short git commit of the tree it ran on (null outside a git checkout). */
  readonly commit: string | null;
  /** Whether `src/` or `bench/` had uncommitted changes when it ran. */
  readonly dirty: boolean;
  readonly ms: number;
  /** The result keys it produced. */
  readonly keys: readonly string[];
}

/** Name under which results of runs before per-section records are kept. */
export const LEGACY_SECTION = '(earlier run)';

/** What results.json holds besides the machine. */
export interface BenchRecord {
  readonly results: BenchResults;
  /** Section file name → its last run. */
  readonly sections: Record<string, SectionRecord>;
}

/**
 * Merges one section's fresh output into the record: the keys it produced in an earlier run are
 * dropped first (a renamed key must not linger), and its record is replaced. Pure.
 */
export function mergeSectionRun(
  record: BenchRecord,
  file: string,
  out: BenchResults,
  meta: Omit<SectionRecord, 'keys'>,
): BenchRecord {
  const results: BenchResults = { ...record.results };
  for (const key of record.sections[file]?.keys ?? []) delete results[key];
  const sections: Record<string, SectionRecord> = {};
  for (const [name, s] of Object.entries(record.sections)) {
    if (name === file) continue;
    // Keys the fresh run now owns leave the section (or earlier run) they came from.
    const keys = s.keys.filter((k) => !(k in out));
    if (keys.length > 0) sections[name] = { ...s, keys };
  }
  Object.assign(results, out);
  sections[file] = { ...meta, keys: Object.keys(out) };
  return { results, sections };
}

/**
 * The record a run starts from. A full run starts empty; a partial run keeps the earlier results,
 * and results written before sections were recorded are attributed to {@link LEGACY_SECTION}
 * with the date of that run.
 */
export function startingRecord(
  previous: {
    readonly results?: BenchResults;
    readonly sections?: Record<string, SectionRecord>;
    readonly machine?: { readonly date?: string };
  },
  partial: boolean,
): BenchRecord {
  if (!partial) return { results: {}, sections: {} };
  const results = { ...(previous.results ?? {}) };
  const sections = { ...(previous.sections ?? {}) };
  const owned = new Set(Object.values(sections).flatMap((s) => s.keys));
  const orphans = Object.keys(results).filter((k) => !owned.has(k));
  if (orphans.length > 0) {
    sections[LEGACY_SECTION] = {
      title: LEGACY_SECTION,
      ranAt: previous.machine?.date ?? 'unknown',
      commit: null,
      dirty: false,
      ms: 0,
      keys: [...(sections[LEGACY_SECTION]?.keys ?? []), ...orphans],
    };
  }
  return { results, sections };
}

/** A section's standing in the current BENCHMARKS.md. */
export interface SectionFreshness {
  readonly file: string;
  readonly title: string;
  readonly ranAt: string;
  readonly commit: string | null;
  /** True when the section did not run in this invocation. */
  readonly stale: boolean;
  /** For stale sections: files under src/ and bench/ changed since its commit (null: unknown). */
  readonly changedFiles: number | null;
}

/**
 * Which sections ran in this invocation and which results come from an earlier one, and how much
 * code changed since the earlier ones ran (`changedSince(commit)`: changed file count or null).
 */
export function sectionFreshness(
  sections: Record<string, SectionRecord>,
  ranNow: ReadonlySet<string>,
  changedSince: (commit: string) => number | null,
): SectionFreshness[] {
  return Object.entries(sections)
    .map(([file, s]) => {
      const stale = !ranNow.has(file);
      return {
        file,
        title: s.title,
        ranAt: s.ranAt,
        commit: s.commit,
        stale,
        changedFiles: stale && s.commit !== null ? changedSince(s.commit) : null,
      };
    })
    .sort((a, b) => a.file.localeCompare(b.file));
}
