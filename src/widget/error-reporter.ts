/** Logs a widget's failures to the console: once, until it renders successfully again. */
export interface ErrorReporter {
  /** Logs `error` unless one was logged since the last {@link ErrorReporter.reset}. */
  report(error: unknown): void;
  /** Logs a non-fatal problem once per distinct message. */
  warn(message: string): void;
  /** A successful render: the next failure is worth logging again. */
  reset(): void;
}

/** Creates an {@link ErrorReporter} whose messages start with `label`. */
export function createErrorReporter(label: string): ErrorReporter {
  let reported = false;
  const warned = new Set<string>();
  return {
    report(error) {
      if (reported) return;
      reported = true;
      const message = error instanceof Error ? error.message : String(error);
      console.error(`${label} ${message}`, error);
    },
    warn(message) {
      if (warned.has(message)) return;
      warned.add(message);
      console.warn(`${label} ${message}`);
    },
    reset() {
      reported = false;
    },
  };
}
