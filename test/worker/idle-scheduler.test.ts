import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createActivityIdleTracker,
  mainThreadIdleScheduler,
} from '../../src/worker/idle-scheduler';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('activity idle tracker', () => {
  it('runs a task after idleMs without activity', () => {
    const idle = createActivityIdleTracker({ idleMs: 100, now: () => Date.now() });
    const task = vi.fn();
    idle.schedule(task);
    vi.advanceTimersByTime(99);
    expect(task).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(task).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1000);
    expect(task).toHaveBeenCalledTimes(1);
  });

  it('waits while work is in flight and for idleMs after it ended', () => {
    const idle = createActivityIdleTracker({ idleMs: 100, now: () => Date.now() });
    const task = vi.fn();
    const end = idle.begin();
    idle.schedule(task);
    vi.advanceTimersByTime(500);
    expect(task).not.toHaveBeenCalled();
    end();
    end(); // ending twice counts once
    vi.advanceTimersByTime(60);
    idle.begin()(); // a quick request postpones idleness
    vi.advanceTimersByTime(60);
    expect(task).not.toHaveBeenCalled();
    vi.advanceTimersByTime(40);
    expect(task).toHaveBeenCalledTimes(1);
  });

  it('cancels single tasks and everything on dispose', () => {
    const idle = createActivityIdleTracker({ idleMs: 10, now: () => Date.now() });
    const a = vi.fn();
    const b = vi.fn();
    idle.schedule(a)();
    idle.schedule(b);
    idle.dispose();
    vi.advanceTimersByTime(100);
    expect(a).not.toHaveBeenCalled();
    expect(b).not.toHaveBeenCalled();
  });
});

describe('main-thread idle scheduler', () => {
  it('uses requestIdleCallback where available', () => {
    const callbacks: (() => void)[] = [];
    vi.stubGlobal('requestIdleCallback', (cb: () => void) => callbacks.push(cb));
    const cancel = vi.fn();
    vi.stubGlobal('cancelIdleCallback', cancel);
    const task = vi.fn();
    const stop = mainThreadIdleScheduler()(task);
    expect(callbacks).toHaveLength(1);
    callbacks[0]!();
    expect(task).toHaveBeenCalledTimes(1);
    stop();
    expect(cancel).toHaveBeenCalledWith(1);
  });

  it('falls back to a timer', () => {
    vi.stubGlobal('requestIdleCallback', undefined);
    const task = vi.fn();
    mainThreadIdleScheduler(50)(task);
    vi.advanceTimersByTime(49);
    expect(task).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(task).toHaveBeenCalledTimes(1);
  });
});
