import { describe, expect, it, vi } from 'vitest';
import { createHearthGlobal, installHearthGlobal } from '../../src/widget/hearth-global';
import type { WidgetRuntime } from '../../src/widget/shared-runtime';
import type { TrackEvent } from '../../src/worker/recommender-types';

function fakeRuntime(fail = false): { runtime: WidgetRuntime; tracked: TrackEvent[] } {
  const tracked: TrackEvent[] = [];
  const runtime = {
    track: async (event: TrackEvent) => {
      if (fail) throw new Error('bad event');
      tracked.push(event);
    },
    ready: async () => undefined,
    erase: async () => ({ remainingDatabases: [], remainingCaches: [] }),
    on: () => () => undefined,
    setConsent: vi.fn(),
  } as unknown as WidgetRuntime;
  return { runtime, tracked };
}

describe('window.Hearth', () => {
  it('track resolves true, or false with one console error instead of rejecting', async () => {
    const ok = fakeRuntime();
    expect(await createHearthGlobal(() => ok.runtime).track({ itemId: 'a', type: 'view' })).toBe(
      true,
    );
    expect(ok.tracked).toEqual([{ itemId: 'a', type: 'view' }]);
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const bad = fakeRuntime(true);
    expect(await createHearthGlobal(() => bad.runtime).track({ itemId: 'a', type: 'view' })).toBe(
      false,
    );
    expect(error).toHaveBeenCalledTimes(1);
    error.mockRestore();
  });

  it('installs itself, keeps an existing API and replays a stub queue', async () => {
    const target: { Hearth?: unknown } = {};
    const api = installHearthGlobal(target);
    expect(target.Hearth).toBe(api);
    expect(installHearthGlobal(target)).toBe(api);

    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const queued = { Hearth: { q: [['track', { itemId: '', type: 'view' }], 'junk', ['nope']] } };
    const replayed = installHearthGlobal(queued);
    expect(queued.Hearth).toBe(replayed);
    expect(typeof replayed.track).toBe('function');
    // The queued (invalid) event reached track, which logged instead of throwing.
    await vi.waitFor(() => expect(error).toHaveBeenCalled());
    error.mockRestore();
  });
});
