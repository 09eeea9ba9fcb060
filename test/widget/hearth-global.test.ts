import { describe, expect, it, vi } from 'vitest';
import {
  createHearthGlobal,
  HEARTH_STUB_SNIPPET,
  installHearthGlobal,
} from '../../src/widget/hearth-global';
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

  it('replays the documented inline stub in order and forwards calls made through it later', async () => {
    const page: { Hearth?: { track(e: TrackEvent): unknown } } = {};
    // What the README's inline classic script does before the module script has run.
    new Function('window', HEARTH_STUB_SNIPPET)(page);
    const stub = page.Hearth!;
    stub.track({ itemId: 'p1', type: 'view' });
    stub.track({ itemId: 'p2', type: 'cart' });
    const { runtime, tracked } = fakeRuntime();
    const api = installHearthGlobal(page, () => runtime);
    expect(page.Hearth).toBe(api);
    await vi.waitFor(() => expect(tracked).toHaveLength(2));
    expect(tracked.map((e) => e.itemId)).toEqual(['p1', 'p2']);
    // A script that kept the stub object still reaches the runtime.
    stub.track({ itemId: 'p3', type: 'view' });
    await vi.waitFor(() => expect(tracked.map((e) => e.itemId)).toEqual(['p1', 'p2', 'p3']));
    expect(runtime.setConsent).not.toHaveBeenCalled();
  });
});
