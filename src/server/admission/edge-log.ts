/**
 * Counters of what the HTTP edge cut off (aborted uploads, slow bodies, connections over the
 * per-address cap), reported in `/v1/status` and summed into at most one stderr line per window,
 * so an attack of thousands of aborted uploads costs a few lines of log, not a stack trace each.
 * No line names an address.
 */

/** What the edge counts. */
export type EdgeEvent = 'abortedUploads' | 'slowBodies' | 'refusedConnections';

/** Totals since start. */
export type EdgeStats = Readonly<Record<EdgeEvent, number>>;

/** Counts edge events and logs them in summary lines. */
export interface EdgeLog {
  count(event: EdgeEvent): void;
  stats(): EdgeStats;
  /** Writes the pending summary now (on close). */
  flush(): void;
}

const WORDS: Readonly<Record<EdgeEvent, string>> = {
  abortedUploads: 'uploads aborted by the client',
  slowBodies: 'bodies cut for arriving too slowly',
  refusedConnections: 'connections over the per-address cap closed',
};

/** Creates the counters; `write` gets each summary line (default: stderr). */
export function createEdgeLog(o: {
  /** Length of a summary window. Default 10 s. */
  readonly windowMs?: number;
  readonly write?: (line: string) => void;
}): EdgeLog {
  const write = o.write ?? ((line: string) => process.stderr.write(line));
  const totals: Record<EdgeEvent, number> = {
    abortedUploads: 0,
    slowBodies: 0,
    refusedConnections: 0,
  };
  let pending: Partial<Record<EdgeEvent, number>> = {};
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = (): void => {
    if (timer) clearTimeout(timer);
    timer = null;
    const parts = (Object.keys(pending) as EdgeEvent[]).map((e) => `${pending[e]} ${WORDS[e]}`);
    pending = {};
    if (parts.length > 0) write(`hearth-server: ${parts.join(', ')}\n`);
  };
  return {
    count(event) {
      totals[event]++;
      pending[event] = (pending[event] ?? 0) + 1;
      if (!timer) {
        timer = setTimeout(flush, o.windowMs ?? 10_000);
        timer.unref();
      }
    },
    stats: () => ({ ...totals }),
    flush,
  };
}
