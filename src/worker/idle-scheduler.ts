/** Runs a task when the runtime is idle; returns a function that cancels it if not yet run. */
export type IdleScheduler = (task: () => void) => () => void;

/** Milliseconds without activity after which a worker counts as idle. */
export const DEFAULT_IDLE_MS = 2000;

interface IdleCallbackGlobal {
  requestIdleCallback?: (callback: () => void) => number;
  cancelIdleCallback?: (handle: number) => void;
}

/**
 * Idle scheduling for the page's main thread: `requestIdleCallback` where the browser has it,
 * else a timer of `fallbackMs`.
 */
export function mainThreadIdleScheduler(fallbackMs = DEFAULT_IDLE_MS): IdleScheduler {
  return (task) => {
    const g = globalThis as IdleCallbackGlobal;
    if (typeof g.requestIdleCallback === 'function') {
      const handle = g.requestIdleCallback(task);
      return () => g.cancelIdleCallback?.(handle);
    }
    const timer = setTimeout(task, fallbackMs);
    return () => clearTimeout(timer);
  };
}

/** Idle detection by activity: idle once nothing is busy and nothing happened for `idleMs`. */
export interface ActivityIdleTracker {
  /** Schedules tasks for the next idle period. */
  readonly schedule: IdleScheduler;
  /** Marks the start of some work (a request); call the returned function when it ends. */
  begin(): () => void;
  /** Cancels every scheduled task. */
  dispose(): void;
}

/** Options of {@link createActivityIdleTracker}. */
export interface ActivityIdleOptions {
  readonly idleMs?: number;
  /** Clock (tests); default `performance.now`. */
  readonly now?: () => number;
}

/**
 * Creates an {@link ActivityIdleTracker}. A worker has no `requestIdleCallback`, so the host calls
 * `begin()` for every request and tasks run after `idleMs` (default 2 s) without any.
 */
export function createActivityIdleTracker(options: ActivityIdleOptions = {}): ActivityIdleTracker {
  const idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
  const now = options.now ?? (() => performance.now());
  let busy = 0;
  let lastActivity = now();
  const tasks = new Set<() => void>();
  let timer: ReturnType<typeof setTimeout> | null = null;

  const arm = (delay: number): void => {
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(check, Math.max(0, delay));
  };
  function check(): void {
    timer = null;
    if (tasks.size === 0 || busy > 0) return;
    const quietFor = now() - lastActivity;
    if (quietFor < idleMs) {
      arm(idleMs - quietFor);
      return;
    }
    const due = [...tasks];
    tasks.clear();
    for (const task of due) task();
  }

  return {
    schedule(task) {
      tasks.add(task);
      if (busy === 0 && timer === null) arm(idleMs - (now() - lastActivity));
      return () => {
        tasks.delete(task);
      };
    },
    begin() {
      busy++;
      lastActivity = now();
      let ended = false;
      return () => {
        if (ended) return;
        ended = true;
        busy--;
        lastActivity = now();
        if (busy === 0 && tasks.size > 0) arm(idleMs);
      };
    },
    dispose() {
      tasks.clear();
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
  };
}
