import { readdirSync, readFileSync } from 'node:fs';

/** Resident memory of a process and all its descendants, in MB (Linux `/proc`; 0 elsewhere). */
export function treeRssMB(rootPid: number): number {
  let pids: number[];
  try {
    pids = readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .map(Number);
  } catch {
    return 0;
  }
  const parent = new Map<number, number>();
  const rssPages = new Map<number, number>();
  for (const pid of pids) {
    try {
      // Fields after the command name (which may hold spaces): state, ppid, … rss is field 24.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(pid, Number(fields[1]));
      rssPages.set(pid, Number(fields[21]));
    } catch {
      // The process ended meanwhile.
    }
  }
  let pages = 0;
  for (const pid of rssPages.keys()) {
    for (let p: number | undefined = pid; p !== undefined && p > 1; p = parent.get(p)) {
      if (p === rootPid) {
        pages += rssPages.get(pid)!;
        break;
      }
    }
  }
  return (pages * 4096) / 2 ** 20;
}

/** Samples {@link treeRssMB} every `everyMs` until stopped; `stop()` returns the peak. */
export function samplePeakRss(rootPid: number, everyMs = 500): { stop(): number } {
  let peak = treeRssMB(rootPid);
  const timer = setInterval(() => {
    peak = Math.max(peak, treeRssMB(rootPid));
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, treeRssMB(rootPid));
    },
  };
}
