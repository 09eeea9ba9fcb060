/** Something that can be written to, e.g. `process.stderr`. */
export interface TextSink {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

/** A progress bar on stderr: redrawn in place on a terminal, one line per update otherwise. */
export interface ProgressBar {
  update(done: number, total: number, detail?: string): void;
  finish(detail?: string): void;
}

function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '?';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  return s < 60 ? `${s.toFixed(1)}s` : `${Math.floor(s / 60)}m${Math.round(s % 60)}s`;
}

/** Creates a progress bar labelled `label`; `quiet` turns it off (e.g. with --json piping). */
export function createProgressBar(label: string, sink: TextSink, quiet = false): ProgressBar {
  const started = Date.now();
  let lastLine = '';
  const render = (done: number, total: number, detail: string, final: boolean): void => {
    if (quiet) return;
    const width = 24;
    const frac = total > 0 ? Math.min(1, done / total) : 1;
    const filled = Math.round(frac * width);
    const elapsed = Date.now() - started;
    const eta = frac > 0 && !final ? (elapsed / frac) * (1 - frac) : 0;
    const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
    const timing = final ? formatMs(elapsed) : `${formatMs(elapsed)} eta ${formatMs(eta)}`;
    const line = `${label} ${bar} ${done}/${total} ${timing}${detail ? ` ${detail}` : ''}`;
    if (sink.isTTY) {
      sink.write(`\r${line}\x1b[K${final ? '\n' : ''}`);
    } else if (final || line !== lastLine) {
      sink.write(`${line}\n`);
    }
    lastLine = line;
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
