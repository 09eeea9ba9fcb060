/** Something that can be written to, e.g. `process.stderr`. */
export interface TextSink {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

/**
 * A progress bar on stderr: redrawn in place on a terminal; otherwise (a log file, CI) a line at
 * most every tenth of the work or {@link SPARSE_INTERVAL_MS}, plus the final line.
 */
export interface ProgressBar {
  update(done: number, total: number, detail?: string): void;
  finish(detail?: string): void;
}

/** Longest quiet stretch between progress lines when stderr is not a terminal. */
const SPARSE_INTERVAL_MS = 5000;
/** Fraction of the work between progress lines when stderr is not a terminal. */
const SPARSE_STEP = 0.1;

function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '?';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  return s < 60 ? `${s.toFixed(1)}s` : `${Math.floor(s / 60)}m${Math.round(s % 60)}s`;
}

/**
 * Creates a progress bar labelled `label`; `quiet` turns it off (e.g. with --json piping). `now`
 * is the clock (milliseconds).
 */
export function createProgressBar(
  label: string,
  sink: TextSink,
  quiet = false,
  now: () => number = Date.now,
): ProgressBar {
  const started = now();
  let lastLine = '';
  let lastWritten = started;
  let lastFrac = 0;
  let ended = false;
  const render = (done: number, total: number, detail: string, final: boolean): void => {
    if (quiet) return;
    const width = 24;
    const frac = total > 0 ? Math.min(1, done / total) : 1;
    const filled = Math.round(frac * width);
    const elapsed = now() - started;
    const eta = frac > 0 && !final ? (elapsed / frac) * (1 - frac) : 0;
    const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
    const timing = final ? formatMs(elapsed) : `${formatMs(elapsed)} eta ${formatMs(eta)}`;
    const line = `${label} ${bar} ${done}/${total} ${timing}${detail ? ` ${detail}` : ''}`;
    if (ended && line === lastLine) return;
    if (sink.isTTY) {
      sink.write(`\r${line}\x1b[K${final ? '\n' : ''}`);
    } else if (
      final ||
      lastLine === '' ||
      frac >= lastFrac + SPARSE_STEP ||
      now() - lastWritten >= SPARSE_INTERVAL_MS
    ) {
      sink.write(`${line}\n`);
      lastWritten = now();
      lastFrac = frac;
    }
    lastLine = line;
    ended = final;
  };
  let lastDone = 0;
  let lastTotal = 0;
  return {
    update(done, total, detail = '') {
      lastDone = done;
      lastTotal = total;
      // Reaching the total ends the bar, so callers need no separate finish for counted work.
      render(done, total, detail, total > 0 && done >= total);
    },
    finish(detail = '') {
      const total = lastTotal || lastDone;
      render(total, total, detail, true);
    },
  };
}

/** Human-readable duration, e.g. `850ms`, `2.4s`, `1m12s`. */
export { formatMs };
